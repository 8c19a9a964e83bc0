"""A fingerprint of a post's opening words: the same post republished elsewhere has the same one."""

from __future__ import annotations

import hashlib
import re

WORDS = 60  # enough to be specific to one post, few enough to survive a changed ending or footer
_WORD = re.compile(r"\w+")


def text_fingerprint(text: str) -> str | None:
    """A hash of the first words of `text`, case and punctuation aside; None when the text is too short to tell."""
    words = _WORD.findall(text.lower())[:WORDS]
    if len(words) < WORDS:
        return None
    return hashlib.blake2b(" ".join(words).encode(), digest_size=12).hexdigest()
