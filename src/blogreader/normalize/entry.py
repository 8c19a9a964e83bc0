"""Turn a parsed item into a normalized entry ready to store."""

from __future__ import annotations

import hashlib

from blogreader.models import NewEntry, ParsedEntry
from blogreader.normalize.sanitize import sanitize_html
from blogreader.normalize.text import html_to_text, plain_title, reading_minutes, repair_text, word_count
from blogreader.normalize.urls import canonical_url

UNTITLED = "(untitled)"


def normalize_entry(item: ParsedEntry, base_url: str | None) -> NewEntry:
    """Sanitize, extract text, count words, canonicalize the link and repair mojibake."""
    body_html = item.content_html or item.summary_html
    content_html = sanitize_html(body_html, base_url=item.url or base_url)
    text = repair_text(html_to_text(content_html))
    summary_text = repair_text(html_to_text(item.summary_html)) if item.summary_html else ""
    title = plain_title(item.title) if item.title else ""
    if not title:
        title = _title_from_text(text) or UNTITLED
    words = word_count(text)
    url = item.url.strip() if item.url else None
    return NewEntry(
        title=title,
        url=url,
        canonical_url=canonical_url(url) if url else None,
        guid=item.guid.strip() if item.guid else None,
        author=plain_title(item.author) if item.author else None,
        published=item.published or item.updated,
        content_html=content_html,
        text=text,
        word_count=words,
        reading_minutes=reading_minutes(words),
        feed_summary=summary_text or None,
        content_hash=hashlib.blake2b(" ".join([title, text]).encode(), digest_size=16).hexdigest(),
    )


def _title_from_text(text: str, limit: int = 80) -> str:
    first = text.split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
