"""The command line: argument parsing and printing only; the work is in the library."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys

import click

from blogreader import __version__
from blogreader.cli.app import App
from blogreader.errors import BlogReaderError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--home", type=click.Path(file_okay=False), envvar="BLOGREADER_HOME", show_envvar=True,
              help="Library folder (database, config.toml, outputs). Default: the user data folder.")
@click.option("--debug", is_flag=True, help="Log what happens and show tracebacks.")
@click.version_option(__version__, prog_name="blogreader")
@click.pass_context
def cli(ctx: click.Context, home: str | None, debug: bool) -> None:
    """Follow AI/ML blogs and newsletters: subscribe, fetch, triage, curate.

    \b
    Start with:
      blogreader add https://www.interconnects.ai/feed
      blogreader fetch
      blogreader list --unread
    """
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = App(home, debug)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    from blogreader.cli import (api, enriching, entries, fetching, maintenance, migrating, publishing, serving, sources,
                                triage, worker)

    for module in (sources, fetching, entries, triage, enriching, publishing, serving, worker, maintenance, migrating,
                   api):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def global_options_first(args: list[str]) -> list[str]:
    """`blogreader list --home lib` as `blogreader --home lib list`: global options may follow the command."""
    front, rest, index = [], [], 0
    while index < len(args) and args[index].startswith("-") and args[index] != "--":
        step = 2 if args[index] == "--home" else 1  # options before the command stay where they are
        front += args[index:index + step]
        index += step
    moved = []
    tail = args[index:]
    position = 0
    while position < len(tail):
        arg = tail[position]
        if arg == "--":
            rest += tail[position:]
            break
        if arg == "--home" and position + 1 < len(tail):
            moved += tail[position:position + 2]
            position += 2
            continue
        if arg.startswith("--home=") or arg == "--debug":
            moved.append(arg)
        else:
            rest.append(arg)
        position += 1
    return front + moved + rest


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command, turning every expected failure into a message and an exit status."""
    args = global_options_first(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("BLOGREADER_DEBUG") == "1"
    try:
        cli.main(args=args, prog_name="blogreader", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except BlogReaderError as exc:
        if debug:
            raise
        from blogreader.cli.output import shown

        click.echo(f"error: {shown(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except sqlite3.OperationalError as exc:
        if debug:
            raise
        from blogreader.store.database import busy_error

        click.echo(f"error: {busy_error(exc)}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted; everything stored before now is kept", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        if debug:
            raise
        from blogreader.cli.output import shown

        click.echo(f"internal error: {exc.__class__.__name__}: {shown(str(exc))}; rerun with --debug and report it",
                   err=True)
        sys.exit(1)
    sys.exit(0)
