"""Open the SQLite library: WAL, foreign keys, versioned migrations, one transaction per unit of work."""

from __future__ import annotations

import logging
import re
import sqlite3
from contextlib import closing, contextmanager
from importlib import resources
from pathlib import Path


from blogreader.errors import BusyError, StoreError
from blogreader.store.band_queue import BandQueue
from blogreader.store.migration_steps import run_step
from blogreader.store.packed_posts import register_post_text
from blogreader.store.search_queue import SearchQueue, register_search_queue
from blogreader.store.snapshot import pre_migration_backup

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# Page cache of a connection, in KiB (SQLite's default is 2 MB): a fetch inserts rows into indexes keyed by
# hashes (near-duplicate bands), at random places, and with the default cache every insert read its pages
# back from the file once the library passed a few thousand entries.
CACHE_KIB = 32 * 1024
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration shipped in the package, in order."""
    folder = resources.files("blogreader.store").joinpath("migrations")
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            version = int(item.name.split("_", 1)[0])
            found.append((version, item.name, item.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _sql) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


def schema_version() -> int:
    """The newest schema this program knows."""
    return len(migrations())


class LibraryConnection(sqlite3.Connection):
    """A connection of ours: it carries the queues its batches index new posts through (search_queue.py) and
    write their near-duplicate bands through (band_queue.py)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.search_queue = SearchQueue()
        self.band_queue = BandQueue()


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                               factory=LibraryConnection)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the database {path}: {exc}; check the folder exists and is writable") from None
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute("PRAGMA foreign_keys = ON")
        register_post_text(conn)  # the search index's triggers read a packed text through it
        register_search_queue(conn, conn.search_queue)  # and ask this connection's batch whether it indexes
        migrate(conn, path)
    except sqlite3.OperationalError as exc:
        conn.close()
        if is_busy(exc):  # another process holds the database: it is not damaged
            raise busy_error(exc) from None
        raise StoreError(f"{path} is not a BlogReader database or is damaged ({exc}); restore a backup or use another --home") from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path} is not a BlogReader database or is damaged ({exc}); restore a backup or use another --home") from None
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the migrations the database has not seen, all in one transaction, after backing it up.

    A library with data (schema 1 or later) is first copied to blogreader.db.pre-migration-vN.bak.
    A failing migration rolls everything back: the database is left exactly as it was.
    """
    current = _version(conn)
    known = migrations()
    if current > len(known):
        raise StoreError(
            f"{path} was written by a newer BlogReader (schema {current}; this one knows {len(known)}); "
            "upgrade blogreader to open it"
        )
    if current == len(known):
        return
    kept = None
    if current > 0:
        kept = pre_migration_backup(conn, path, current)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise busy_error(exc) from None
    name = None
    try:
        # Another process may have migrated while this one waited for the lock.
        for version, name, sql in known[_version(conn):]:
            log.info("applying migration %s", name)
            for statement in _statements(sql):
                conn.execute(statement)
            run_step(conn, version)
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        where = f"; a copy from before is {kept}" if kept else ""
        raise StoreError(f"{path}: migration {name} failed ({exc}); the database is unchanged{where}") from None


def pending_upgrade(path: Path) -> tuple[int, int] | None:
    """(schema of the library at `path`, schema of this program) when opening it will upgrade it, else None: read
    without writing, so a front end can say so before the upgrade (its backup and Python steps take a while on a
    large library)."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            current = _version(conn)
    except sqlite3.Error:  # opened for real, it reports what is wrong
        return None
    latest = len(migrations())
    return (current, latest) if 0 < current < latest else None


def _version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _statements(sql: str):
    """The statements of a migration script, one at a time (executescript would commit our transaction)."""
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _COMMENTS.sub("", pending).strip(" \t\r\n;"):
                yield pending
            pending = ""
    if _COMMENTS.sub("", pending).strip(" \t\r\n;"):
        yield pending


@contextmanager
def transaction(conn: sqlite3.Connection):
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error. Nested use is a savepoint of the outer
    transaction: an error undoes the inner unit's writes alone (and goes on up), and the writes become
    durable when the outer transaction commits (a fetch commits several feeds at once)."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT unit")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO unit")
                conn.execute("RELEASE unit")
            raise
        else:
            conn.execute("RELEASE unit")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise busy_error(exc) from None
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


class Batch:
    """Several units of work in one transaction: each unit a savepoint (all of it or none of it), the
    transaction committed after `size` units or when `commit` is called. A process killed mid-batch loses the
    batch's uncommitted units only, never what an earlier commit made durable. Inside a transaction the caller
    opened, units join it and the caller commits."""

    def __init__(self, conn: sqlite3.Connection, size: int) -> None:
        self.conn, self.size, self.units = conn, size, 0
        self.open = False
        # The posts stored in a batch are indexed for search, and their near-duplicate bands written, as it
        # commits (search_queue.py, band_queue.py); a PostgreSQL connection has neither queue: its search
        # vector is a column of the entry, and its bands are written at once.
        self.search_queue: SearchQueue | None = getattr(conn, "search_queue", None)
        self.band_queue: BandQueue | None = getattr(conn, "band_queue", None)

    @contextmanager
    def unit(self):
        if not self.open and not self.conn.in_transaction:
            self._begin()
        mark = self.band_queue.mark() if self.band_queue is not None else 0
        try:
            with transaction(self.conn):  # a savepoint of the batch
                yield self.conn
        except BaseException:
            if self.band_queue is not None:
                self.band_queue.roll_back(mark)
            raise
        self.units += 1
        if self.open and self.units >= self.size:
            self.commit()

    def _begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self._ended()
            raise busy_error(exc) from None
        self.open, self.units = True, 0
        for queue in (self.search_queue, self.band_queue):
            if queue is not None:
                queue.open = True

    def commit(self) -> None:
        try:
            if self.open and self.conn.in_transaction:
                if self.band_queue is not None:
                    self.band_queue.write(self.conn)
                if self.search_queue is not None:
                    self.search_queue.write(self.conn)
                self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # never a post without its index row: the batch goes, as if killed
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._ended()

    def _ended(self) -> None:
        for queue in (self.search_queue, self.band_queue):
            if queue is not None:
                queue.discard()
        self.open, self.units = False, 0


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Did the database give up waiting for another writer (SQLite's busy timeout, PostgreSQL's lock timeout)?"""
    return "locked" in str(exc) or "busy" in str(exc)


def busy_error(exc: sqlite3.OperationalError) -> StoreError:
    if is_busy(exc):
        return BusyError("the library database is busy (another blogreader is writing); try again in a moment")
    return StoreError(f"database error: {exc}")
