"""A PostgreSQL library behind the store's one connection surface.

The store's queries are written once, in the SQL both engines speak, with sqlite3's placeholders (`?` and
`:name`). `PostgresConnection` gives a psycopg 3 connection the part of sqlite3's surface the store uses:
`execute`/`executemany` returning a cursor, rows read by position or by column name, `in_transaction`, and
sqlite3's exception classes (so one `except sqlite3.IntegrityError` serves both engines). The placeholders
are rewritten to psycopg's once per statement text (the way Django's SQLite backend rewrites the other way).
Where the engines differ (full-text search, JSON arrays, case-blind comparison) `store.dialect` writes the
fragment for each.
"""

from __future__ import annotations

import logging
import sqlite3
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

from blogreader.errors import StoreError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10
# How long a statement waits for a row (or table) another transaction holds before it gives up with the
# "busy, try again" error SQLite gives after its busy timeout (database.BUSY_TIMEOUT_MS, the same 10 s).
LOCK_TIMEOUT_MS = 10_000
# A session left inside a transaction (a process stopped in a debugger, a client gone quiet) holds its row
# locks until this ends it; a refresh keeps its write transaction open for well under a second between feeds.
IDLE_IN_TRANSACTION_MS = 5 * 60 * 1000
# One key for every BlogReader process migrating the same database: the second waits for the first.
_MIGRATION_LOCK = 0x426C6F67  # "Blog"
_ERRORS: tuple = ()


def is_database_url(location) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def shown_url(url: str) -> str:
    """The address with its password replaced, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Row:
    """A result row read by position (`row[0]`, unpacking) or by column name (`row["id"]`, `dict(row)`)."""

    __slots__ = ("_values", "_names")

    def __init__(self, values, names: dict[str, int]) -> None:
        self._values, self._names = values, names

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other) -> bool:
        return tuple(self._values) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self._values))

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values))!r})"


def _row_factory(cursor):
    names = {column.name: index for index, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """sqlite3's placeholders as psycopg's: `?` -> `%s`, `:name` -> `%(name)s`, a literal `%` doubled.
    Quoted text ('...' and "...") is copied as it is; `::` (a PostgreSQL cast) is not a placeholder."""
    if sql.lstrip().upper().startswith("BEGIN IMMEDIATE"):
        return "BEGIN"
    out, i, n = [], 0, len(sql)
    while i < n:
        char = sql[i]
        if char == "-" and sql.startswith("--", i):  # a comment, to the end of its line
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif char in "'\"":
            end = sql.find(char, i + 1)
            end = n - 1 if end < 0 else end
            out.append(sql[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif char == "?":
            out.append("%s")
            i += 1
        elif char == "%":
            out.append("%%")
            i += 1
        elif char == ":" and i + 1 < n and sql[i + 1] == ":":
            out.append("::")
            i += 2
        elif char == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            out.append(f"%({sql[i + 1:end]})s")
            i = end
        else:
            out.append(char)
            i += 1
    return "".join(out)


class Cursor:
    """The part of a sqlite3 cursor the store reads."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def fetchone(self):
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self):
        return iter(self.fetchall())

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self):
        return self._cursor.description


class PostgresConnection:
    """A psycopg connection in autocommit mode: transactions are the store's own BEGIN ... COMMIT."""

    engine = "postgresql"

    def __init__(self, raw, url: str) -> None:
        self.raw, self.url = raw, url
        self._trace = None

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def set_trace_callback(self, callback) -> None:
        """Call `callback` with the text of every statement run from now on (None: stop), as sqlite3's does."""
        self._trace = callback

    def execute(self, sql: str, params=()) -> Cursor:
        if self._trace is not None:
            self._trace(sql)
        cursor = self.raw.cursor()
        with _sqlite_errors():
            cursor.execute(translate(sql), _parameters(params))  # even empty: the doubled % of translate() is undone
        return Cursor(cursor)

    def executemany(self, sql: str, rows) -> Cursor:
        rows = list(rows)
        if self._trace is not None:
            for _row in rows:
                self._trace(sql)
        cursor = self.raw.cursor()
        with _sqlite_errors():
            cursor.executemany(translate(sql), [_parameters(row) for row in rows])
        return Cursor(cursor)

    def script(self, sql: str) -> None:
        """Several statements with no parameters (a migration)."""
        with _sqlite_errors():
            self.raw.execute(sql)

    def close(self) -> None:
        self.raw.close()


def _parameters(params):
    """Values as PostgreSQL takes them where SQLite was lenient: a bool as 0/1 (flags are INTEGER columns) and
    text without NUL characters (which PostgreSQL's text cannot hold)."""
    if isinstance(params, dict):
        return {key: _value(value) for key, value in params.items()}
    return tuple(_value(value) for value in params)


def _value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


class _sqlite_errors:
    """psycopg's errors raised as the DB-API classes of sqlite3 that the store already handles."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback) -> bool:
        if exc is None:
            return False
        import psycopg

        if isinstance(exc, psycopg.IntegrityError):
            raise sqlite3.IntegrityError(str(exc).strip()) from exc
        if isinstance(exc, (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected)):
            # Worded as SQLite's busy error, so the store and the CLI give the same "busy, try again" message.
            raise sqlite3.OperationalError(f"database is locked ({str(exc).strip()})") from exc
        if isinstance(exc, psycopg.OperationalError):
            raise sqlite3.OperationalError(str(exc).strip()) from exc
        if isinstance(exc, psycopg.DataError):
            raise sqlite3.DataError(str(exc).strip()) from exc
        if isinstance(exc, psycopg.Error):
            raise sqlite3.DatabaseError(str(exc).strip()) from exc
        return False


def connect_postgres(url: str) -> PostgresConnection:
    """Connect to the PostgreSQL library at `url` and bring its schema up to date."""
    import psycopg

    try:
        raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"cannot connect to the database {shown_url(url)} ({reason}); check the address, "
                         "that the server is running and the user's password") from None
    raw.adapters.register_loader("numeric", _numeric_loader())
    conn = PostgresConnection(raw, url)
    try:
        # Session settings (behind PgBouncer in transaction mode, set them on the role instead: see
        # docs/postgresql.md). Without a lock timeout a command meeting a locked row waits for it forever.
        conn.execute(f"SET lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        conn.execute(f"SET idle_in_transaction_session_timeout = {int(IDLE_IN_TRANSACTION_MS)}")
        migrate_postgres(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _numeric_loader():
    """sum() of a BIGINT and avg() are NUMERIC in PostgreSQL: read a whole number as int and any other as float,
    as SQLite gives them (never Decimal, which JSON output and arithmetic with floats refuse)."""
    from psycopg.adapt import Loader

    class NumericLoader(Loader):
        def load(self, data):
            text = bytes(data).decode("ascii")
            number = float(text)
            return int(text) if text.lstrip("-").isdigit() else number

    return NumericLoader


def postgres_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of the PostgreSQL scripts: a baseline equal to a SQLite schema, then one file per
    later migration (each SQLite migration after the baseline has its PostgreSQL twin)."""
    folder = resources.files("blogreader.store").joinpath("migrations", "postgresql")
    found = sorted((int(item.name.split("_", 1)[0]), item.name, item.read_text(encoding="utf-8"))
                   for item in folder.iterdir() if item.name.endswith(".sql"))
    return found


def migrate_postgres(conn: PostgresConnection) -> None:
    """Apply the scripts the database has not seen, in one transaction, under an advisory lock."""
    from blogreader.store.database import schema_version
    from blogreader.store.migration_steps import run_step

    known = postgres_migrations()
    newest = known[-1][0] if known else 0
    if newest != schema_version():
        raise RuntimeError(f"the PostgreSQL migrations reach schema {newest}, the SQLite ones {schema_version()}")
    current = _postgres_version(conn)
    if current > newest:
        raise StoreError(f"the database {shown_url(conn.url)} was written by a newer BlogReader (schema {current}; "
                         f"this one knows {newest}); upgrade blogreader to open it")
    if current == newest:
        return
    conn.execute("BEGIN")
    name = None
    try:
        # Another process migrating holds the lock for as long as its migration takes: wait for it, then give
        # the migration's own statements the usual lock timeout.
        conn.execute("SET LOCAL lock_timeout = 0")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
        conn.execute(f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        current = _postgres_version(conn)  # another process may have migrated while this one waited
        for version, name, sql in known:
            if version > current:
                log.info("applying migration %s", name)
                conn.script(sql)
                run_step(conn, version)
                conn.execute("UPDATE schema_version SET version = ?", (version,))
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError) and "database is locked" in str(exc):
            from blogreader.store.database import busy_error

            raise busy_error(exc) from None
        raise StoreError(f"{shown_url(conn.url)}: migration {name} failed ({exc}); the database is unchanged") from None


def _postgres_version(conn: PostgresConnection) -> int:
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0
