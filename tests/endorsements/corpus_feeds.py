"""The corpus roundups as a user has them, served from 127.0.0.1: the Into AI feed as it is, and each source of
../shared/corpus/real/posts.json as one RSS feed (as its README says the eval serves it), built at run time."""

from __future__ import annotations

import json
from email.utils import format_datetime
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

REAL_SOURCES = ("dair-potw", "bair", "lilianweng", "iclr2024")


def real_feed(server, data: dict, source: str) -> str:
    """Serve `source`'s posts as an RSS feed (and each post's page); returns the feed's address."""
    items = []
    for number, post in enumerate(post for post in data["posts"] if post["source"] == source):
        page = server.serve(f"/{source}/{number}.html", f"<html><body>{post['html']}</body></html>",
                            content_type="text/html; charset=utf-8")
        date = ""
        if post["published"]:
            when = datetime.fromisoformat(post["published"]).replace(tzinfo=UTC)
            date = f"<pubDate>{format_datetime(when)}</pubDate>"
        html = post["html"].replace("]]>", "]]]]><![CDATA[>")
        items.append(f"<item><title>{escape(post['title'])}</title><link>{page}</link><guid>{page}</guid>{date}"
                     f"<content:encoded><![CDATA[{html}]]></content:encoded></item>")
    title = escape(data["sources"][source]["feed_title"])
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>{title}</title><link>{server.url('/' + source + '/')}</link><description>posts</description>"
            f"{''.join(items)}</channel></rss>")
    return server.serve(f"/{source}.xml", body)


def serve_corpus(server, corpus: Path) -> dict[str, str]:
    """Serve the Into AI feed and every real source; returns {name: feed address}."""
    data = json.loads((corpus / "real" / "posts.json").read_text(encoding="utf-8"))
    feeds = {"intoai": server.serve_file("/intoai.xml", corpus / "intoai-feed.xml")}
    for source in REAL_SOURCES:
        feeds[source] = real_feed(server, data, source)
    return feeds
