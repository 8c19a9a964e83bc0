"""Triage commands: read/unread, pick/unpick, star/unstar, note, edit."""

from __future__ import annotations

import click

from blogreader.cli.params import ENTRY_ID, SOURCE, TEXT


def _flag_command(name: str, setter: str, value: bool, help_text: str) -> click.Command:
    @click.command(name, help=help_text)
    @click.argument("ids", nargs=-1, required=True, type=ENTRY_ID)
    @click.pass_obj
    def command(app, ids: tuple[int, ...]) -> None:
        getattr(app.store, setter)(list(ids), value)
        click.echo(f"{name}: {', '.join(map(str, ids))}")

    return command


@click.command("read")
@click.argument("ids", nargs=-1, type=ENTRY_ID)
@click.option("--all", "everything", is_flag=True, help="Every unread entry (promotions and duplicates stay as they are).")
@click.option("--source", type=SOURCE, help="Only entries from this source (id, URL or title).")
@click.option("--category", type=TEXT, help="Only entries in this category.")
@click.option("--before", help="Only entries published before this date (YYYY-MM-DD).")
@click.pass_obj
def read(app, ids: tuple[int, ...], everything: bool, source: str | None, category: str | None,
         before: str | None) -> None:
    """Mark entries read: by id, or in bulk with --all, --source, --category and --before (combinable).

    \b
    Examples:
      blogreader read 12 15
      blogreader read --source "Lil'Log" --before 2026-03-01
      blogreader read --category News
      blogreader read --all
    """
    bulk = everything or source is not None or category is not None or before is not None
    if ids and bulk:
        raise click.UsageError("give entry ids, or --all/--source/--category/--before, not both")
    if not ids and not bulk:
        raise click.UsageError("say what to mark read: entry ids, or --all, --source, --category or --before")
    if ids:
        app.store.set_read(list(ids), True)
        click.echo(f"read: {', '.join(map(str, ids))}")
        return
    from blogreader.clock import parse_user_date
    from blogreader.store import EntryFilter

    try:
        cutoff = parse_user_date(before) if before is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--before") from None
    spec = EntryFilter(source_id=app.store.find_source(source).id if source else None, category=category or None)
    marked = app.store.mark_read_matching(spec, before=cutoff)
    click.echo(f"marked {marked.count} entr{'y' if marked.count == 1 else 'ies'} read")


FLAG_COMMANDS = [
    read,
    _flag_command("unread", "set_read", False, "Mark entries unread."),
    _flag_command("pick", "set_picked", True, "Put entries in the collection."),
    _flag_command("unpick", "set_picked", False, "Take entries out of the collection (unstars them too)."),
    _flag_command("star", "set_starred", True, "Mark entries as favourites (picks them too)."),
    _flag_command("unstar", "set_starred", False, "Remove the favourite mark (they stay picked)."),
]


@click.command()
@click.argument("entry_id", type=ENTRY_ID)
@click.argument("words", nargs=-1, required=True, type=TEXT)
@click.pass_obj
def note(app, entry_id: int, words: tuple[str, ...]) -> None:
    """Set your own note on an entry: the rest of the line, quoted or not ("" removes it).

    Example: blogreader note 42 worth a second read
    """
    text = " ".join(words)
    app.store.set_note(entry_id, text.strip())
    click.echo(f"note saved on {entry_id}" if text.strip() else f"note removed from {entry_id}")


@click.command()
@click.argument("entry_id", type=ENTRY_ID)
@click.option("--title", type=TEXT, help="Your title.")
@click.option("--summary", type=TEXT, help="Your summary.")
@click.option("--category", type=TEXT, help="Your category (it also teaches the local classifier).")
@click.option("--promo/--not-promo", default=None, help="Overrule the promotion flag.")
@click.pass_obj
def edit(app, entry_id: int, title: str | None, summary: str | None, category: str | None,
         promo: bool | None) -> None:
    """Edit an entry's title, summary or category; your edits are never overwritten."""
    if promo is not None:
        app.store.set_promo([entry_id], promo)
    if title is not None or summary is not None or category is not None or promo is None:
        app.store.edit(entry_id, title=title, summary=summary, category=category)
    click.echo(f"edited {entry_id}")


COMMANDS = [*FLAG_COMMANDS, note, edit]
