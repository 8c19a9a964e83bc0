"""A roundup item as an entry to store: a link with its blurb."""

from __future__ import annotations

import hashlib
import html

from blogreader.models import NewEntry
from blogreader.normalize.text import plain_title, reading_minutes, word_count
from blogreader.normalize.urls import canonical_url
from blogreader.roundups.split import RoundupItem


def item_entry(item: RoundupItem, published) -> NewEntry:
    """The item's title, main link and blurb; the blurb is its text and the source of its summary."""
    title = plain_title(item.title) or "(untitled)"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in item.blurb.split("\n") if line.strip())
    words = word_count(item.blurb)
    return NewEntry(
        title=title,
        url=item.url,
        canonical_url=canonical_url(item.url) if item.url else None,
        guid=None,
        author=None,
        published=published,
        content_html=paragraphs,
        text=item.blurb,
        word_count=words,
        reading_minutes=reading_minutes(words),
        feed_summary=None,
        content_hash=hashlib.blake2b(f"{title} {item.url} {item.blurb}".encode(), digest_size=16).hexdigest(),
    )
