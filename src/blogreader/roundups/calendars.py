"""Calendars inside a post: a list whose bullets each give a date still to come when the post was published is a
schedule (meetups, conferences, deadlines), not a list of reads, however many links it holds.

A newsletter's events section lists one link per event ("2026-08-19 | Virtual | Rust Berlin" over the meetup's
page, "[FOSDEM](...) - 3rd February @ Belgium"), and was split into dozens of items. Dates alone do not tell: a
week's news listed by day ("Aug 3: X released") gives dates too, but dates before the post. So a list counts as a
calendar when nearly all of its bullets give a date on their first line, and none of those dates is before the
post's own day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from blogreader.roundups.blocks import Block
from blogreader.roundups.link_lists import SURE_SHARE, top_level_lists

MIN_DATED = 2  # bullets that must give a date: one dated bullet is a line, not a schedule
EARLIER_DAYS = 1  # a date this many days before the post still counts as to come (time zones, a post dated late)
# A date without a year is the latest one no more than this many days before the post, or the next after it: an
# issue's news are from its last weeks, its events in the months ahead ("29th October" in January is to come).
RECENT_DAYS = 60
DATE_WITHIN = 200  # characters of a bullet's first line a date is looked for in: an event line gives it early
# A date in a line: ISO (2026-08-19), day month (19 August 2026, 3rd Feb) or month day (Aug 19, 2026), after an
# optional weekday, standing apart from the words beside it. Each part is bounded, so each place the search tries
# costs a few steps: linear in the line.
_DATE = re.compile(
    r"(?<![\w-])(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?\s{1,3})?"
    r"(?:(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<day1>\d{1,2})(?:st|nd|rd|th)?\s{1,3}(?P<month1>[a-z]{3,9})\.?(?:,?\s{1,3}(?P<year1>\d{4}))?"
    r"|(?P<month2>[a-z]{3,9})\.?\s{1,3}(?P<day2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s{1,3}(?P<year2>\d{4}))?)"
    r"(?![\w-])",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_WORD_START = re.compile(r"(?<![\w-])\w")
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
    undated_at_most = (1 - SURE_SHARE) * len(bullets)
    dated: list[date] = []
    undated = 0
    for bullet in bullets:
        found = date_in(bullet[0].text, day)
        if found is None:
            undated += 1
            if undated > undated_at_most:  # a list of reads: most of its bullets give no date
                return False
        else:
            dated.append(found)
    return len(dated) >= MIN_DATED and min(dated) >= day - timedelta(days=EARLIER_DAYS)


def date_in(text: str, near: date) -> date | None:
    """The first date the opening of `text` gives, or None; a date without a year is placed as RECENT_DAYS says,
    around `near`. Tried at every word's start ("Rust 3 March": not "Rust 3", then "3 March")."""
    opening = text[:DATE_WITHIN]
    if _DIGIT.search(opening) is None:  # every form has a day in digits
        return None
    for word in _WORD_START.finditer(opening):
        match = _DATE.match(opening, word.start())
        found = _date_of(match, near) if match else None
        if found is not None:
            return found
    return None


def _date_of(match: re.Match, near: date) -> date | None:
    if match["iso"]:
        return _parsed(match["iso"], "%Y-%m-%d")
    day, month, year = (match["day1"], match["month1"], match["year1"]) if match["day1"] else \
        (match["day2"], match["month2"], match["year2"])
    if month.lower() not in _MONTHS:  # "Mary 5", "Python 3": a word, not a month
        return None
    if year:
        return _parsed(f"{day} {month[:3]} {year}", "%d %b %Y")
    candidates = [_parsed(f"{day} {month[:3]} {year}", "%d %b %Y") for year in (near.year - 1, near.year, near.year + 1)]
    return next((found for found in candidates if found and found >= near - timedelta(days=RECENT_DAYS)), None)


def _parsed(text: str, form: str) -> date | None:
    try:
        return datetime.strptime(text, form).date()
    except ValueError:  # no such month or day ("Tuesday 31 Feb", "Mon 3 Ohms")
        return None
