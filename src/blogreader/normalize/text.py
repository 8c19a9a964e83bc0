"""Plain text from HTML, word counts, reading time and mojibake repair."""

from __future__ import annotations

import html as html_lib
import math
import re

import nh3

WORDS_PER_MINUTE = 220

# An unclosed tag runs to the end (`\Z`): without that, each of many unclosed "<p" scanned the rest of the text.
_BLOCK_BOUNDARY = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|table|section|article|figure|figcaption|dd|dt)\b[^>]*|br\s*/?)(?:>|\Z)",
    re.IGNORECASE,
)
# A run of spaces to collapse: two or more, or any that is not a plain space (a single " " is left alone,
# rather than rewritten as itself at every word).
_SPACES = re.compile(r"[\t\r\f\v\u00a0][ \t\r\f\v\u00a0]*| [ \t\r\f\v\u00a0]+")
# A run of whitespace holding a line break, tried only from the run's first character: tried from every
# character of a long run without one (120,000 em spaces), `\s*\n` rescanned the run each time, for minutes.
_BLANK_LINES = re.compile(r"(?<![^\S\n])[^\S\n]*\n\s*")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_TAG = re.compile(r"<[^>]*(?:>|\Z)")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# UTF-8 read as Windows-1252 or Latin-1 leaves a lead byte (Â..ô) before a continuation-byte character.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\ufffd")


def html_to_text(html: str, *, sanitized: bool = False) -> str:
    """Readable plain text: block elements become line breaks, scripts and styles vanish.

    HTML that already passed the sanitizer has no script or style left, so its tags are simply dropped.
    """
    if not html:
        return ""
    if not sanitized:
        from blogreader.normalize.sanitize import tractable

        html = tractable(html)
    marked = _BLOCK_BOUNDARY.sub("\n\\g<0>", html)
    stripped = html_lib.unescape(_TAG.sub("", marked) if sanitized else nh3.clean(marked, tags=set()))
    lines = _SPACES.sub(" ", stripped)
    return _BLANK_LINES.sub("\n", lines).strip()


def one_line(text: str) -> str:
    """Collapse all whitespace, for titles and names."""
    return " ".join(text.split())


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def reading_minutes(words: int) -> int:
    """About 220 words a minute, at least 1."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 1


def repair_text(text: str) -> str:
    """Repair mojibake ("ðŸŒŸ" for 🌟) without touching clean text's quotes; drop control characters."""
    if not text or text.isascii() or not _MOJIBAKE_HINT.search(text):
        return printable(text)  # ftfy costs about 0.4 ms per call even on clean text: only call it on suspects
    import ftfy

    return printable(ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=False, normalization="NFC"))


def printable(text: str) -> str:
    """`text` without C0/C1 control characters other than tab and newline.

    Titles, text and error messages come from strangers and are printed on terminals, where ESC and CSI
    sequences could rewrite the screen, set the window title or reach the clipboard.
    """
    return _CONTROLS.sub("", text) if text else text


def plain_title(value: str) -> str:
    """A title from a feed that may carry markup or entities: one clean line."""
    if "<" in value or "&" in value:
        from blogreader.normalize.sanitize import tractable

        value = html_lib.unescape(nh3.clean(tractable(value), tags=set()))
    return repair_text(one_line(value))
