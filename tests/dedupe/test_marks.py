"""Near-duplicate marks read a text's words once and give what the fingerprint and the band keys give alone."""

from __future__ import annotations

import pytest

from blogreader.dedupe.fingerprint import text_fingerprint
from blogreader.dedupe.near_duplicates import band_keys, shingles
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
