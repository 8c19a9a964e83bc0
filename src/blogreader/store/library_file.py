"""The whole library as plain rows (for `export json`), and those rows loaded back into an empty library."""

from __future__ import annotations

import sqlite3

from blogreader.errors import UsageError
from blogreader.store.database import transaction

# What an export carries of each table; validators, hashes of fetched bodies and the like stay behind.
_PRIVATE_SOURCE_COLUMNS = ("etag", "last_modified", "body_hash", "lease_owner", "lease_until")
_META_KEYS = ("collection_title", "collection_description", "curated_newest_month")
_SCALARS = (str, int, float, bool, type(None))


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The stored columns of `table` (generated ones are not listed by table_info)."""
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


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
        entries.append(entry)
    meta = {key: value for key, value in conn.execute(
        f"SELECT key, value FROM meta WHERE key IN ({','.join('?' * len(_META_KEYS))})", _META_KEYS)}
    return {
        "sources": sources, "entries": entries,
        "entry_sources": [dict(row) for row in conn.execute("SELECT * FROM entry_sources ORDER BY entry_id, source_id")],
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
        conn.execute("PRAGMA defer_foreign_keys = ON")  # items may come before their roundup; checked at commit
        try:
            for table, rows in (("sources", sources), ("entries", entries), ("entry_sources", carried),
                                ("mentions", mentions)):
                _insert(conn, table, rows, name)
            for key in _META_KEYS:
                if isinstance(meta.get(key), str):
                    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, meta[key]))
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        except (sqlite3.IntegrityError, OverflowError) as exc:
            raise UsageError(f"{name}: not a BlogReader export this version can load ({exc}); "
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
        marks = ", ".join("?" * len(present))
        conn.execute(f"INSERT INTO {table} ({', '.join(present)}) VALUES ({marks})",
                     [int(value) if isinstance(value, bool) else value for value in values])
