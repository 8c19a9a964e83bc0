"""What every publisher shares: Markdown escaping, safe links and text, months, ISO weeks and slugs."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from blogreader.errors import UsageError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
STAR = "🌟"
UNTITLED = "(untitled)"

_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
# The Unicode Bidi_Control characters. Shown text from strangers could use them to reorder what a reader
# sees ("Invoice\u202egpj.exe" reads as "Invoiceexe.jpg"); every shown and published field drops them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# Control characters but tab and newline (ESC and CSI start terminal commands), and the bidi controls.
_NOT_SHOWN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_ASCII_PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
# What lets Markdown turn text into a link, an image, an autolink or raw HTML: "[", "]", "![" and "<",
# and a backslash that could cancel an escape (it is doubled, so the escape stands).
_INLINE_ACTIVE = re.compile(r"\\(?=[" + _ASCII_PUNCT + r"]|$)|[\[\]<]|!(?=\[)")
_INLINE_ACTIVE_IN_CELL = re.compile(_INLINE_ACTIVE.pattern + r"|\|")
# The escapes md_cell adds (table splitting has already turned "\|" back into "|").
_CELL_ESCAPE = re.compile(r"\\([\\\[\]<!])")
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
# Years whose every ISO week, and the Monday after it, is a date Python can hold.
FIRST_YEAR, LAST_YEAR = 1, 9998
_BLOCK_START = re.compile(r"^(?=[#>+=*_`~-])")
_ORDERED_LIST_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE = re.compile(r"\s")
_PARENS_OUT_OF_ORDER = re.compile(r"\)[^()]*\(")


def plain_text(text: str) -> str:
    """`text` as it may be shown or published: no control characters but tab and newline, no bidi controls."""
    return _NOT_SHOWN.sub("", text) if text else text


# JSON escapes C0 controls but not C1 ones (U+009B is CSI on some terminals) nor bidirectional controls:
# those are escaped too, so the data stays whole and a terminal shows it as it is.
_UNSAFE_IN_TEXT = re.compile(f"[\x80-\x9f{BIDI_CONTROLS}]")


def json_text(value) -> str:
    """`value` as indented JSON (non-ASCII text kept) that no terminal reads as anything but characters."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text if text.isascii() else _UNSAFE_IN_TEXT.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def xml_text(document: str) -> str:
    """An XML document with C1 and bidirectional controls written as character references, the same text."""
    return _UNSAFE_IN_TEXT.sub(lambda match: f"&#x{ord(match.group()):x};", document)


def one_line(text: str | None) -> str:
    """Line breaks become single spaces and control characters go (bidirectional ones too); nothing else changes."""
    if not text:
        return ""
    if "\n" in text or "\r" in text or "\u2028" in text or "\u2029" in text:
        text = _LINE_BREAKS.sub(" ", text)
    return plain_text(text).strip()


def _escaped(text: str, active: re.Pattern[str]) -> str:
    return active.sub(lambda match: "\\" + match.group(0), text)


def md_cell(text: str | None) -> str:
    """Text for a Markdown table cell: one line, no link, image, autolink or raw HTML, `|` escaped."""
    return _escaped(one_line(text), _INLINE_ACTIVE_IN_CELL)


def md_cell_unescape(cell: str) -> str:
    """A table cell's text as it was before md_cell escaped it (after the row was split on pipes)."""
    return _CELL_ESCAPE.sub(r"\1", cell) if "\\" in cell else cell


def md_text(text: str | None) -> str:
    """Text for a Markdown paragraph or heading: one line, no link, image or raw HTML, no block marker first."""
    text = _escaped(one_line(text), _INLINE_ACTIVE)
    return _BLOCK_START.sub(r"\\", _ORDERED_LIST_START.sub(r"\1\\\2", text))


def md_link_text(title: str | None) -> str:
    """A title as Markdown link text that can end neither the link nor the table cell."""
    return _escaped(one_line(title) or UNTITLED, _INLINE_ACTIVE_IN_CELL)


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) link worth linking to (bidirectional controls encoded), else None."""
    url = (url or "").strip()
    if _HTTP_URL.match(url) and not _CONTROL.search(url):
        return _BIDI.sub(lambda match: quote(match.group(0)), url)
    return None


def md_url(url: str) -> str:
    """A link destination that stays one destination inside a Markdown table."""
    url = _SPACE.sub("%20", url).replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C").replace("`", "%60")
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
    """The ISO week "2026-W15" (also "2026w15"); a bad spelling or a week out of range is a usage error."""
    match = _WEEK.match(week.strip())
    try:
        if not match:
            raise ValueError
        year, number = int(match.group(1)), int(match.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise UsageError(f"--week {week!r} is not an ISO week: use YYYY-Www, such as 2026-W15, with a week from W01 "
                         f"to W52 (W53 in some years) and a year from {FIRST_YEAR:04d} to {LAST_YEAR}") from None
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    return IsoWeek(f"{year:04d}-W{number:02d}", f"W{number:02d}", _stamp(start), _stamp(start + timedelta(days=7)))


def current_week(now: datetime | None = None) -> str:
    """The ISO week of `now` (default: this moment, UTC) as "2026-W15"."""
    year, number, _day = (now or datetime.now(UTC)).isocalendar()
    return f"{year:04d}-W{number:02d}"


def _stamp(moment: datetime) -> str:
    # Not strftime: its %Y drops the leading zeros of years before 1000 on some platforms.
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


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
