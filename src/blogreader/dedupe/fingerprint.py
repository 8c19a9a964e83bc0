"""A fingerprint of a post's opening words: the same post republished elsewhere has the same one."""

from __future__ import annotations

import hashlib

from blogreader.dedupe.near_duplicates import words as opening_words

WORDS = 60  # enough to be specific to one post, few enough to survive a changed ending or footer


def text_fingerprint(text: str) -> str | None:
    """A hash of the first words of `text`, case and punctuation aside; None when the text is too short to tell."""
    return fingerprint_of(" ".join(opening_words(text, WORDS)))


def fingerprint_of(opening: str) -> str | None:
    """`text_fingerprint` of a text whose first WORDS words (lower-cased, joined by spaces) are given."""
    if opening.count(" ") < WORDS - 1:
        return None
    return hashlib.blake2b(opening.encode(), digest_size=12).hexdigest()
