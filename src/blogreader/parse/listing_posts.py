"""What a listed post's block says, line by line: its title, excerpt, date, reading time and length."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

MARK = "\ue000"  # stands for the title inside a block's lines
READ_MORE = re.compile(
    r"^(?:(?:read more|continue reading|keep reading)\b.*"
    r"|(?:read|more|read post|read the (?:full )?(?:post|article|story))\W*|\W*)$", re.I)
# Tried only where a run of spaces starts: from inside one, `\s*` would rescan the rest of it.
_READ_MORE_END = re.compile(r"(?<!\s)\s*(?:read more|continue reading|keep reading)\W*$", re.I)
_SEPARATOR = re.compile(r"^\s*[—–:|·•»-]+\s*")
_BYLINE = re.compile(r"^(?:by|posted|published|updated|filed under|written by)\b", re.I)

_MONTHS = {name: number for number, names in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december"], start=1) for name in names.split()}
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATES = [re.compile(pattern, re.I) for pattern in (
    r"\b(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})\b",
    rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})\b",
    rf"\b{_DAY}\s+{_MONTH},?\s+(?P<year>\d{{4}})\b",
)]
_MINUTES = re.compile(r"\b(\d{1,3})[\s-]*(?:min|mins|minutes?)(?:\s+read)?\b", re.I)
# A count starts at its first digit group: started from every group of "1,111,111,…" it rescanned the rest.
_WORDS = re.compile(r"(?<!\d[,.\u00a0\u202f])\b(\d{1,3}(?:[,.\u00a0\u202f]\d{3})+|\d+)\s*words?\b", re.I)


@dataclass
class Post:
    """What one block says about its post, while it is being read."""

    url: str
    title: str = ""
    standalone: bool = True  # the title is not a link inside a sentence
    excerpt: str | None = None
    published: datetime | None = None
    minutes: int | None = None
    words: int | None = None


def read_lines(post: Post, lines: list[str]) -> None:
    """Sort the lines into title, meta (date, minutes, words) and excerpt."""
    prose: list[str] = []
    for line in lines:
        if MARK in line:
            before, _, after = line.partition(MARK)
            lead, rest = before.strip(" ·|-—–:»"), after.strip(" .,")
            alone_after = not rest or bool(_SEPARATOR.match(after)) or is_meta(after)
            post.standalone = (not lead or is_meta(before)) and alone_after
            pieces = [before, _SEPARATOR.sub("", after)] if post.standalone else [f"{before}{post.title}{after}"]
        else:
            pieces = [line]
        for piece in filter(None, (piece.strip() for piece in pieces)):
            if is_meta(piece):
                read_meta(post, piece)
            elif not post.title:
                post.title = piece  # no heading nor title link: the first line is the title
            elif piece != post.title and not READ_MORE.match(piece) and is_prose(piece):
                prose.append(_READ_MORE_END.sub("", piece))
    post.title = _READ_MORE_END.sub("", post.title).strip()
    post.excerpt = " ".join(prose) or None


def is_prose(line: str) -> bool:
    """A sentence or a long run of words; labels such as an author, a category or "Featured" are not."""
    words = len(line.split())
    return words >= 8 or (words >= 3 and line.rstrip("\"'”’)").endswith((".", "!", "?", "…")))


def has_date(text: str) -> bool:
    return any(pattern.search(text) for pattern in _DATES)


def is_meta(line: str) -> bool:
    """A date, reading-time or byline line: little is left once those are taken out."""
    rest = line
    for pattern in (*_DATES, _MINUTES, _WORDS):
        rest = pattern.sub(" ", rest)
    if rest == line:
        return bool(_BYLINE.match(line)) and len(line.split()) <= 8
    left = len(re.findall(r"\w+", rest))
    return left <= 2 or (left <= 6 and not line.endswith((".", "!", "?", "…")))


def read_meta(post: Post, line: str) -> None:
    post.published = post.published or parse_date(line)
    if post.minutes is None and (match := _MINUTES.search(line)):
        post.minutes = int(match.group(1))
    if post.words is None and (match := _WORDS.search(line)):
        post.words = int(re.sub(r"\D", "", match.group(1)))


def parse_date(text: str) -> datetime | None:
    """An ISO timestamp, or the first date written in `text` (at midnight UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip())
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        pass
    for pattern in _DATES:
        for match in pattern.finditer(text):
            month = match.group("month")
            number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."), 0)
            try:
                return datetime(int(match.group("year")), number, int(match.group("day")), tzinfo=UTC)
            except ValueError:
                continue
    return None


def looks_like_posts(posts: list[Post]) -> bool:
    """Most blocks have a title of their own (not a link inside a sentence) and an excerpt, date or reading time."""
    most = 0.6 * len(posts)
    standalone = sum(post.standalone for post in posts)
    described = sum(bool(post.excerpt or post.published or post.minutes or post.words) for post in posts)
    dated = sum(bool(post.published or post.minutes or post.words) for post in posts)
    # Undated cards titled "Semantic search", "Team plans" are a product's features, not posts.
    title_words = sorted(len(post.title.split()) for post in posts)[len(posts) // 2]
    return standalone >= most and described >= most and (dated >= most or title_words >= 3)
