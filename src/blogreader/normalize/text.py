"""Plain text from HTML, word counts, reading time and mojibake repair."""

from __future__ import annotations

import html as html_lib
import math
import re

import nh3

WORDS_PER_MINUTE = 220

_BLOCK_BOUNDARY = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|table|section|article|figure|figcaption|dd|dt)\b[^>]*|br\s*/?)>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def html_to_text(html: str) -> str:
    """Readable plain text: block elements become line breaks, scripts and styles vanish."""
    if not html:
        return ""
    marked = _BLOCK_BOUNDARY.sub(lambda m: "\n" + m.group(0), html)
    stripped = html_lib.unescape(nh3.clean(marked, tags=set()))
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
    """Repair mojibake ("ðŸŒŸ" for 🌟) without touching clean text's quotes."""
    if not text:
        return text
    import ftfy
    from ftfy.badness import is_bad

    if not is_bad(text) and "\ufffd" not in text and "Ã" not in text and "â" not in text:
        return text
    return ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=False, normalization="NFC")


def plain_title(value: str) -> str:
    """A title from a feed that may carry markup or entities: one clean line."""
    if "<" in value or "&" in value:
        value = html_lib.unescape(nh3.clean(value, tags=set()))
    return repair_text(one_line(value))
