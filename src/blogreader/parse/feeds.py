"""Feeds (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) from bytes to a ParsedFeed."""

from __future__ import annotations

import html as html_lib
import logging
import time
import warnings
from datetime import UTC, datetime
from urllib.parse import urljoin

from blogreader.errors import ParseError
from blogreader.models import ParsedEntry, ParsedFeed
from blogreader.parse.charset import readable_bytes

log = logging.getLogger(__name__)


def parse_feed(body: bytes, url: str, *, keep_private_links: bool = False, content_type: str = "") -> ParsedFeed:
    """Read a feed from `body` (never a URL or path); tolerate malformed XML and record its problem.

    feedparser-rs is the fast path; the pure-Python feedparser gets a second look at
    documents the first could not read, since it recovers more from broken markup.
    feedparser-rs also blanks links to loopback and private addresses; where the user allows
    such networks (`keep_private_links`), feedparser reads the document instead. `content_type` (the
    HTTP header) names the charset of a document that does not declare its own correctly.
    """
    import feedparser_rs

    body = readable_bytes(body, content_type)
    try:
        # Its HTML sanitizer is ours to do (normalize.sanitize, bounded), and its own takes time growing
        # with the square of the "&"s in one text: a few megabytes of them held a fetch for minutes.
        result = feedparser_rs.parse(body, sanitize_html=False)
    except ValueError as exc:  # it raises, rather than flags, some malformed RSS 1.0 documents
        log.debug("feedparser-rs could not read the document: %s", exc)
        result, unreadable = None, f"malformed feed: {exc}"
    lost_links = result is not None and keep_private_links and any(not item.get("link") for item in result.entries)
    if result is None or lost_links or (not result.entries and (result.bozo or not result.version)):
        fallback = _parse_with_feedparser(body)
        if fallback is not None and (fallback.entries or result is None):
            result = fallback
    if result is None:
        raise ParseError(f"{url}: not a feed ({unreadable})")
    if not result.version and not result.entries:
        reason = _problem(result) or "no RSS, Atom or JSON Feed markup"
        raise ParseError(f"{url}: not a feed ({reason})")
    feed = result.feed
    base = _join(url, feed.get("link")) or url
    with warnings.catch_warnings():  # feedparser warns about its updated/published fallback on access
        warnings.simplefilter("ignore", DeprecationWarning)
        entries = [_entry(item, url) for item in result.entries]
    return ParsedFeed(
        title=_text(feed.get("title")),
        site_url=base,
        entries=entries,
        version=result.version or "",
        problem=_problem(result) if result.bozo else None,
    )


def looks_like_feed(body: bytes) -> bool:
    """A cheap sniff used by discovery before a full parse."""
    import feedparser_rs

    return bool(feedparser_rs.detect_format(body[:4096]) not in ("", "unknown", None))


def _parse_with_feedparser(body: bytes):
    import io

    import feedparser

    try:
        # A stream, never the bytes themselves: feedparser opens bytes that name a file ("/etc/passwd",
        # "/dev/zero") and parses the file instead, so a server could make us read our own disk.
        return feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - a parser crash on hostile bytes is just "unreadable"
        log.debug("feedparser could not read the document: %s", exc)
        return None


def _problem(result) -> str | None:
    exc = result.get("bozo_exception") if hasattr(result, "get") else None
    return f"malformed feed: {exc}" if exc else None


def _entry(item, feed_url: str) -> ParsedEntry:
    link = item.get("link")
    return ParsedEntry(
        title=_text(item.get("title")) or "",
        url=_join(feed_url, link),
        guid=item.get("id") or None,
        author=_text(item.get("author")),
        published=_datetime(item.get("published_parsed")),
        updated=_datetime(item.get("updated_parsed")),
        content_html=_content(item),
        summary_html=_as_html(item.get("summary"), _detail_type(item.get("summary_detail"))),
    )


def _join(base: str, link: str | None) -> str | None:
    """`link` resolved against `base`; None when there is no link or it cannot be parsed ("http://[oops")."""
    if not link:
        return None
    try:
        return urljoin(base, link)
    except ValueError:
        return None


def _content(item) -> str:
    contents = item.get("content") or []
    best = ""
    for content in contents:
        value = _as_html(content.get("value"), content.get("type"))
        if len(value) > len(best):
            best = value
    return best


def _detail_type(detail) -> str | None:
    return detail.get("type") if detail else None


def _as_html(value: str | None, mime: str | None) -> str:
    """Text declared plain is escaped, so markup inside it is shown, never run."""
    if not value:
        return ""
    if mime == "text/plain":
        return "<p>" + html_lib.escape(value).replace("\n\n", "</p><p>") + "</p>"
    return value


def _text(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _datetime(parsed: time.struct_time | None) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
