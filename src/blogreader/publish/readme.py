"""The curator's reading list: a Markdown table per month, newest month first."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import jinja2

from blogreader.models import Entry
from blogreader.publish.common import month_key, month_label
from blogreader.publish.templates import render


@dataclass(frozen=True)
class Month:
    key: str
    label: str
    entries: list[Entry]


def months_newest_first(entries: list[Entry]) -> list[Month]:
    """Entries (in picked order) grouped by the month they were picked, newest month first."""
    ordered = sorted(entries, key=lambda entry: (entry.picked_at or "", entry.id))
    months = [Month(key, month_label(key), list(group))
              for key, group in groupby(ordered, key=lambda entry: month_key(entry.picked_at or "0000-01"))]
    return months[::-1]


def render_readme(env: jinja2.Environment, entries: list[Entry], title: str, description: str | None) -> str:
    """The readme's Markdown for picked `entries`."""
    return render(env, "readme.md.j2", title=title, description=description, months=months_newest_first(entries))
