"""`migrate-to`: copy the library to the other engine (SQLite <-> PostgreSQL), verified."""

from __future__ import annotations

from pathlib import Path

import click

from blogreader.cli.output import echo, print_json
from blogreader.errors import UsageError


@click.command("migrate-to")
@click.argument("target")
@click.option("--to-sqlite", is_flag=True, help="TARGET is a new SQLite file to copy a PostgreSQL library into.")
@click.option("--json", "as_json", is_flag=True, help="Print the verified tables as JSON.")
@click.pass_obj
def migrate_to(app, target: str, to_sqlite: bool, as_json: bool) -> None:
    """Copy this library into an empty PostgreSQL database, or with --to-sqlite into a new SQLite file.

    Every table is copied with its ids in one transaction, then read back from both sides and compared
    by row counts and checksums. The library itself is not changed: point `database` in config.toml
    (or BLOGREADER_DATABASE_URL) at the copy to use it.

    Examples: blogreader migrate-to postgresql://blogreader@db.example/blogreader
              blogreader migrate-to --to-sqlite ~/blogreader-copy.db
    """
    from blogreader.store import Store
    from blogreader.store.postgres import is_database_url, shown_url
    from blogreader.store.transfer import copy_library

    if to_sqlite:
        path = Path(target).expanduser()
        if is_database_url(target):
            raise UsageError("--to-sqlite takes a file name, not a database address")
        if path.exists():
            raise UsageError(f"{path} already exists; give --to-sqlite a new file name (nothing was copied)")
        shown, location = str(path), path
    else:
        if not is_database_url(target):
            raise UsageError(f"{target!r} is not a PostgreSQL address; give postgresql://USER@HOST/DATABASE, "
                             "or --to-sqlite FILE for a SQLite copy")
        shown, location = shown_url(target), target
    source = app.store
    if source.location == location:
        raise UsageError("that is this library's own database; give another one")
    try:
        with Store.open(location) as copy:
            tables = copy_library(source.conn, copy.conn)
    except BaseException:
        if to_sqlite:  # never leave a half-made file behind
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
        raise
    if as_json:
        print_json({"target": shown, "tables": [vars(table) for table in tables]})
        return
    for table in tables:
        echo(f"{table.table:<14} {table.rows:>9,} rows  sha256 {table.checksum[:16]}  verified")
    if to_sqlite:
        echo(f"copied to {shown}; to use it, move it into a library folder as blogreader.db "
             "and leave `database` unset there")
    else:
        echo(f'copied to {shown}; to use it, set database = "{target}" in config.toml (or BLOGREADER_DATABASE_URL)')


COMMANDS = [migrate_to]
