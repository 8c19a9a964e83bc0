"""Save one web page as an article (read-later); a feed is refused with the `add` command that subscribes to it."""

from __future__ import annotations

import asyncio
import shlex

from blogreader.config import Settings
from blogreader.errors import ParseError, UsageError
from blogreader.models import FetchResult
from blogreader.store import Store

FEED_MEDIA_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
_PAGE_MEDIA_TYPES = {"text/html", "application/xhtml+xml"}
_FEED_OPENINGS = (b"<?xml", b"<rss", b"<feed", b"<rdf:rdf", b"{")
SNIFFED_BYTES = 512


def save_page(store: Store, settings: Settings, url: str) -> int:
    """Fetch `url` and store its article as an entry; returns its id. A feed raises a UsageError naming `add`."""
    from blogreader.fetch import Fetcher
    from blogreader.fetch.guard import check_url
    from blogreader.pipeline import store_article

    check_url(url, settings.allow_private_networks)

    async def run():
        async with Fetcher(settings.fetch) as fetcher:
            return await fetcher.get(url)

    page = asyncio.run(run())
    if is_feed(page):
        raise UsageError(f"{url}: this is a feed, not an article; nothing was saved; subscribe with: "
                         f"blogreader add {shlex.quote(url)}")
    return store_article(store, page)


def is_feed(page: FetchResult) -> bool:
    """Is the answer a feed: by its declared type, else (XML, JSON or no type) by reading it as one."""
    media_type = page.content_type.split(";", 1)[0].strip().lower()
    if media_type in FEED_MEDIA_TYPES:
        return True
    if media_type in _PAGE_MEDIA_TYPES:
        return False
    head = page.body[:SNIFFED_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(_FEED_OPENINGS):
        return False
    from blogreader.parse.feeds import parse_feed

    try:
        feed = parse_feed(page.body, page.final_url, content_type=page.content_type)
    except ParseError:
        return False
    return bool(feed.entries or feed.title)
