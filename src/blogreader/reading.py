"""What a fetch does with a fetched body, on bytes alone (so a large refresh runs it in parse workers): parse,
normalize, split roundups, read the papers each post discusses, mark near-duplicates, pack for the store, and
enrich new posts."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from blogreader.errors import ParseError
from blogreader.models import FetchResult, NewEntry, ParsedFeed, Source
from blogreader.normalize.entry import normalize_entry, normalize_feed
from blogreader.normalize.listing_entry import listing_entry
from blogreader.parse.feed_fields import document_url
from blogreader.parse.feeds import parse_feed
from blogreader.parse.listing import parse_listing
from blogreader.roundups import split_roundup
from blogreader.roundups.screen import may_be_roundup
from blogreader.roundups.series import series_issues, without_recurring
from blogreader.store.duplicates import near_duplicate_marks
from blogreader.store.packed_posts import pack_post

if TYPE_CHECKING:
    from blogreader.enrich.at_fetch import FetchEnricher

Identities = tuple[frozenset[str], frozenset[str]]  # guids and canonical URLs


def read_source(source: Source, result: FetchResult, keep_private_links: bool, presplit: bool = True,
                with_marks: bool = False, pack: bool = False, enricher: FetchEnricher | None = None,
                known: Identities | None = None):
    """The entries of a fetched feed, or of a listing page (each post with its excerpt, to be completed),
    with `presplit` each full entry's roundup items (None: split later, once known to be new), with
    `with_marks` each entry's near-duplicate marks (else None: computed when stored), with `pack` each
    entry's HTML and text as a SQLite library stores them (else None: packed when stored), and with
    `enricher` (and `presplit`) the enrichment of each whole post that is no roundup and is not among the
    `known` (guids, canonical URLs) the source carries already (else None: left to the enrich pass).

    Pure work on bytes, so a large refresh runs it in worker processes, splitting and marking there too.
    """
    feed, entries = _read_entries(source, result, keep_private_links)
    marks = [near_duplicate_marks(entry.text) for entry in entries] if with_marks else None
    packed = [pack_post(entry.content_html, entry.text) for entry in entries] if pack else None
    if not presplit:
        return feed, entries, [None] * len(entries), marks, packed, None
    publication = feed.site_url or source.site_url
    issues = series_issues([entry.title for entry in entries])
    splits = without_recurring([None if entry.teaser else roundup_items(entry.content_html, entry.url, publication, issue,
                                                                        entry.published)
                                for entry, issue in zip(entries, issues)], issues)
    enrichments = None
    if enricher is not None:
        guids, urls = known or (frozenset(), frozenset())
        skip = [split is None or bool(split) or entry.guid in guids or entry.canonical_url in urls
                for entry, split in zip(entries, splits)]
        enrichments = enricher.enrich(entries, source.title or feed.title, skip)
    if with_marks:  # a worker: the papers each post discusses are read here too (a roundup discusses none)
        entries = [entry if split is None else replace(entry, discusses=() if split else _discusses(entry))
                   for entry, split in zip(entries, splits)]
        feed = replace(feed, entries=[])  # the parsed items go back as entries alone: a third less to pickle
    return feed, entries, splits, marks, packed, enrichments


# The run's enricher in a parse worker: set as the worker starts (inherited when forked; a pool started again
# mid-refresh is spawned, and gets a copy).
_WORKER_ENRICHER: FetchEnricher | None = None
# The worker's slot among the refresh's (parse_pool.py): the shared array, and where the worker's pair begins.
_WORKER_SLOT: tuple | None = None


def serve_in_this_worker(enricher: FetchEnricher | None, slots=None) -> None:
    """A parse worker's start: keep the run's enricher, and take a free slot of `slots` (pairs of a worker's pid
    and the source it reads, shared with the refresh), when given."""
    global _WORKER_ENRICHER, _WORKER_SLOT
    _WORKER_ENRICHER = enricher
    if slots is not None:
        with slots.get_lock():
            free = next((at for at in range(0, len(slots), 2) if not slots[at]), None)
            if free is not None:
                slots[free] = os.getpid()
                _WORKER_SLOT = (slots, free + 1)


def read_in_worker(source: Source, result: FetchResult, keep_private_links: bool, pack: bool,
                   known: Identities | None):
    """`read_source` as a parse worker runs it: split, marked, packed, and enriched by the run's enricher; the
    source noted in the worker's slot while it is read, so that the refresh knows it if the worker dies."""
    if _WORKER_SLOT is not None:
        slots, at = _WORKER_SLOT
        slots[at] = source.id or 0
    try:
        return read_source(source, result, keep_private_links, with_marks=True, pack=pack, enricher=_WORKER_ENRICHER,
                           known=known)
    finally:
        if _WORKER_SLOT is not None:
            slots[at] = 0



def _discusses(entry: NewEntry) -> tuple:
    from blogreader.dedupe.discussed import discussed_works

    return tuple(discussed_works(entry.content_html, entry.url, entry.url))


def roundup_items(html: str, url: str | None, publication_url: str | None, series: bool = False,
                  published: datetime | None = None) -> list:
    """`split_roundup`, after cheap screens (roundups.screen): most posts are not parsed."""
    if not may_be_roundup(html, url, publication_url):
        return []
    return split_roundup(html, url, publication_url, series, published)


def _read_entries(source: Source, result: FetchResult, keep_private_links: bool) -> tuple[ParsedFeed, list[NewEntry]]:
    if source.kind == "listing":
        items = parse_listing(result.body, result.final_url)
        if not items:
            raise ParseError(f"{result.final_url}: the page no longer lists any posts")
        entries = [replace(entry, summary=entry.feed_summary, teaser=bool(entry.url))
                   for entry in map(listing_entry, items)]
        return ParsedFeed(title=None, site_url=result.final_url), entries
    feed = normalize_feed(parse_feed(result.body, result.final_url, keep_private_links=keep_private_links,
                                     content_type=result.content_type, content_location=result.content_location))
    base = document_url(result.final_url, result.content_location)  # relative links in posts, as in the feed's
    return feed, [normalize_entry(item, base) for item in feed.entries]
