"""Online backups of the library database, and restoring one: whole copies, checked, never half-written."""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from blogreader.errors import StoreError, UsageError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0
REQUIRED_TABLES = {"sources", "entries", "entry_sources", "meta"}


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds."""

    path: Path
    schema: int
    sources: int
    entries: int

    def summary(self) -> str:
        return f"{self.entries} entries and {self.sources} sources, schema {self.schema}"


def snapshot(conn: sqlite3.Connection, target: Path, *, overwrite: bool = True) -> None:
    """Copy the database `conn` has open to `target`: one consistent moment, one self-contained file,
    written to a temporary file that is renamed into place only once complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        copy = sqlite3.connect(temporary)
        try:
            conn.backup(copy)  # every page in one step: a snapshot, even while others write
            copy.execute("PRAGMA journal_mode = DELETE")  # no -wal file needed beside the copy
        finally:
            copy.close()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)  # fails, rather than overwrites, if the target appeared meanwhile
    finally:
        temporary.unlink(missing_ok=True)


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
    return inspect_backup(target)


def inspect_backup(path: Path) -> BackupInfo:
    """Check that `path` is a whole BlogReader database of a schema this program knows; describe it."""
    from blogreader.store.database import schema_version

    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UsageError(f"{path}: cannot be opened ({exc})") from None
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        if not REQUIRED_TABLES <= tables or schema < 1:
            raise UsageError(f"{path} is an SQLite database but not a BlogReader library; nothing was changed")
        if schema > schema_version():
            raise UsageError(f"{path} was written by a newer BlogReader (schema {schema}; this one knows "
                             f"{schema_version()}); upgrade blogreader to restore it")
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise UsageError(f"{path} is damaged ({'; '.join(problems)}); use another backup")
        sources = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"{path} is not a BlogReader backup ({exc}); nothing was changed") from None
    finally:
        conn.close()
    return BackupInfo(path, schema, sources, entries)


def restore_library(database: Path, backup: Path) -> tuple[BackupInfo, Path | None]:
    """Replace the library `database` with `backup`, first keeping the current one as a dated .bak beside it.

    The copy goes through SQLite (a backup *into* the open database), so a running `serve` or `fetch`
    sees the old library or the restored one, never a mix, and no stale -wal file outlives the swap.
    """
    info = inspect_backup(backup)
    if database.exists() and backup.resolve() == database.resolve():
        raise UsageError(f"{backup} is the library database itself; nothing to restore")
    source = sqlite3.connect(f"file:{quote(str(backup.resolve()))}?mode=ro", uri=True)
    kept = None
    try:
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
        from blogreader.store.database import busy_error

        raise busy_error(exc) from None
    finally:
        source.close()
    from blogreader.store.database import connect

    connect(database).close()  # an older backup is migrated now, and the library is in WAL mode again
    log.info("restored %s from %s (previous library kept as %s)", database, backup, kept)
    return info, kept


def pre_migration_backup(conn: sqlite3.Connection, database: Path, version: int) -> Path:
    """Keep the library as it is before migrating it from schema `version`; returns where."""
    target = database.with_name(f"{database.name}.pre-migration-v{version}.bak")
    try:
        snapshot(conn, target)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"{database} needs a schema upgrade, but the backup taken first could not be written "
                         f"({exc}); free some space in {database.parent} and try again; nothing was changed") from None
    return target


def _open(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(database, isolation_level=None, timeout=BUSY_TIMEOUT_S)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
