"""Issues of a series: posts of one feed whose titles differ only in their numbers ("This Week in X #10", "#11";
"Issue 55", "Issue 56"; a weekly digest dated in its title). A periodic issue is far more often a roundup than
any post is, so a roundup shape asks less of it (link_lists.py): its lists of links may share the issue with an
editor's notes, events and announcements, as a newsletter's do."""

from __future__ import annotations

import re
from collections import Counter

_DIGITS = re.compile(r"\d+")
# A month's name, as a date in a title writes it ("#4 - Aug 30", "September 2026"): set aside as numbers are.
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")
_NOT_WORD = re.compile(r"[\W_]+")


def series_issues(titles: list[str | None]) -> list[bool]:
    """For each title, whether another title of the same feed is the same once numbers are set aside (and it has one)."""
    keys = [_key(title) for title in titles]
    counts = Counter(key for key in keys if key)
    return [bool(key) and counts[key] > 1 for key in keys]


def _key(title: str | None) -> str | None:
    """The title with every number (and month name) replaced by one mark, punctuation and case aside; None
    without a number."""
    if not title or not _DIGITS.search(title):
        return None
    return _NOT_WORD.sub(" ", _MONTH.sub("0", _DIGITS.sub("0", title.lower()))).strip()
