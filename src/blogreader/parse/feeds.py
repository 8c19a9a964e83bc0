"""Feeds (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) from bytes to a ParsedFeed."""

from __future__ import annotations

import logging
import re
import warnings

from blogreader.errors import ParseError
from blogreader.models import ParsedFeed
from blogreader.parse.charset import readable_bytes
from blogreader.parse.feed_fields import document_url, entry_from, join as _join, title_html, xml_unescape
from blogreader.parse.feed_repairs import (
    expand_internal_entities, feedparser_reads_better, for_feedparser, json_feed_ids, prefer_fallback,
)

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


def parse_feed(body: bytes, url: str, *, keep_private_links: bool = False, content_type: str = "",
               content_location: str = "") -> ParsedFeed:
    """Read a feed from `body` (never a URL or path); tolerate malformed XML and record its problem.

    feedparser-rs is the fast path; the pure-Python feedparser gets a second look at
    documents the first could not read, since it recovers more from broken markup.
    feedparser-rs also blanks links to loopback and private addresses; where the user allows
    such networks (`keep_private_links`), feedparser reads the document instead. `content_type` (the
    HTTP header) names the charset of a document that does not declare its own correctly, and
    `content_location` (the HTTP header) the base of its relative links. feedparser also reads the
    documents holding what feedparser-rs misses (see parse.feed_repairs).
    """
    import feedparser_rs

    body = expand_internal_entities(readable_bytes(body, content_type))
    try:
        # Its HTML sanitizer is ours to do (normalize.sanitize, bounded), and its own takes time growing
        # with the square of the "&"s in one text: a few megabytes of them held a fetch for minutes.
        result = feedparser_rs.parse_with_limits(body, limits=_limits(), sanitize_html=False)
    except ValueError as exc:  # it raises, rather than flags, some malformed RSS 1.0 documents
        log.debug("feedparser-rs could not read the document: %s", exc)
        result, unreadable = None, f"malformed feed: {exc}"
    capped = result is not None and len(result.entries) >= MAX_FEED_ENTRIES and "limit" in str(_exception(result))
    lost_links = result is not None and keep_private_links and any(not item.get("link") for item in result.entries)
    fast = True
    if (result is None or lost_links or not result.entries
            or feedparser_reads_better(body, result.version or "", result.entries)):
        head, cut = _first_entries(body)
        fallback = _parse_with_feedparser(for_feedparser(head))
        if prefer_fallback(fallback, result):
            result, capped, fast = fallback, cut, False
    if result is None:
        raise ParseError(f"{url}: not a feed ({unreadable})")
    if not result.version and not result.entries:
        reason = _problem(result) or "no RSS, Atom or JSON Feed markup"
        raise ParseError(f"{url}: not a feed ({reason})")
    feed, version = result.feed, result.version or ""
    url = document_url(url, content_location)  # a relative Content-Location is relative to the request
    site = feed.get("link")
    base = _join(url, xml_unescape(site) if fast and site and version.startswith("atom") else site) or url
    with warnings.catch_warnings():  # feedparser warns about its updated/published fallback on access
        warnings.simplefilter("ignore", DeprecationWarning)
        entries = [entry_from(item, url, fast=fast, version=version) for item in result.entries[:MAX_FEED_ENTRIES]]
    if fast and version.startswith("json") and any(entry.guid is None for entry in entries):
        for entry, guid in zip(entries, json_feed_ids(body, len(entries))):
            entry.guid = entry.guid or guid
    if capped:  # the parser's complaint is about the cut, not the feed
        problem = f"the feed lists more than {MAX_FEED_ENTRIES:,} entries; only the first {MAX_FEED_ENTRIES:,} were read"
    else:
        problem = _problem(result) if result.bozo else None
    title = title_html(feed.get("title"), (feed.get("title_detail") or {}).get("type"),
                       guess=version.startswith("json") or (fast and version.startswith("rss")))
    return ParsedFeed(title=title, site_url=base, entries=entries, version=version, problem=problem)


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
