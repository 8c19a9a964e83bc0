"""What feedparser-rs misses: which documents feedparser must read instead, and the DTD entities it leaves."""

from __future__ import annotations

import json
import re

# Where an RSS item or Atom entry starts and ends (any namespace prefix, any case).
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]", re.IGNORECASE)
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.IGNORECASE)
SNIFF_WINDOW = 65_536  # bytes of the first item looked at: items of one feed come from one template
# Markers of what only feedparser reads, by the field feedparser-rs then leaves empty.
_BODY_MARKERS = (b"body", b"fullitem", b"<content>", b"<content ")
_DATE_MARKERS = (b"dcterms:", b"PubDate", b"PUBDATE")
_AUTHOR_MARKERS = (b"dc:author",)
_ANY_MARKERS = (b"base64",)  # Atom 0.3's mode="base64": feedparser-rs keeps the encoded text
_RSS_MARKERS = (b"<summary",)  # RSS with both: feedparser's summary is the <description>, feedparser-rs's the <summary>
# An Atom 1.0 text or content element whose type is a MIME type neither text nor XML: its content is base64
# (RFC 4287 4.1.3.3), which feedparser decodes and feedparser-rs keeps encoded (and calls HTML).
_ATOM_BINARY = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,63}:)?(?:title|summary|content|subtitle|rights)\s[^<>]{0,512}?"
                          rb"\btype\s*=\s*[\"'](?!text/)[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}[\"']",
                          re.IGNORECASE)
# An Atom <link> that gives its address as text instead of an href (feedparser reads it; feedparser-rs drops it).
_TEXT_LINK = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,63}:)?link\b[^<>]{0,512}(?<!/)>\s*[^<\s]", re.IGNORECASE)
# The internal subset of a DOCTYPE near the start, and its general entities whose value is short plain text
# (character references allowed): no external, parameter or nested entity is ever expanded.
DTD_WINDOW = 65_536
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[\w:.-]+(?:\s+(?:SYSTEM|PUBLIC)(?:\s+(?:\"[^\"]*\"|'[^']*'))+)?\s*\[([^\]]*)\]\s*>")
_ENTITY = re.compile(rb"<!ENTITY\s+([A-Za-z_][\w.-]{0,63})\s+(?:\"((?:[^\"&%<]|&#[0-9]{1,7};|&#x[0-9a-fA-F]{1,6};){0,256})\""
                     rb"|'((?:[^'&%<]|&#[0-9]{1,7};|&#x[0-9a-fA-F]{1,6};){0,256})')\s*>")
MAX_ENTITIES = 64
MAX_EXPANSION = 1_000_000  # bytes the expanded entities may add to a document, in all


def feedparser_reads_better(body: bytes, version: str, entries) -> bool:
    """Does `body` hold something feedparser reads and feedparser-rs (whose `entries` these are) did not?

    A look at a few bytes of the first item, chosen by what feedparser-rs left empty, so a feed it read
    whole costs one or two substring searches.
    """
    markers = list(_ANY_MARKERS)
    rss = version.startswith("rss")
    if rss:
        markers += _RSS_MARKERS
    if rss and any(not item.get("content") and not item.get("summary") for item in entries):
        markers += _BODY_MARKERS
    if any(not item.get("published") and not item.get("updated") for item in entries):
        markers += _DATE_MARKERS
    if any(not item.get("author") for item in entries):
        markers += _AUTHOR_MARKERS
    window = first_item(body)
    if any(_as_markup(window, marker) for marker in markers):
        return True
    if version.startswith("atom") and any(_lacks_web_link(item) for item in entries) and _TEXT_LINK.search(window):
        return True
    return version == "atom10" and _binary_content(window)


def _lacks_web_link(item) -> bool:
    """Has feedparser-rs no link for `item`, or only its "urn:..." id standing in for one?"""
    link = item.get("link") or ""
    return not link or (":" in link.split("/", 1)[0] and not link.lower().startswith(("http:", "https:")))


def _binary_content(window: bytes) -> bool:
    """Does `window` hold an Atom 1.0 element whose declared type makes its content base64?"""
    for match in _ATOM_BINARY.finditer(window):
        mime = match.group(0).rsplit(b"=", 1)[1].strip(b"\"' \t\r\n").lower()
        if not (mime.endswith((b"+xml", b"/xml")) or mime.startswith(b"text/")):
            return True
    return False


def _as_markup(window: bytes, marker: bytes, tries: int = 16) -> bool:
    """Is `marker` in `window` outside CDATA (a post's own "<details><summary>" is no feed element)?"""
    at = window.find(marker)
    while at != -1 and tries:
        if window.count(b"<![CDATA[", 0, at) <= window.count(b"]]>", 0, at):
            return True
        at, tries = window.find(marker, at + 1), tries - 1
    return False


def first_item(body: bytes) -> bytes:
    """The bytes of `body`'s first item or entry (at most SNIFF_WINDOW of them); the head if it has none."""
    start = _ITEM_START.search(body)
    if start is None:
        return body[:SNIFF_WINDOW]
    end = _ITEM_END.search(body, start.end(), start.start() + SNIFF_WINDOW)
    return body[start.start():end.end() if end else start.start() + SNIFF_WINDOW]


def for_feedparser(body: bytes) -> bytes:
    """`body` with <content:fullitem> named as feedparser knows it (<fullitem>), which it reads as the body."""
    if b"content:fullitem" not in body:
        return body
    return re.sub(rb"(</?)content:fullitem\b", rb"\1fullitem", body)


def expand_internal_entities(body: bytes) -> bytes:
    """`body` with the short text entities its own DTD declares written out, as an XML parser would.

    feedparser-rs leaves "&author;" as it is. Only general entities declared in the internal subset
    are read, and only those whose value is plain text of at most 256 characters: external ones are
    never fetched, and nothing nests, so nothing grows exponentially; the total added is bounded too.
    """
    head = body[:DTD_WINDOW]
    if b"<!ENTITY" not in head:
        return body
    doctype = _DOCTYPE.search(head)
    if doctype is None:
        return body
    values: dict[bytes, bytes] = {}
    for entity in _ENTITY.finditer(doctype.group(1)):
        values.setdefault(entity.group(1), entity.group(2) if entity.group(2) is not None else entity.group(3))
        if len(values) >= MAX_ENTITIES:
            break
    if not values:
        return body
    reference = re.compile(rb"&(" + b"|".join(re.escape(name) for name in values) + rb");")
    rest = body[doctype.end():]
    added = sum(len(values[match.group(1)]) for match in reference.finditer(rest))
    if added > MAX_EXPANSION:
        return body
    return body[:doctype.end()] + reference.sub(lambda match: values[match.group(1)], rest)


def json_feed_ids(body: bytes, count: int) -> list[str | None]:
    """The ids of a JSON Feed's first `count` items as strings: feedparser-rs drops ids written as numbers."""
    try:
        items = json.loads(body).get("items")
    except (ValueError, AttributeError, RecursionError):
        return [None] * count
    if not isinstance(items, list):
        return [None] * count
    ids = []
    for item in items[:count]:
        value = item.get("id") if isinstance(item, dict) else None
        ok = isinstance(value, str | int | float) and not isinstance(value, bool)
        ids.append(str(value) if ok else None)
    return ids + [None] * (count - len(ids))


def prefer_fallback(fallback, result) -> bool:
    """Is feedparser's reading (`fallback`) better than feedparser-rs's (`result`, None when it raised)?"""
    if fallback is None:
        return False
    if result is None:
        return True
    if fallback.entries:
        return len(fallback.entries) >= len(result.entries)
    # Neither found an entry: a new feed of a version feedparser-rs does not know ("0.93", "2.01"), or
    # one feedparser-rs calls truncated while feedparser reads it whole.
    return bool(fallback.get("version")) and not result.entries and (not result.version or not fallback.get("bozo"))
