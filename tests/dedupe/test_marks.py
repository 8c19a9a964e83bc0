"""Near-duplicate marks read a text's words once and give what the fingerprint and the band keys give alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogreader.dedupe.fingerprint import WORDS as FINGERPRINT_WORDS
from blogreader.dedupe.fingerprint import text_fingerprint
from blogreader.dedupe.near_duplicates import (MAX_WORDS, _opening, band_keys, band_keys_of, openings, shingle_codes, shingles,
                                               shingles_of)
from blogreader.store.duplicates import near_duplicate_marks

WORDS = " ".join(f"word{n % 97}x{n}" for n in range(500))


# The fingerprint's words are looked for in the first 1,440 characters, the shingled ones in more: a word cut
# at that point, a word ending just before it, and a text with fewer words than the fingerprint needs there.
@pytest.mark.parametrize("text", [WORDS, "w" * 1439 + WORDS, "w" * 1438 + " " + WORDS, "ab " * 479 + "ongoing " + WORDS,
                                  "a" * 1500 + " " + WORDS, " ".join(f"Straße{n} ΑΣ İstanbul{n} 𝐱" for n in range(200))])
def test_marks_are_the_fingerprint_and_the_band_keys_of_the_text(text):
    marks = near_duplicate_marks(text)
    assert marks.fingerprint == text_fingerprint(text)
    expected = shingles(text)
    assert (None if marks.keys is None else tuple(marks.keys)) == (None if expected is None else tuple(band_keys(expected)))


def test_a_short_text_has_no_marks():
    marks = near_duplicate_marks("too short to tell")
    assert marks.fingerprint is None and marks.keys is None


PIECES = st.sampled_from([" ", "  ", "\n", "-", "’", ".", "word", "Word", "x", "Straße", "ΑΣ", "İ", "𝐱", "🌟", "_", "é",
                          "\u0301", "\u00a0", "\ud800", "1", "a b c d e", "one two three four five six"])
TEXTS = st.one_of(st.text(max_size=80), st.lists(PIECES, max_size=2000).map("".join),
                  st.tuples(st.integers(1400, 1480), st.lists(PIECES, max_size=400).map("".join))
                  .map(lambda cut: "w " * (cut[0] // 2) + cut[1]))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_openings_are_the_words_the_pattern_finds(text):
    assert openings(text, FINGERPRINT_WORDS) == (_opening(text, FINGERPRINT_WORDS), _opening(text, MAX_WORDS))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_shingle_hashes_give_the_band_keys_of_the_shingle_set(text):
    opening = _opening(text, MAX_WORDS)
    marks, hashes = shingles_of(opening), shingle_codes(opening)
    assert (hashes is None) == (marks is None)
    if marks is not None:
        assert band_keys_of(hashes) == band_keys(marks)


def test_a_sentence_said_over_and_over_has_no_band_keys():
    assert shingle_codes(" ".join(["one two three four five six"] * 40)) is None
    assert shingle_codes(" ".join(f"w{n}" for n in range(50))) is not None
