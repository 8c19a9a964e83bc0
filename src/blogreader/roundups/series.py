"""Issues of a series: posts of one feed whose titles differ only in their numbers ("This Week in X #10", "#11";
"Issue 55", "Issue 56"; a weekly digest dated in its title). A periodic issue is far more often a roundup than
any post is, so a roundup shape asks less of it (link_lists.py): its lists of links may share the issue with an
editor's notes, events and announcements, as a newsletter's do. And an item that most issues of the series
carry ("Help needed", "Useful references", the contributors' guide) is the template's, not one of this issue's
recommendations."""

from __future__ import annotations

import re
from collections import Counter

from blogreader.roundups.shapes import MIN_ITEMS

_DIGITS = re.compile(r"\d+")
# A month's name, as a date in a title writes it ("#4 - Aug 30", "September 2026"): set aside as numbers are.
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")
_NOT_WORD = re.compile(r"[\W_]+")
_SEPARATOR = re.compile(r"\s[-–—|]\s|:\s|：")


def series_issues(titles: list[str | None]) -> list[bool]:
    """For each title, whether another title of the same feed is the same once numbers are set aside (and it has
    one), whole or in its head: the part before a separator, where a newsletter names the issue and then its
    topics ("week 3 - vision transformer | EvolGAN", "Weekly (No. 300): the cover story")."""
    issues = [False] * len(titles)
    for part in (lambda title: title, _head):
        keys = [_key(part(title)) if title else None for title in titles]
        counts = Counter(key for key in keys if key)
        issues = [issue or (bool(key) and counts[key] > 1) for issue, key in zip(issues, keys)]
    return issues


def _head(title: str) -> str | None:
    """The title before its first separator (a dash, a colon or a bar between words), if it has one."""
    head = _SEPARATOR.split(title, 1)[0]
    return head if head != title else None


def without_recurring(splits: list, issues: list[bool]) -> list:
    """`splits` (each post's roundup items, or None) without the items that recur in most split issues of the
    series (two of three, three of five): those are the template's ("Help needed", "Useful references", the
    contributors' guide), not this week's recommendations; a paper two roundups both recommend stays in each.
    A split left with fewer than MIN_ITEMS items is no split."""
    split_issues = [split for split, issue in zip(splits, issues) if issue and split]
    counts = Counter(url for split in split_issues for url in {item.url for item in split})
    enough = max(2, len(split_issues) // 2 + 1)
    if not counts or max(counts.values()) < enough:
        return splits
    kept = []
    for split, issue in zip(splits, issues):
        if issue and split:
            split = [item for item in split if counts[item.url] < enough]
            split = split if len(split) >= MIN_ITEMS else []
        kept.append(split)
    return kept


def _key(title: str | None) -> str | None:
    """The title with every number (and month name) replaced by one mark, punctuation and case aside; None
    without a number."""
    if not title or not _DIGITS.search(title):
        return None
    return _NOT_WORD.sub(" ", _MONTH.sub("0", _DIGITS.sub("0", title.lower()))).strip()
