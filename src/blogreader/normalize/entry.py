"""Turn a parsed item into a normalized entry ready to store."""

from __future__ import annotations

import hashlib
import re

from blogreader.models import NewEntry, ParsedEntry, ParsedFeed
from blogreader.normalize.boilerplate import strip_promo_blocks
from blogreader.normalize.sanitize import sanitize_html
from blogreader.normalize.text import html_to_text, plain_title, printable, reading_minutes, repair_text, word_count
from blogreader.normalize.urls import canonical_url, web_url

UNTITLED = "(untitled)"
TEASER_WORDS = 150
# Text that stops where the page goes on: "Read more", "Continue reading →", "[…]", "...".
_CUT_OFF = re.compile(r"(?:read more|continue reading|keep reading|read the full (?:post|article|story))\W*$|(?:\[…\]|\[\.\.\.\]|…|\.\.\.)\s*$", re.I)
# The same read backwards: matched once at the start of the reversed end, not tried at each of its characters
# (a tenth of the time). A match before a final line break is one with the line break in `\W*` or `\s*`.
_CUT_OFF_REVERSED = re.compile(r"\W*(?:erom daer|gnidaer eunitnoc|gnidaer peek|(?:tsop|elcitra|yrots) lluf eht daer)|"
                               r"\s*(?:\]…\[|\]\.\.\.\[|…|\.\.\.)", re.I)


def normalize_entry(item: ParsedEntry, base_url: str | None) -> NewEntry:
    """Sanitize, extract text without promo blocks, count words, canonicalize the link, repair mojibake."""
    body_html = item.content_html or item.summary_html
    content_html = sanitize_html(body_html, base_url=item.url or base_url)
    raw_text = repair_text(html_to_text(content_html, sanitized=True))
    text = strip_promo_blocks(raw_text)
    words = word_count(text)
    url = web_url(item.url)
    teaser = bool(url) and is_teaser(raw_text, words)
    if not item.summary_html:
        summary_text = ""
    elif item.summary_html == body_html:
        # The feed's one HTML is the post itself (a description-only feed), not a summary of it: it is stored
        # once, as the text. A teaser's keeps its place as the summary, since the article page may replace the text.
        summary_text = raw_text if teaser else ""
    else:
        summary_text = repair_text(html_to_text(item.summary_html))
    title = plain_title(item.title) if item.title else ""
    if not title:
        title = _title_from_text(text) or UNTITLED
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
        content_hash=hashlib.blake2b(" ".join([title, raw_text]).encode(), digest_size=16).hexdigest(),
        teaser=teaser,
    )


def normalize_feed(feed: ParsedFeed) -> ParsedFeed:
    """The feed's own title as one plain line and its site link only when it is an http(s) URL."""
    from dataclasses import replace

    title = plain_title(feed.title) if feed.title else None
    return replace(feed, title=title or None, site_url=web_url(feed.site_url),
                   problem=printable(feed.problem) if feed.problem else None)


def article_text(article_html: str, page_url: str) -> tuple[str, str, int]:
    """An article page's main content as a post keeps it: its sanitized HTML, its text without promo blocks, and
    how many words that is."""
    content_html = sanitize_html(article_html, base_url=page_url)
    text = strip_promo_blocks(repair_text(html_to_text(content_html, sanitized=True)))
    return content_html, text, word_count(text)


def with_article(entry: NewEntry, article_html: str, page_url: str) -> NewEntry:
    """The entry with the article page's full text, when the page has more of it than the feed."""
    from dataclasses import replace

    content_html, text, words = article_text(article_html, page_url)
    if words <= word_count(entry.text):  # the page must say more than the feed did
        return entry
    return replace(entry, content_html=content_html, text=text, word_count=words,
                   reading_minutes=reading_minutes(words), teaser=False)


def is_teaser(raw_text: str, words: int) -> bool:
    """Is this only the start of the post: very short, or cut off with "Read more" or an ellipsis?"""
    return words < TEASER_WORDS or _CUT_OFF_REVERSED.match(raw_text[-200:][::-1]) is not None


def _title_from_text(text: str, limit: int = 80) -> str:
    first = text.split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
