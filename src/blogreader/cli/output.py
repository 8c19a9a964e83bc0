"""Printing: JSON for scripts, compact lines for people, progress only on a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from blogreader.publish.common import json_text, plain_text


def print_json(value) -> None:
    click.echo(json_text(value))


def shown(text: str | None) -> str:
    """Text from strangers as a terminal may show it: no control characters but tab and newline, no bidi controls."""
    return plain_text(text or "")


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line that may hold stored or remote text (titles, names, error messages), made safe to show."""
    click.echo(shown(text), err=err, nl=nl)


def is_terminal() -> bool:
    return sys.stderr.isatty()


def short_date(stamp: str | None) -> str:
    return stamp[:10] if stamp else "          "


def clip(text: str | None, width: int | None) -> str:
    """Text on one line, cut to `width` with an ellipsis (never cut when `width` is None)."""
    text = " ".join(shown(text).split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def line_width() -> int | None:
    """How wide a table line may be: the terminal's width (COLUMNS first), or None when piped (never cut)."""
    if not _stdout_is_terminal():
        return None
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


ENTRY_HEADER = f"{'ID':>6} {'ST':<2} {'DATE':<10}  {'SOURCE':<22}  TITLE"
ENTRY_LEGEND = "state: * unread, + picked (in the collection), ★ starred (a favourite, picked too)"


def entry_line(entry, width: int | None = None) -> str:
    """One entry as a table row; the title takes what `width` leaves (all of it when None)."""
    marks = ("*" if not entry.read else " ") + ("★" if entry.starred else "+" if entry.picked else " ")
    date = short_date(entry.published or entry.added)
    source = clip(entry.source, 22 if width else None)
    category = f"[{clip(entry.category, 12 if width else None)}] " if entry.category else ""
    head = f"{entry.id:>6} {marks} {date}  {source:<22}  {category}"
    title = clip(entry.title, max(20, width - len(head)) if width else None)
    return head + title


@contextmanager
def progress(total: int, label: str):
    """Yields advance(description): a rich progress bar on a terminal, nothing otherwise."""
    if not is_terminal() or total < 2:
        yield lambda description="": None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=total)

        def advance(description: str = "") -> None:
            bar.update(task, advance=1, description=f"{label} {clip(description, 30)}")

        yield advance
