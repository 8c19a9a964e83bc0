"""The newsletter writer's weekly digest: "What caught my attention in W15"."""

from __future__ import annotations

import jinja2

from blogreader.models import Entry
from blogreader.publish.templates import render


def digest_heading(template: str, week_label: str, year: str) -> str:
    """The digest's title from config: "{week}" becomes "W15" and "{year}" the ISO year."""
    return template.replace("{week}", week_label).replace("{year}", year)


def render_digest(env: jinja2.Environment, entries: list[Entry], title: str, description: str | None) -> str:
    """The digest's Markdown for the week's picked `entries`, in the order they were picked."""
    ordered = sorted(entries, key=lambda entry: (entry.picked_at or "", entry.id))
    return render(env, "digest.md.j2", title=title, description=description, entries=ordered)
