"""The newsletter writer's weekly digest: "What caught my attention in W15", never offering anything twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jinja2

from blogreader.models import Entry
from blogreader.publish.common import IsoWeek, month_key, month_label
from blogreader.publish.templates import render
from blogreader.store import Store

CARRY_FORWARD_WEEKS = 4  # a starred pick nothing has published yet joins the digests of this many weeks after it


@dataclass(frozen=True)
class LeftOut:
    """An entry the digest did not offer, and why."""

    entry: Entry
    reason: str


@dataclass
class DigestChoice:
    """What one week's digest holds (in picked order), which of those were carried forward, and what it left out."""

    entries: list[Entry] = field(default_factory=list)
    carried: list[Entry] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    month_only: int = 0  # picks in the week's months dated only by a month (an imported list's rows)


def choose_digest(store: Store, week: IsoWeek) -> DigestChoice:
    """The week's picks and the starred picks of the weeks before it that nothing has published yet, less
    everything an earlier digest (of another week) or an earlier readme month has published."""
    window = _weeks_before(week.start, CARRY_FORWARD_WEEKS)
    picked = store.picked_entries(week.start, week.end, exact_dates=True)
    starred = store.starred_picks(window, week.start)
    published = store.publications([entry.id for entry in picked + starred])
    choice = DigestChoice()
    carried_ids = {entry.id for entry in starred}
    for entry in picked + starred:
        reason = _published_before(published.get(entry.id, []), week)
        if reason:
            choice.left_out.append(LeftOut(entry, reason))
        elif entry.id in carried_ids:
            choice.carried.append(entry)
    kept = {item.entry.id for item in choice.left_out}
    choice.entries = sorted((entry for entry in picked + starred if entry.id not in kept),
                            key=lambda entry: (entry.picked_at or "", entry.id))
    choice.month_only = len(store.picked_entries(week.start, week.end)) - len(picked)
    return choice


def _published_before(publications, week: IsoWeek) -> str | None:
    """Why an entry with these publications is not offered in `week`'s digest, else None."""
    for publication in publications:
        if publication.output == "digest" and publication.period != week.name:
            return f"published in the digest of {publication.period}"
        if publication.output == "readme" and publication.period < month_key(week.start):
            return f"published in the readme's {month_label(publication.period)}"
    return None


def _weeks_before(stamp: str, weeks: int) -> str:
    """The stored timestamp `weeks` weeks before `stamp` (the calendar's first day when that is before it)."""
    try:
        moment = datetime.fromisoformat(stamp.removesuffix("Z")) - timedelta(weeks=weeks)
    except OverflowError:
        return "0000"
    return moment.isoformat(timespec="seconds") + "Z"


def left_out_lines(choice: DigestChoice, limit: int = 20) -> list[str]:
    """What the digest left out and why, one line each (at most `limit` entries named), for the command line."""
    lines = [f"left out {item.entry.id} {item.entry.title!r}: {item.reason}" for item in choice.left_out[:limit]]
    if len(choice.left_out) > limit:
        lines.append(f"left out {len(choice.left_out) - limit} more, each published already")
    lines += [f"carried forward {entry.id} {entry.title!r}: starred on {entry.picked_at[:10]}, not published yet"
              for entry in choice.carried[:limit]]
    if choice.month_only:
        lines.append(f"left out {choice.month_only} imported pick(s) dated only by their month: they belong to no week")
    return lines


def digest_heading(template: str, week_label: str, year: str) -> str:
    """The digest's title from config: "{week}" becomes "W15" and "{year}" the ISO year."""
    return template.replace("{week}", week_label).replace("{year}", year)


def render_digest(env: jinja2.Environment, entries: list[Entry], title: str, description: str | None) -> str:
    """The digest's Markdown for the week's picked `entries`, in the order they were picked."""
    ordered = sorted(entries, key=lambda entry: (entry.picked_at or "", entry.id))
    return render(env, "digest.md.j2", title=title, description=description, entries=ordered)
