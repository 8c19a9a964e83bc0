"""Commands that look after the library file itself: backup, restore and compact."""

from __future__ import annotations

from pathlib import Path

import click

from blogreader.cli.output import echo, print_json
from blogreader.cli.params import STDIO
from blogreader.errors import UsageError


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH when it already exists.")
@click.pass_obj
def backup(app, path: Path, force: bool) -> None:
    """Copy the library database to PATH, safely even while BlogReader runs (an online SQLite backup).

    PATH may be a folder: the copy is then named blogreader-YYYYMMDD-HHMMSS.db inside it. The file is
    written whole or not at all, and an existing file is only replaced with --force.

    Example: blogreader backup ~/backups/
    """
    if str(path) == STDIO:
        raise UsageError("backup writes a database file, not standard output: give a file or folder instead of -")
    from blogreader.store.backup import backup_library

    _sqlite_only(app, "backup", "pg_dump")
    info = backup_library(app.settings.database_path, path, force=force)
    echo(f"backed up {info.summary()} to {info.path}")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def restore(app, path: Path) -> None:
    """Replace the library database with the backup at PATH.

    The backup is checked first (a BlogReader database of a schema this version knows, passing
    SQLite's integrity check); the current database is kept beside it as blogreader.db.YYYYMMDD-HHMMSS.bak.

    Example: blogreader restore ~/backups/blogreader-20260401-120000.db
    """
    if str(path) == STDIO:
        raise UsageError("restore reads a backup file, not standard input: give the backup's path instead of -")
    from blogreader.store.backup import restore_library

    _sqlite_only(app, "restore", "pg_restore")
    info, kept = restore_library(app.settings.database_path, path)
    echo(f"restored {info.summary()} from {path}")
    if kept:
        echo(f"the library as it was is kept in {kept}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@click.pass_obj
def compact(app, as_json: bool) -> None:
    """Shrink the library file: pack the posts an earlier version stored as plain HTML, drop the copy of a
    post it kept again as the feed's summary, drop index rows no version reads any more, and give the freed
    space back to the disk (VACUUM).

    Other BlogReader commands may run meanwhile; they wait while the file is rewritten at the end, which
    needs free disk as large as the library. Stopped halfway, nothing is lost; run it again to finish.

    Example: blogreader compact
    """
    from blogreader.store.compact import compact_library

    if app.settings.database_url:
        raise UsageError("compact shrinks a SQLite library file, and this library is on PostgreSQL, which compresses "
                         "long values itself and reclaims space with autovacuum; nothing to do here")
    done = compact_library(app.store.conn, app.settings.database_path)
    if as_json:
        print_json(vars(done))
        return
    echo(f"compacted {app.settings.database_path}: {done.summary()}")


def _sqlite_only(app, command: str, tool: str) -> None:
    if app.settings.database_url:
        raise UsageError(f"{command} copies a SQLite library file, and this library is on PostgreSQL; "
                         f"use PostgreSQL's own {tool}, or `blogreader migrate-to --to-sqlite FILE` for a SQLite copy")


COMMANDS = [backup, restore, compact]
