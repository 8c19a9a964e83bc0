"""What every publisher shares: Markdown escaping, safe links, months, ISO weeks and slugs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from blogreader.errors import UsageError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
STAR = "🌟"
UNTITLED = "(untitled)"

_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
# "<" that a Markdown renderer would read as the start of raw HTML; http(s)/mailto autolinks stay links.
TAG_START = r"<(?=[A-Za-z/!?])(?!(?:https?://|mailto:)[^\s<>]*>)"
_TAG_START = re.compile(r"(\\*)" + TAG_START)
_ASCII_PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_BACKSLASH_ESCAPE = re.compile(r"\\(?=[" + _ASCII_PUNCT + r"]|$)")
_LINK_TEXT_SPECIAL = re.compile(r"[\[\]|]")
_ANGLE_START = re.compile(r"<(?=[A-Za-z/!?])")  # in link text an autolink would end the outer link too
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
_BLOCK_START = re.compile(r"^(?=[#>+=*-]|\d+[.)](?:\s|$))")
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE = re.compile(r"\s")
_PARENS_OUT_OF_ORDER = re.compile(r"\)[^()]*\(")


def one_line(text: str | None) -> str:
    """Line breaks become single spaces; nothing else changes."""
    if not text:
        return ""
    if "\n" in text or "\r" in text or "\u2028" in text or "\u2029" in text:
        text = _LINE_BREAKS.sub(" ", text)
    return text.strip()


def _no_html(text: str) -> str:
    # Backslashes just before the "<" are doubled, so none of them can undo the escape.
    return _TAG_START.sub(lambda match: match.group(1) * 2 + "\\<", text) if "<" in text else text


def md_cell(text: str | None) -> str:
    """Text for a Markdown table cell: one line, `|` escaped, no raw HTML."""
    return _no_html(one_line(text)).replace("|", "\\|")


def md_text(text: str | None) -> str:
    """Text for a Markdown paragraph or heading: one line, no raw HTML, no block markers at the start."""
    return _BLOCK_START.sub(r"\\", _no_html(one_line(text)))


def md_link_text(title: str | None) -> str:
    """A title as Markdown link text that can end neither the link nor the table cell."""
    text = one_line(title) or UNTITLED
    if "\\" in text:
        text = _BACKSLASH_ESCAPE.sub(r"\\\\", text)
    if "[" in text or "]" in text or "|" in text:
        text = _LINK_TEXT_SPECIAL.sub(lambda match: "\\" + match.group(0), text)
    return _ANGLE_START.sub(r"\\<", text) if "<" in text else text


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link worth linking to, else None."""
    url = (url or "").strip()
    if _HTTP_URL.match(url) and not _CONTROL.search(url):
        return url
    return None


def md_url(url: str) -> str:
    """A link destination that stays one destination inside a Markdown table."""
    url = _SPACE.sub("%20", url).replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")
    if ("(" in url or ")" in url) and (url.count("(") != url.count(")") or _PARENS_OUT_OF_ORDER.search(url)):
        url = url.replace("(", "%28").replace(")", "%29")
    return url.replace("|", "\\|")


def md_link(title: str | None, url: str | None) -> str:
    """`[Title](url)`, or the escaped title alone when the URL is not a safe http(s) link."""
    link = safe_url(url)
    text = md_link_text(title)
    return f"[{text}]({md_url(link)})" if link else text


def month_key(stamp: str) -> str:
    """"2026-02" of a stored timestamp."""
    return stamp[:7]


def month_label(key: str) -> str:
    """"February 2026" for "2026-02", in English whatever the locale."""
    year, month = key.split("-")[:2]
    return f"{MONTHS[int(month) - 1]} {year}"


@dataclass(frozen=True)
class IsoWeek:
    """An ISO week: "2026-W15", its label "W15", and its first moment and the next week's, as stored timestamps."""

    name: str
    label: str
    start: str
    end: str


def iso_week(week: str) -> IsoWeek:
    """The ISO week "2026-W15" (also "2026w15"); a bad spelling is a usage error."""
    match = _WEEK.match(week.strip())
    try:
        if not match:
            raise ValueError
        year, number = int(match.group(1)), int(match.group(2))
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise UsageError(f"--week {week!r} is not an ISO week; use YYYY-Www, such as 2026-W15") from None
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    return IsoWeek(f"{year}-W{number:02d}", f"W{number:02d}", _stamp(start), _stamp(start + timedelta(days=7)))


def current_week(now: datetime | None = None) -> str:
    """The ISO week of `now` (default: this moment, UTC) as "2026-W15"."""
    year, number, _day = (now or datetime.now(UTC)).isocalendar()
    return f"{year}-W{number:02d}"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(name: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes only, never empty, never a reserved name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    if not slug or slug in _WINDOWS_RESERVED:
        slug = f"category-{slug}" if slug else "category"
    return slug


def unique_slugs(names: list[str]) -> dict[str, str]:
    """A distinct slug per name, stable for the same set of names."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names, key=lambda n: (n.casefold(), n)):
        base = slug = slugify(name)
        counter = 2
        while slug in taken:
            slug = f"{base}-{counter}"
            counter += 1
        taken.add(slug)
        slugs[name] = slug
    return slugs
