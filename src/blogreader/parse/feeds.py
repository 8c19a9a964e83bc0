"""Feeds (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) from bytes to a ParsedFeed."""

from __future__ import annotations

import html as html_lib
import logging
import re
import time
import warnings
from datetime import UTC, datetime
from urllib.parse import urljoin

from blogreader.errors import ParseError
from blogreader.models import ParsedEntry, ParsedFeed
from blogreader.parse.charset import readable_bytes

log = logging.getLogger(__name__)

# The most entries read from one feed document, by either parser: a feed is its latest posts, and every
# entry costs a sanitize, a dedupe lookup and a row, so 600,000 items cannot hold up a refresh.
MAX_FEED_ENTRIES = 2_000
# Where an RSS item or Atom entry starts (any namespace prefix); "<" is never part of a multi-byte character
# in the encodings the fallback parser reads, so a cut there leaves whole characters.
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s/>])", re.IGNORECASE)
_WIDE_ENCODINGS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                   (b"\xfe\xff", "utf-16"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                   (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))


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
        result = feedparser_rs.parse_with_limits(body, limits=_limits(), sanitize_html=False)
    except ValueError as exc:  # it raises, rather than flags, some malformed RSS 1.0 documents
        log.debug("feedparser-rs could not read the document: %s", exc)
        result, unreadable = None, f"malformed feed: {exc}"
    capped = result is not None and len(result.entries) >= MAX_FEED_ENTRIES and "limit" in str(_exception(result))
    lost_links = result is not None and keep_private_links and any(not item.get("link") for item in result.entries)
    if result is None or lost_links or (not result.entries and (result.bozo or not result.version)):
        head, cut = _first_entries(body)
        fallback = _parse_with_feedparser(head)
        if fallback is not None and (fallback.entries or result is None):
            result, capped = fallback, cut
    if result is None:
        raise ParseError(f"{url}: not a feed ({unreadable})")
    if not result.version and not result.entries:
        reason = _problem(result) or "no RSS, Atom or JSON Feed markup"
        raise ParseError(f"{url}: not a feed ({reason})")
    feed = result.feed
    base = _join(url, feed.get("link")) or url
    with warnings.catch_warnings():  # feedparser warns about its updated/published fallback on access
        warnings.simplefilter("ignore", DeprecationWarning)
        entries = [_entry(item, url) for item in result.entries[:MAX_FEED_ENTRIES]]
    if capped:  # the parser's complaint is about the cut, not the feed
        problem = f"the feed lists more than {MAX_FEED_ENTRIES:,} entries; only the first {MAX_FEED_ENTRIES:,} were read"
    else:
        problem = _problem(result) if result.bozo else None
    return ParsedFeed(title=_text(feed.get("title")), site_url=base, entries=entries, version=result.version or "",
                      problem=problem)


def looks_like_feed(body: bytes) -> bool:
    """A cheap sniff used by discovery before a full parse."""
    import feedparser_rs

    return bool(feedparser_rs.detect_format(body[:4096]) not in ("", "unknown", None))


def _limits():  # noqa: N802 - built on use, so importing this module does not import the parser
    import feedparser_rs

    return feedparser_rs.ParserLimits(max_entries=MAX_FEED_ENTRIES)


def _first_entries(body: bytes) -> tuple[bytes, bool]:
    """`body` cut just before its entry number MAX_FEED_ENTRIES + 1, and whether it was cut.

    feedparser has no entry limit and keeps every entry it reads (600,000 items: 37 s and 550 MB in the
    parser alone), so it gets only the first entries; it reads a cut document as a malformed one, up to the cut.
    """
    codec = next((name for mark, name in _WIDE_ENCODINGS if body.startswith(mark)), None)
    text = body.decode(codec, errors="replace").encode("utf-8") if codec else body
    starts = _ENTRY_START.finditer(text)
    for count, match in enumerate(starts):
        if count == MAX_FEED_ENTRIES:
            head = text[:match.start()]
            return (head.decode("utf-8").encode(codec) if codec else head), True
    return body, False


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


def _exception(result):
    return result.get("bozo_exception") if hasattr(result, "get") else None


def _problem(result) -> str | None:
    exc = _exception(result)
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
