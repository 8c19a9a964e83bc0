"""The `feed` summarizer: the item's own description or subtitle, when it is a real summary."""

from __future__ import annotations

import re

from blogreader.enrich.base import Document, Summary
from blogreader.enrich.extractive import fit

_TEASER_END = re.compile(r"(?:read more|continue reading|…|\.\.\.|\[…\])\W*$", re.IGNORECASE)
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
    if not 4 <= len(words) <= 80 or _TEASER_END.search(description) or _JUNK.search(description):
        return False
    body = " ".join(text.split())
    # A teaser is the body's opening, cut short.
    return not (body and body.startswith(" ".join(words[:8])))
