"""The one way to publish: load the picked entries, render an output, write it atomically."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from blogreader.clock import utc_now
from blogreader.config import Settings
from blogreader.errors import UsageError
from blogreader.imports.collection import DESCRIPTION_KEY, TITLE_KEY
from blogreader.publish.atom import render_atom
from blogreader.publish.common import current_week, iso_week, month_key
from blogreader.publish.digest import choose_digest, digest_heading, left_out_lines, render_digest
from blogreader.publish.output import write_if_changed, write_tree
from blogreader.publish.readme import render_readme
from blogreader.publish.site import render_site
from blogreader.publish.templates import template_environment
from blogreader.store import Store

DEFAULT_TITLE = "Reading list"
DEFAULT_DESCRIPTION = "Posts worth reading, picked month by month."
STDOUT = "-"
# The feed-level <updated> of a file we wrote: the first one, before any entry.
_FEED_UPDATED = re.compile(r"<updated>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)</updated>")


@dataclass(frozen=True)
class Published:
    """What one publish did: where it went, how many entries, which files changed."""

    output: str
    path: Path | None  # None when printed to standard output
    entries: int
    changed: list[str] = field(default_factory=list)
    text: str | None = None  # the output itself, when printed
    week: str | None = None  # the digest's ISO week
    notes: list[str] = field(default_factory=list)  # what a digest left out and carried forward, and why

    @property
    def skipped(self) -> bool:
        """A digest of a week with no picks: nothing is written, not even an empty file."""
        return self.output == "digest" and self.entries == 0

    def summary_line(self) -> str:
        if self.skipped:
            return f"{self.output}: no picks in {self.week}; nothing written"
        where = self.path if self.path is not None else "standard output"
        state = "unchanged" if not self.changed else (
            "written" if len(self.changed) == 1 else f"{len(self.changed)} files written")
        return f"{self.output}: {where} ({self.entries} entries, {state})"


def default_path(settings: Settings, output: str, week: str | None = None) -> Path:
    """Where an output goes in the library folder when no --out is given."""
    names = {"readme": "README.md", "feed": "feed.xml", "site": "site", "digest": f"digest-{week}.md"}
    return settings.home / names[output]


def publish(store: Store, settings: Settings, output: str, out: Path | str | None = None,
            week: str | None = None) -> Published:
    """Render `output` (readme, digest, feed or site) from the picked entries and write it to `out`."""
    if week is not None and output != "digest":
        raise UsageError("--week is for the digest only")
    if output == "site" and str(out) == STDOUT:
        raise UsageError("the site is a folder of pages; give --out a folder, not -")
    printed = str(out) == STDOUT
    path = None if printed else Path(out) if out is not None else default_path(settings, output, _week_name(output, week))
    feed_path = path / "feed.xml" if output == "site" and path is not None else path
    rendered = _render(store, settings, output, week, _stable_now(feed_path if output in ("feed", "site") else None))
    text, count, week, notes = rendered.text, len(rendered.entries), rendered.week, rendered.notes
    if output == "digest" and count == 0:
        return Published(output, path, 0, [], week=week, notes=notes)
    if printed:  # a preview: nothing counts as published
        return Published(output, None, count, [STDOUT], text, week=week, notes=notes)
    if output == "site":
        return Published(output, path, count, write_tree(path, text))
    changed = [path.name] if write_if_changed(path, text) else []
    _record(store, output, week, rendered.entries)
    return Published(output, path, count, changed, week=week, notes=notes)


def _record(store: Store, output: str, week: str | None, entries) -> None:
    """Remember what a written digest or readme carried, so the next digest does not offer it again."""
    if output == "digest":
        store.record_published("digest", week, [entry.id for entry in entries])
    elif output == "readme":
        by_month: dict[str, list[int]] = {}
        for entry in entries:
            if entry.picked_at:
                by_month.setdefault(month_key(entry.picked_at), []).append(entry.id)
        with store.transaction():
            for month, ids in by_month.items():
                store.record_published("readme", month, ids)


def _week_name(output: str, week: str | None) -> str | None:
    return iso_week(week or current_week()).name if output == "digest" else None


def _stable_now(feed: Path | None) -> str:
    """The feed's date when it has no entries: the date the file already holds, so an empty feed is not rewritten."""
    if feed is not None:
        try:
            with open(feed, "rb") as handle:
                head = handle.read(4096).decode("utf-8", "replace")
        except OSError:
            head = ""
        found = _FEED_UPDATED.search(head)
        if found:
            return found.group(1)
    return utc_now()


@dataclass(frozen=True)
class _Rendered:
    text: object  # the output's text, or the site's pages
    entries: list
    week: str | None = None
    notes: list[str] = field(default_factory=list)


def _render(store: Store, settings: Settings, output: str, week: str | None, now: str) -> _Rendered:
    """The output rendered, the entries it shows, the ISO week's name for a digest and what it left out."""
    config = settings.publish
    title, description = _heading(store, settings)
    if output == "feed":
        entries = store.picked_entries(newest_first=True, limit=config.feed_limit or None)
        return _Rendered(render_atom(entries, title, description, config.site_url, now), entries)
    env = template_environment(config.templates)
    if output == "digest":
        chosen = iso_week(week or current_week())
        choice = choose_digest(store, chosen)  # a month-only pick has no week; nothing is offered twice
        heading = digest_heading(config.digest_title, chosen.label, chosen.name[:4])
        return _Rendered(render_digest(env, choice.entries, heading, config.digest_description), choice.entries,
                         chosen.name, left_out_lines(choice))
    entries = store.picked_entries()
    if output == "readme":
        return _Rendered(render_readme(env, entries, title, description), entries)
    if output == "site":
        feed = render_atom(entries[::-1][: config.feed_limit or None], title, description, config.site_url, now)
        return _Rendered(render_site(env, entries, title, description, feed), entries)
    raise UsageError(f"unknown output {output!r}; choose readme, digest, feed or site")


def _heading(store: Store, settings: Settings) -> tuple[str, str | None]:
    """Title and description: config.toml's, else those of the last imported list, else the defaults."""
    config = settings.publish
    if config.title or config.description:
        return config.title or store.get_meta(TITLE_KEY) or DEFAULT_TITLE, config.description
    imported = store.get_meta(TITLE_KEY)
    if imported:
        return imported, store.get_meta(DESCRIPTION_KEY) or None
    return DEFAULT_TITLE, DEFAULT_DESCRIPTION
