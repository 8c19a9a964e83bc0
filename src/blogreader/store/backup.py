"""Online backups of the library database, and restoring one: whole copies, checked, never half-written."""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from blogreader.errors import StoreError, UsageError
from blogreader.store import database as store_db
from blogreader.store.packed_posts import register_post_text
from blogreader.store.snapshot import snapshot

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0
REQUIRED_TABLES = {"sources", "entries", "entry_sources", "meta"}
# The tables ANALYZE fills: query-planner statistics, which hold no code and run nothing.
_STATISTICS = {"sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds."""

    path: Path
    schema: int
    sources: int
    entries: int

    def summary(self) -> str:
        return f"{self.entries} entries and {self.sources} sources, schema {self.schema}"


def backup_library(database: Path, target: Path, *, force: bool = False) -> BackupInfo:
    """Back up the library `database` to `target` (a file, or a folder to put a dated file in)."""
    if not database.is_file():
        raise UsageError(f"no library database at {database}; nothing to back up")
    if target.is_dir():
        target = target / f"blogreader-{_stamp()}.db"
    if target.exists() and target.resolve() == database.resolve():
        raise UsageError(f"{target} is the library database itself; choose another path")
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; use --force to overwrite it, or choose another path")
    conn = _open(database)
    try:
        snapshot(conn, target, overwrite=force)
    except FileExistsError:
        raise UsageError(f"{target} already exists; use --force to overwrite it, or choose another path") from None
    except OSError as exc:
        raise StoreError(f"cannot write the backup {target}: {exc.strerror}; choose another path") from None
    except sqlite3.Error as exc:
        raise StoreError(f"backing up {database} failed ({exc}); nothing was written") from None
    finally:
        conn.close()
    conn = _open_backup(target)
    try:
        info = _inspect(conn, target, schema_checked=False)
        problem = _schema_problem(conn, info.schema)
    finally:
        conn.close()
    if problem:
        raise StoreError(f"{target} was written, but `blogreader restore` would refuse it: the library {problem}; "
                         f"that object is not BlogReader's: remove it from {database} and back up again")
    return info


def inspect_backup(path: Path) -> BackupInfo:
    """Check that `path` is a whole BlogReader database of a schema this program knows; describe it."""
    conn = _open_backup(path)
    try:
        return _inspect(conn, path)
    finally:
        conn.close()


def _inspect(conn: sqlite3.Connection, path: Path, *, schema_checked: bool = True) -> BackupInfo:
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        if not REQUIRED_TABLES <= tables or schema < 1:
            raise UsageError(f"{path} is an SQLite database but not a BlogReader library; nothing was changed")
        if schema > store_db.schema_version():
            raise UsageError(f"{path} was written by a newer BlogReader (schema {schema}; this one knows "
                             f"{store_db.schema_version()}); upgrade blogreader to restore it")
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise UsageError(f"{path} is damaged ({'; '.join(problems)}); use another backup")
        problem = _schema_problem(conn, schema) if schema_checked else None
        if problem:
            raise UsageError(f"{path} {problem}; it was not written by `blogreader backup` or has been altered "
                             "since; use another backup; nothing was changed")
        sources = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"{path} is not a BlogReader backup ({exc}); nothing was changed") from None
    return BackupInfo(path, schema, sources, entries)


def expected_schema(version: int) -> Counter:
    """The schema objects a library of schema `version` holds: this program's migrations up to it, run afresh."""
    fresh = sqlite3.connect(":memory:")
    register_post_text(fresh)  # migration 0019 re-indexes the texts through it
    try:
        for _number, _name, sql in store_db.migrations()[:version]:
            fresh.executescript(sql)
        return _schema_objects(fresh)
    finally:
        fresh.close()


def _schema_objects(conn: sqlite3.Connection) -> Counter:
    """(type, name, table, SQL with its whitespace collapsed) of every table, index, trigger and view."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return Counter((str(kind), str(name), str(table), " ".join(str(sql).split()) if sql is not None else None)
                   for kind, name, table, sql in rows if not (kind == "table" and name in _STATISTICS))


def _schema_problem(conn: sqlite3.Connection, version: int) -> str | None:
    """How the schema differs from what BlogReader makes, if it does: a planted trigger or view would run as ours."""
    found, wanted = _schema_objects(conn), expected_schema(version)
    extra, missing = found - wanted, wanted - found
    if not extra and not missing:
        return None
    altered = {(kind, name) for kind, name, _table, _sql in missing}
    kind, name, table, _sql = min(extra or missing, key=lambda item: (item[0], item[1], item[2]))
    shown = repr(name[:80]) + (f" on {table[:80]!r}" if kind in ("index", "trigger") else "")
    article = "an" if kind.startswith("i") else "a"
    library = f"a BlogReader library of schema {version}"
    if not extra:
        what = f"lacks the {kind} {shown} that {library} has"
    elif (kind, name) in altered:
        what = f"holds {article} {kind} {shown} that differs from the one {library} has"
    else:
        what = f"holds {article} {kind} {shown} that {library} does not have"
    others = len(extra) + len(missing) - (2 if (kind, name) in altered else 1)
    more = f" (and {others} other difference(s))" if others > 0 else ""
    return what + more


def restore_library(database: Path, backup: Path) -> tuple[BackupInfo, Path | None]:
    """Replace the library `database` with `backup`, first keeping the current one as a dated .bak beside it.

    The copy goes through SQLite (a backup *into* the open database), so a running `serve` or `fetch`
    sees the old library or the restored one, never a mix, and no stale -wal file outlives the swap.
    """
    source = _open_backup(backup)
    kept = None
    try:
        if database.exists() and backup.resolve() == database.resolve():
            raise UsageError(f"{backup} is the library database itself; nothing to restore")
        source.execute("BEGIN")  # one read transaction: what is copied below is exactly what was checked
        info = _inspect(source, backup)
        database.parent.mkdir(parents=True, exist_ok=True)
        if not database.exists():
            snapshot(source, database, overwrite=False)
        else:
            live = _open(database)
            try:
                kept = database.with_name(f"{database.name}.{_stamp()}.bak")
                snapshot(live, kept, overwrite=False)
                source.backup(live)  # one write transaction on the live database: all of it or none
                if live.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise StoreError(f"{database} failed its check after the restore; the previous library is {kept}")
            finally:
                live.close()
    except FileExistsError:
        raise StoreError(f"{kept} appeared while restoring; try again in a second") from None
    except OSError as exc:
        raise StoreError(f"cannot restore into {database.parent}: {exc.strerror}; nothing was changed") from None
    except sqlite3.OperationalError as exc:
        raise store_db.busy_error(exc) from None
    finally:
        source.close()
    store_db.connect(database).close()  # an older backup is migrated now, and the library is in WAL mode again
    log.info("restored %s from %s (previous library kept as %s)", database, backup, kept)
    return info, kept


def _open_backup(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise UsageError(f"{path}: cannot be opened ({exc})") from None


def _open(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(database, isolation_level=None, timeout=BUSY_TIMEOUT_S)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
