"""Calendars inside a post: a list whose bullets each open on a date still to come when the post was published is
a schedule (meetups, conferences, deadlines), not a list of reads, however many links it holds.

A newsletter's events section lists one link per event ("2026-08-19 | Virtual | Rust Berlin" over the meetup's
page), and was split into dozens of items. Dates alone do not tell: a week's news listed by day ("Aug 3: X
released") opens on dates too, but on dates before the post. So a list counts as a calendar when nearly all of its
bullets open on a date, and none of those dates is before the post's own day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from blogreader.roundups.blocks import Block
from blogreader.roundups.link_lists import SURE_SHARE, top_level_lists

MIN_DATED = 2  # bullets that must open on a date: one dated bullet is a line, not a schedule
EARLIER_DAYS = 1  # a date this many days before the post still counts as to come (time zones, a post dated late)
# A date a line opens with: ISO (2026-08-19), day month (19 August 2026, 19th Aug) or month day (Aug 19, 2026),
# after an optional weekday. Matched at the start only, each part bounded: no backtracking over the line.
_LEADING_DATE = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?\s{1,3})?"
    r"(?:(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<day1>\d{1,2})(?:st|nd|rd|th)?\s{1,3}(?P<month1>[a-z]{3,9})\.?(?:,?\s{1,3}(?P<year1>\d{4}))?"
    r"|(?P<month2>[a-z]{3,9})\.?\s{1,3}(?P<day2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s{1,3}(?P<year2>\d{4}))?)"
    r"(?![\w-])",
    re.IGNORECASE,
)
_MONTHS = {name.lower() for name in (*calendar.month_name[1:], *calendar.month_abbr[1:], "Sept")}


def calendar_links(blocks: list[Block], published: datetime | None) -> set[str]:
    """The addresses linked only from calendar lists: what is to come, not what to read. The lists still count as
    lists where a shape weighs the post's parts, as before: only their items go."""
    if published is None:
        return set()
    inside: set[int] = set()
    for bullets in top_level_lists(blocks).values():
        if _is_calendar(bullets, published.date()):
            inside.update(id(block) for bullet in bullets for block in bullet)
    if not inside:
        return set()
    elsewhere = {link.href for block in blocks if id(block) not in inside for link in block.links}
    return {link.href for block in blocks if id(block) in inside for link in block.links} - elsewhere


def _is_calendar(bullets: list[list[Block]], day: date) -> bool:
    dates = [leading_date(bullet[0].text, day) for bullet in bullets]
    dated = [found for found in dates if found is not None]
    return len(dated) >= max(MIN_DATED, SURE_SHARE * len(bullets)) \
        and min(dated) >= day - timedelta(days=EARLIER_DAYS)


def leading_date(text: str, near: date) -> date | None:
    """The date `text` opens with, or None; a date without a year is taken in the year that puts it nearest `near`."""
    match = _LEADING_DATE.match(text.lstrip())
    if match is None:
        return None
    if match["iso"]:
        return _parsed(match["iso"], "%Y-%m-%d")
    day, month, year = (match["day1"], match["month1"], match["year1"]) if match["day1"] else \
        (match["day2"], match["month2"], match["year2"])
    if month.lower() not in _MONTHS:  # "Mary 5", "Decision 3": a word, not a month
        return None
    if year:
        return _parsed(f"{day} {month[:3]} {year}", "%d %b %Y")
    found = _parsed(f"{day} {month[:3]} {near.year}", "%d %b %Y")
    if found is None:
        return None
    nearest = [found.replace(year=year) for year in (near.year - 1, near.year + 1) if _valid(found, year)] + [found]
    return min(nearest, key=lambda candidate: abs(candidate - near))


def _parsed(text: str, form: str) -> date | None:
    try:
        return datetime.strptime(text, form).date()
    except ValueError:  # no such month or day ("Tuesday 31 Feb", "Mon 3 Ohms")
        return None


def _valid(found: date, year: int) -> bool:
    return not (found.month == 2 and found.day == 29)  # 29 February exists in its own year only
