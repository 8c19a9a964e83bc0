"""Plain text from HTML, word counts, reading time and mojibake repair."""

from __future__ import annotations

import html as html_lib
import math
import re
from functools import lru_cache

import nh3

WORDS_PER_MINUTE = 220

_BLOCK_NAMES = r"p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|table|section|article|figure|figcaption|dd|dt"
# An unclosed tag runs to the end (`\Z`): without that, each of many unclosed "<p" scanned the rest of the text.
_BLOCK_BOUNDARY = re.compile(rf"<(?:/?(?:{_BLOCK_NAMES})\b[^>]*|br\s*/?)(?:>|\Z)", re.IGNORECASE)
# The "<" of every block tag `_BLOCK_BOUNDARY` would match where it starts (the rest of its match always follows
# the name, so it is left out: looking ahead to a ">" from each "<" of a long tag would be quadratic). Unlike
# `_BLOCK_BOUNDARY.sub` it also finds a block tag's "<" inside another one's match (`<p title="<br>">`), but
# there the tag stripping removes the line break with both.
_BLOCK_START = re.compile(rf"<(?=/?(?:{_BLOCK_NAMES})\b|br\s*/?(?:>|\Z))", re.IGNORECASE)
# A run of spaces to collapse: two or more, or any that is not a plain space (a single " " is left alone,
# rather than rewritten as itself at every word). What `_tidy_lines` collapses, more quickly.
_SPACES = re.compile(r"[\t\r\f\v\u00a0][ \t\r\f\v\u00a0]*| [ \t\r\f\v\u00a0]+")
# A run of whitespace holding a line break, tried only from the run's first character: tried from every
# character of a long run without one (120,000 em spaces), `\s*\n` rescanned the run each time, for minutes.
_BLANK_LINES = re.compile(r"(?<![^\S\n])[^\S\n]*\n\s*")
_ODD_SPACES = "\t\r\f\v\u00a0"  # the spaces other than " " that _SPACES rewrites
_TWO_SPACES_OR_MORE = re.compile("   *")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
# Kana and CJK ideographs: Chinese and Japanese put no spaces between words, so each character counts as one.
_SPACELESS_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
SPACELESS = re.compile("[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _SPACELESS_RANGES) + "]")
_TAG = re.compile(r"<[^>]*(?:>|\Z)")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Those pairs in UTF-8: U+00C2-U+00F4, then the lead byte of U+0080-U+00BF (\xc2) or of a Windows-1252 letter
# or punctuation mark (\xc5 Œ Š Ÿ Ž, \xc6 ƒ, \xcb ˆ ˜, \xe2 – ‘ † … ‰ ‹ € ™).
_MOJIBAKE_BYTES = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")
# UTF-8 read as Windows-1252 or Latin-1 leaves a lead byte (Â..ô) before a continuation-byte character.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\ufffd")


def html_to_text(html: str, *, sanitized: bool = False) -> str:
    """Readable plain text: block elements become line breaks, scripts and styles vanish.

    HTML that already passed the sanitizer has no script or style left, so its tags are simply dropped.
    """
    if not html:
        return ""
    if sanitized:  # a plain replacement is done in C: a template ("\n\\g<0>") cost a Python call a tag
        stripped = _TAG.sub("", _BLOCK_START.sub("\n<", html))
    else:  # the parser would read a line break inside a tag or a <textarea> otherwise: exactly as marked before
        from blogreader.normalize.sanitize import tractable

        stripped = _tags_only().clean(_BLOCK_BOUNDARY.sub(_after_line_break, tractable(html)))
    return _tidy_lines(html_lib.unescape(stripped))


def _after_line_break(match: re.Match) -> str:
    """The block tag matched, after a line break."""
    return "\n" + match[0]


def _tidy_lines(text: str) -> str:
    """`text` with runs of spaces as one space and every run of whitespace holding a line break as one line
    break, trimmed: what `_SPACES` then `_BLANK_LINES` give, without running a regex over every character of
    the text (on a typical post the two scans were 60 % of html_to_text).

    A run of whitespace holding a line break is the end of one line, blank lines and the start of the next:
    stripping every line and dropping the empty ones gives the same. A run of `_SPACES` is a run of spaces
    once its tabs, no-break spaces... are spaces: runs of two or more are then found by their first two spaces
    (a quarter of the time of `_SPACES` trying every space of the text)."""
    if any(char in text for char in _ODD_SPACES):
        for char in _ODD_SPACES:
            text = text.replace(char, " ")
    if "  " in text:
        text = _TWO_SPACES_OR_MORE.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    return "\n".join(line for line in map(str.strip, text.split("\n")) if line)


@lru_cache(maxsize=1)
def _tags_only() -> nh3.Cleaner:
    """A sanitizer keeping no tag, built once: nh3.clean builds one per call, four times the cost of a summary."""
    return nh3.Cleaner(tags=set())


def one_line(text: str) -> str:
    """Collapse all whitespace, for titles and names."""
    return " ".join(text.split())


def word_count(text: str) -> int:
    """How many words `_WORD` finds in `text`: its runs of word characters, less the apostrophes, dots and
    hyphens joining two runs into one word ("state-of-the-art"); and each Chinese or Japanese character, which
    are written without spaces between words (as Hugo and most word counters for these languages count them).
    Counted with numpy over the code points (a third of the regex's time on a post); the regex counts short texts."""
    if len(text) < 200:
        return len(_WORD.findall(text if text.isascii() else SPACELESS.sub(" x ", text)))
    import numpy as np

    points = code_points(text)
    is_word, joins, spaceless = _character_tables()
    if points.dtype == np.uint16:
        word, inner = is_word[points], points[1:-1]
    else:  # an emoji or the like, beyond the tables: asked one by one, and joining no words
        word, inner = word_characters(points), np.minimum(points[1:-1], 0xFFFF)
    characters = 0
    if points.max() >= _SPACELESS_RANGES[0][0]:  # a text with no such character (most) skips the lookup
        alone = spaceless[np.minimum(points, 0xFFFF)] & (points <= 0xFFFF)
        characters = int(np.count_nonzero(alone))
        word = word & ~alone
    runs = np.count_nonzero(word[1:] > word[:-1]) + int(word[0])
    joined = np.count_nonzero(joins[inner] & word[:-2] & word[2:])
    return int(runs - joined) + characters


def code_points(text: str):
    """The code points of `text` as a numpy array: 16-bit where each character is one UTF-16 unit (the BMP,
    a lone surrogate), made about as fast as a copy and read in half the memory; else 32-bit."""
    import numpy as np

    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) == len(text):
        return units
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def word_characters(points):
    """Is each code point of `points` (from `code_points`) a word character (`\\w`)? The table answers for
    the BMP; a code point above it (an emoji, a math letter) is asked of `str.isalnum`, as the regex engine asks."""
    import numpy as np

    is_word = _character_tables()[0]
    if points.dtype == np.uint16 or not len(points) or points.max() <= 0xFFFF:
        return is_word[points]
    word = is_word[np.minimum(points, 0xFFFF)]
    beyond = (points > 0xFFFF).nonzero()[0]
    word[beyond] = [chr(point).isalnum() for point in points[beyond].tolist()]
    return word


@lru_cache(maxsize=1)
def _character_tables():
    """For every BMP code point: is it a word character (`\\w`, as the regex engine decides it), is it one of
    the characters that join two runs of them into one word, and is it a word on its own (`_SPACELESS_RANGES`)."""
    import numpy as np

    every = "".join(map(chr, range(0x10000)))
    is_word = np.zeros(0x10000, dtype=np.bool_)
    for run in re.finditer(r"\w+", every):
        is_word[run.start():run.end()] = True
    joins = np.zeros(0x10000, dtype=np.bool_)
    joins[[ord(char) for char in "'’.-"]] = True
    spaceless = np.zeros(0x10000, dtype=np.bool_)
    for first, last in _SPACELESS_RANGES:
        spaceless[first:last + 1] = True
    return is_word, joins, spaceless


def reading_minutes(words: int) -> int:
    """About 220 words a minute, at least 1."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 1


def repair_text(text: str) -> str:
    """Repair mojibake ("ðŸŒŸ" for 🌟) without touching clean text's quotes; drop control characters."""
    if not text or text.isascii() or not _may_be_mojibake(text) or not _MOJIBAKE_HINT.search(text):
        return printable(text)  # ftfy costs about 0.4 ms per call even on clean text: only call it on suspects
    import ftfy

    return printable(ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=False, normalization="NFC"))


def _may_be_mojibake(text: str) -> bool:
    """A screen for `_MOJIBAKE_HINT`, a tenth of its cost: its pairs in UTF-8, where a search for the byte
    "\\xc3" (found nowhere but in U+00C0-U+00FF) is far quicker than a character class tried everywhere."""
    return "\ufffd" in text or _MOJIBAKE_BYTES.search(text.encode("utf-8", "surrogatepass")) is not None


def printable(text: str) -> str:
    """`text` without C0/C1 control characters other than tab and newline.

    Titles, text and error messages come from strangers and are printed on terminals, where ESC and CSI
    sequences could rewrite the screen, set the window title or reach the clipboard.
    """
    if not text or text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():
        return text  # no control character (a quick test, true of most text)
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def plain_title(value: str) -> str:
    """A title from a feed that may carry markup or entities: one clean line."""
    if "<" in value or "&" in value:
        from blogreader.normalize.sanitize import tractable

        value = html_lib.unescape(_tags_only().clean(tractable(value)))
    return repair_text(one_line(value))
