"""A fingerprint of a post's opening words: the same post republished elsewhere has the same one."""

from __future__ import annotations

import hashlib

from blogreader.dedupe.near_duplicates import words as opening_words

WORDS = 60  # enough to be specific to one post, few enough to survive a changed ending or footer


def text_fingerprint(text: str) -> str | None:
    """A hash of the first words of `text`, case and punctuation aside; None when the text is too short to tell."""
    words = opening_words(text, WORDS)
    if len(words) < WORDS:
        return None
    return hashlib.blake2b(" ".join(words).encode(), digest_size=12).hexdigest()
