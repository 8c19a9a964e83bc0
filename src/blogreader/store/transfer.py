"""Copy a whole library from one engine to the other (SQLite <-> PostgreSQL), ids and all, and prove the copy.

The target must be empty. Every table is read in primary-key order a page at a time (keyset pagination, so a
library of a million entries is never held in memory) and written in one transaction with foreign keys checked
at commit. Afterwards each table is read back from both sides in the same order and compared by row count and
a SHA-256 over its rows: a copy that differs in one value is reported, and the command fails.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from blogreader.errors import UsageError
from blogreader.store.database import transaction
from blogreader.store.dialect import is_postgres, table_columns
from blogreader.store.packed_posts import stored_html, stored_post, unpack_html, unpack_text

PAGE_ROWS = 2000
# Each table with the columns that order it (its primary key), parents before children. enrich_claims is not
# copied: a claim belongs to a process running against the old library, and an unenriched entry is claimed again.
TABLES = (
    ("sources", ("id",)),
    ("entries", ("id",)),
    ("entry_sources", ("entry_id", "source_id")),
    ("mentions", ("id",)),
    ("entry_bands", ("band", "key", "entry_id")),
    ("published", ("entry_id", "output", "period")),
    ("discussions", ("post_id", "work_url")),
    ("meta", ("key",)),
)
# Text key columns, ordered by their bytes on both engines (SQLite's BINARY; PostgreSQL's "C" collation).
_TEXT_KEYS = {("published", "output"), ("published", "period"), ("discussions", "work_url"), ("meta", "key")}
# Tables whose ids PostgreSQL hands out from an identity sequence: moved past the copied ids.
_IDENTITIES = ("sources", "entries", "mentions")


@dataclass
class TableCopy:
    table: str
    rows: int
    checksum: str


def copy_library(source, target) -> list[TableCopy]:
    """Copy every row of `source`'s connection into `target`'s (an empty library); the verified tables."""
    held = target.execute("SELECT (SELECT count(*) FROM sources) + (SELECT count(*) FROM entries)").fetchone()[0]
    if held:
        raise UsageError("the target library is not empty; migrate into a new, empty database (nothing was copied)")
    with transaction(target):
        if is_postgres(target):
            target.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            target.execute("PRAGMA defer_foreign_keys = ON")
        for table, key in TABLES:
            columns = [name for name in table_columns(source, table) if name in set(table_columns(target, table))]
            _copy_table(source, target, table, key, columns)
        if is_postgres(target):
            for table in _IDENTITIES:
                target.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
    return verify_copy(source, target)


def _copy_table(source, target, table: str, key: tuple[str, ...], columns: list[str]) -> None:
    names = ", ".join(columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    postgres = is_postgres(target)
    for page in _pages(source, table, key, columns):
        if table == "entries":  # each engine stores a post's HTML and text its own way (store/packed_posts.py)
            page = [_stored_post(row, columns, postgres) for row in page]
        target.executemany(insert, page)


def _stored_post(row: tuple, columns: list[str], postgres: bool) -> tuple:
    values = list(row)
    if "content_html" in columns and "text" in columns:
        html, text = columns.index("content_html"), columns.index("text")
        values[html], values[text] = stored_post(row[html], row[text], postgres)
    elif "content_html" in columns:
        values[columns.index("content_html")] = stored_html(row[columns.index("content_html")], postgres)
    return tuple(values)


def _pages(conn, table: str, key: tuple[str, ...], columns: list[str]):
    """The rows of `table` (the `columns`, key first) in key order, PAGE_ROWS at a time."""
    selected = list(key) + [name for name in columns if name not in key]
    bytewise = is_postgres(conn)
    order = ", ".join(f'{name} COLLATE "C"' if bytewise and (table, name) in _TEXT_KEYS else name for name in key)
    after = f"({order}) > ({', '.join('?' * len(key))})" if len(key) > 1 else f"{order} > ?"
    positions = [selected.index(name) for name in columns]
    # A post's HTML and text are read as the strings they are, however this engine stores them
    # (store/packed_posts.py); the text reads against the HTML.
    html = selected.index("content_html") if table == "entries" and "content_html" in selected else None
    text = selected.index("text") if html is not None and "text" in selected else None
    last = None
    while True:
        where = f"WHERE {after}" if last is not None else ""
        rows = conn.execute(f"SELECT {', '.join(selected)} FROM {table} {where} ORDER BY {order} LIMIT {PAGE_ROWS}",
                            last or ()).fetchall()
        if not rows:
            return
        yield [_plain_post(row, positions, html, text) for row in rows]
        last = tuple(rows[-1][:len(key)])


def verify_copy(source, target) -> list[TableCopy]:
    """Both libraries read back table by table: the same row count and the same checksum, or UsageError."""
    copies = []
    for table, key in TABLES:
        columns = [name for name in table_columns(source, table) if name in set(table_columns(target, table))]
        mine, theirs = _checksum(source, table, key, columns), _checksum(target, table, key, columns)
        if mine != theirs:
            raise UsageError(f"the copy of {table} differs from the original ({mine[0]} rows against {theirs[0]}); "
                             "the original library is unchanged: drop the target database and run migrate-to again")
        copies.append(TableCopy(table, *mine))
    return copies


def _checksum(conn, table: str, key: tuple[str, ...], columns: list[str]) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    for page in _pages(conn, table, key, columns):
        for row in page:
            digest.update(repr(tuple(_plain(value) for value in row)).encode("utf-8", "surrogatepass"))
            count += 1
    return count, digest.hexdigest()


def _plain(value):
    """One spelling per value on both engines (an integer-valued float and its integer compare equal)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value


def _plain_post(row, positions: list[int], html: int | None, text: int | None) -> tuple:
    if html is None:
        return tuple(row[at] for at in positions)
    values = {html: unpack_html(row[html])}
    if text is not None:
        values[text] = unpack_text(row[text], values[html])
    return tuple(values.get(at, row[at]) for at in positions)
