"""The whole library as plain rows (for `export json`), and those rows loaded back into an empty library."""

from __future__ import annotations

import re
import sqlite3

from blogreader.errors import UsageError
from blogreader.store.database import transaction
from blogreader.store.dialect import is_postgres, table_columns
from blogreader.store.packed_posts import stored_html, stored_post, unpack_html, unpack_text

# What an export carries of each table; validators, hashes of fetched bodies and the like stay behind.
_PRIVATE_SOURCE_COLUMNS = ("etag", "last_modified", "body_hash", "lease_owner", "lease_until")
_META_KEYS = ("collection_title", "collection_description", "curated_newest_month")
_SCALARS = (str, int, float, bool, type(None))
# Identity columns an import writes explicitly, whose PostgreSQL sequences must then move past the largest value.
_IDENTITIES = (("sources", "id"), ("entries", "id"), ("mentions", "id"), ("entry_sources", "rowid"))
_NAMED_TABLE = re.compile(r'table "(\w+)"')


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The stored columns of `table` (generated and engine-private ones left out)."""
    return table_columns(conn, table)


def dump_library(conn: sqlite3.Connection) -> dict:
    """Sources, every entry with every stored field, which sources carry which entries, roundup mentions."""
    sources = [dict(row) for row in conn.execute("SELECT * FROM sources ORDER BY id")]
    counts = dict(conn.execute("SELECT source_id, count(*) FROM entry_sources GROUP BY source_id").fetchall())
    for source in sources:
        for private in _PRIVATE_SOURCE_COLUMNS:
            source.pop(private, None)
        source["disabled"] = bool(source["disabled"])
        source["entries"] = counts.get(source["id"], 0)
    entry_columns = ", ".join(f"e.{name}" for name in _columns(conn, "entries"))
    entries = []
    for row in conn.execute(f"""SELECT {entry_columns}, coalesce(s.title, s.url) AS source FROM entries e
                                LEFT JOIN sources s ON s.id = e.source_id ORDER BY e.sort_date DESC, e.id DESC"""):
        entry = dict(row)
        for name in ("read", "picked", "starred", "promo"):
            entry[name] = bool(entry[name])
        entry["content_html"] = unpack_html(entry["content_html"])
        entry["text"] = unpack_text(entry["text"], entry["content_html"])
        entries.append(entry)
    meta = {key: value for key, value in conn.execute(
        f"SELECT key, value FROM meta WHERE key IN ({','.join('?' * len(_META_KEYS))})", _META_KEYS)}
    return {
        "sources": sources, "entries": entries,
        "entry_sources": [dict(row) for row in conn.execute(
            f"SELECT {', '.join(_columns(conn, 'entry_sources'))} FROM entry_sources ORDER BY entry_id, source_id")],
        "mentions": [dict(row) for row in conn.execute("SELECT * FROM mentions ORDER BY id")],
        "meta": meta,
    }


def load_library(conn: sqlite3.Connection, document: dict, name: str) -> dict[str, int]:
    """Load an export into an empty library, ids and all, in one transaction; returns how many rows of each."""
    sources, entries = _rows(document, "sources", name), _rows(document, "entries", name)
    carried = _rows(document, "entry_sources", name, required=False)
    if carried is None:  # exports before this field: each entry's own source carries it
        carried = [{"entry_id": e.get("id"), "source_id": e.get("source_id")} for e in entries if e.get("source_id")]
    mentions = _rows(document, "mentions", name, required=False) or []
    meta = document.get("meta") if isinstance(document.get("meta"), dict) else {}
    with transaction(conn):
        held = conn.execute("SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM entries)").fetchone()[0]
        if held:
            raise UsageError(f"{name}: a BlogReader export is imported into an empty library, and this one is not; "
                             "import it into a new folder (blogreader --home NEWFOLDER import FILE); nothing was imported")
        postgres = is_postgres(conn)
        # Items may come before their roundup: the foreign keys are checked once every row is in.
        conn.execute("SET CONSTRAINTS ALL DEFERRED" if postgres else "PRAGMA defer_foreign_keys = ON")
        broken = None
        try:
            for table, rows in (("sources", sources), ("entries", entries), ("entry_sources", carried),
                                ("mentions", mentions)):
                _insert(conn, table, rows, name)
            for key in _META_KEYS:
                if isinstance(meta.get(key), str):
                    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, meta[key]))
            if postgres:
                broken = _deferred_check(conn)
                if not broken:
                    _move_sequences(conn)
            else:
                broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        except (sqlite3.IntegrityError, sqlite3.DataError, OverflowError) as exc:
            raise UsageError(f"{name}: not a BlogReader export this version can load ({_first_line(exc)}); "
                             "nothing was imported") from None
        except sqlite3.DatabaseError as exc:
            if not postgres or isinstance(exc, sqlite3.OperationalError):
                raise
            # PostgreSQL refuses a value of the wrong type (text in a number column) where SQLite stores it.
            raise UsageError(f"{name}: not a BlogReader export this version can load ({_first_line(exc)}); "
                             "nothing was imported") from None
        if broken:
            raise UsageError(f"{name}: a {broken[0]} row points at a {broken[2]} row the file does not hold; "
                             "not a whole BlogReader export; nothing was imported")
    return {"sources": len(sources), "entries": len(entries)}


def _rows(document: dict, key: str, name: str, required: bool = True) -> list[dict] | None:
    rows = document.get(key)
    if rows is None and not required:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise UsageError(f"{name}: its {key!r} is not a list of objects; not a BlogReader export; nothing was imported")
    return rows


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict], name: str) -> None:
    """Insert `rows`, each with the columns of `table` it names (column names come from the schema, never the file)."""
    columns = _columns(conn, table)
    for index, row in enumerate(rows, start=1):
        present = [column for column in columns if column in row]
        values = [row[column] for column in present]
        if not all(isinstance(value, _SCALARS) for value in values):
            raise UsageError(f"{name}: {table} row {index} holds a value that is not text or a number; "
                             "nothing was imported")
        if table == "entries" and isinstance(row.get("content_html"), str) and "content_html" in present:
            _store_post(values, present, row, is_postgres(conn))
        marks = ", ".join("?" * len(present))
        conn.execute(f"INSERT INTO {table} ({', '.join(present)}) VALUES ({marks})",
                     [int(value) if isinstance(value, bool) else value for value in values])


def _deferred_check(conn) -> tuple[str, None, str] | None:
    """PostgreSQL: check the deferred foreign keys now, before COMMIT; (table, None, referenced table) of the
    first one broken, as PRAGMA foreign_key_check names them, or None. A broken key aborts the transaction:
    the caller rolls it back."""
    try:
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks every deferred key now
    except sqlite3.IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        table = getattr(diag, "table_name", None) or "?"
        referenced = _NAMED_TABLE.search(getattr(diag, "message_detail", None) or "")
        return (table, None, referenced.group(1) if referenced else "?")
    return None


def _move_sequences(conn) -> None:
    """PostgreSQL: each identity sequence past the largest id the import wrote, so the next insert is new."""
    for table, column in _IDENTITIES:
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                     f"coalesce(max({column}), 0) + 1, false) FROM {table}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _store_post(values: list, present: list[str], row: dict, postgres: bool) -> None:
    """A post's HTML, and its text with it, as this engine stores them (store/packed_posts.py)."""
    html = present.index("content_html")
    if isinstance(row.get("text"), str) and "text" in present:
        values[html], values[present.index("text")] = stored_post(row["content_html"], row["text"], postgres)
    else:
        values[html] = stored_html(row["content_html"], postgres)
