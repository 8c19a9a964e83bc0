"""The quick paths of the text stage give what the plain regex passes give, on any text."""

from __future__ import annotations

import html as html_lib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from blogreader.normalize.entry import _CUT_OFF, _CUT_OFF_REVERSED
from blogreader.normalize.text import _BLANK_LINES, _CONTROLS, _MOJIBAKE_HINT, _SPACES, _TAG, _WORD, _may_be_mojibake
from blogreader.normalize.text import SPACELESS, html_to_text, printable, word_count

PIECES = st.sampled_from(["科技", "の", "㐀",
    " ", "  ", "\n", "\n\n", "\t", "\r", "\f", "\v", "\xa0", "\u2003", "\x1c", "\x85", "\u2028", "word", "GPT-4.5",
    "don’t", "it's", "e.g.", "state-of-the-art", "_x_", "é", "naïve", "Ã©", "â€™", "Ã—", "\ufffd", "\x00", "\x1b",
    "\x9b", "—", "…", "<p>", "</p>", "<br>", "<li>", "&nbsp;", "&amp;", "🌟", "𝐱", "\ud800",
])
TEXTS = st.one_of(st.lists(PIECES, max_size=40).map("".join), st.text(max_size=60),
                  st.lists(st.one_of(PIECES, st.text(max_size=4)), min_size=80, max_size=300).map("".join))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_word_count_is_the_number_of_words_the_pattern_finds(text):
    """The pattern's words, each Chinese or Japanese character one of them (the numpy count and the pattern's agree)."""
    assert word_count(text) == len(_WORD.findall(SPACELESS.sub(" x ", text)))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_html_to_text_collapses_spaces_and_blank_lines_as_the_two_regex_passes_did(html):
    stripped = html_lib.unescape(_TAG.sub("", re.sub(
        r"<(?:/?(?:p|li)\b[^>]*|br\s*/?)(?:>|\Z)", "\n\\g<0>", html)))
    expected = _BLANK_LINES.sub("\n", _SPACES.sub(" ", stripped)).strip()
    assert html_to_text(html, sanitized=True) == expected


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_screens_never_miss_what_the_patterns_find(text):
    if _MOJIBAKE_HINT.search(text):
        assert _may_be_mojibake(text)
    assert printable(text) == _CONTROLS.sub("", text)


def test_the_screens_pass_what_they_should():
    assert word_count("Don't split state-of-the-art, e.g. GPT-4.5 models. " * 40) == 240
    assert _may_be_mojibake("3Ã—3 grid") and _may_be_mojibake("broken \ufffd")
    assert not _may_be_mojibake("a naïve café — “quoted”")


ENDINGS = st.lists(st.sampled_from(["read more", "Continue Reading", "keep reading", "read the full article", "…", "...",
                                    "[…]", "[...]", ".", " ", "\n", "\u2003", "→", "x", "e", "_", "ſ", "K", "[", "]"]),
                   max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(ENDINGS, st.text(max_size=30)))
def test_the_cut_off_read_backwards_finds_what_the_pattern_finds(text):
    tail = text[-200:]
    assert (_CUT_OFF_REVERSED.match(tail[::-1]) is not None) == bool(_CUT_OFF.search(tail))
