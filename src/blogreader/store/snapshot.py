"""Whole-file copies of an open library database: one consistent moment, never half-written."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from blogreader.errors import StoreError


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


def pre_migration_backup(conn: sqlite3.Connection, database: Path, version: int) -> Path:
    """Keep the library as it is before migrating it from schema `version`; returns where."""
    target = database.with_name(f"{database.name}.pre-migration-v{version}.bak")
    try:
        snapshot(conn, target)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"{database} needs a schema upgrade, but the backup taken first could not be written "
                         f"({exc}); free some space in {database.parent} and try again; nothing was changed") from None
    return target
