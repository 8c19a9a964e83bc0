"""The `feed` summarizer: the item's own description or subtitle, when it is a real summary."""

from __future__ import annotations

import re

from blogreader.enrich.base import Document, Summary
from blogreader.enrich.extractive import fit
from blogreader.enrich.spaceless import is_spaceless
from blogreader.normalize.text import word_count

MAX_WORDS = 80  # longer is an excerpt of the post, not a summary of it
MAX_CHARACTERS = 200  # the same in Chinese or Japanese, counted in characters (about as much said as 80 words)

_TRAILING_PUNCTUATION = re.compile(r"\W*")
_JUNK = re.compile(r"https?://|\bsubscribe\b|\bread more\b", re.IGNORECASE)


class FeedSummarizer:
    """Uses the feed's description when it says something of its own; a teaser cut from the body does not count."""

    name = "feed"

    def summarize(self, doc: Document) -> Summary | None:
        description = " ".join((doc.feed_summary or "").split())
        if not is_real_summary(description, doc.text):
            return None
        return Summary(fit(description), self.name)


def is_real_summary(description: str, text: str) -> bool:
    words = description.split()
    if is_spaceless(description):  # Chinese or Japanese: each character a word (normalize.text.word_count)
        count, most, opening = word_count(description), MAX_CHARACTERS, description[:16]
    else:
        count, most, opening = len(words), MAX_WORDS, " ".join(words[:8])
    if not 4 <= count <= most or is_cut_off(description) or _JUNK.search(description):
        return False
    # A teaser is the body's opening, cut short.
    return not starts_with(text, opening)


def starts_with(text: str, opening: str) -> bool:
    """Does `text`, its whitespace collapsed, start with `opening` (collapsed already, and not empty)? Only the
    text's start is collapsed: a start, collapsed, is the start of the whole collapsed, and once it is as long as
    `opening` it answers for the whole (a post's text is tens of KB; its whole was split for eight words)."""
    head = " ".join(text[:4 * len(opening) + 64].split())
    if len(head) < len(opening) and len(text) > 4 * len(opening) + 64:  # a start mostly of spaces
        head = " ".join(text.split())
    return bool(head) and head.startswith(opening)


def is_cut_off(description: str) -> bool:
    """Does it end in "read more", "continue reading" or an ellipsis, give or take punctuation?

    The trailing punctuation is found once, from the end: a pattern searched from every "…" of a long
    run of them rescanned the run each time.
    """
    tail = len(_TRAILING_PUNCTUATION.match(description[::-1]).group())
    head, punctuation = description[: len(description) - tail], description[len(description) - tail:]
    return "…" in punctuation or "..." in punctuation or head.lower().endswith(("read more", "continue reading"))
