"""The one orchestrator: refresh sources (fetch -> parse -> normalize -> store), add and discover.

The CLI, the web app and background workers all call these functions.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing as mp
import os
from contextlib import contextmanager
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from blogreader.clock import iso, utc_now
from blogreader.config import Settings
from blogreader.errors import BlogReaderError, NoConnectionError, ParseError, UsageError
from blogreader.fetch import Fetcher
from blogreader.fetch.client import HTTPStatusError
from blogreader.fetch.guard import check_url
from blogreader.fulltext import FullText, with_problems
from blogreader.models import FetchResult, NewEntry, ParsedEntry, Source
from blogreader.normalize.entry import normalize_entry
from blogreader.normalize.text import html_to_text, word_count
from blogreader.parse.article import extract_article
from blogreader.parse.article_workers import ArticleWorkers
from blogreader.parse_pool import ParseWorkers, WorkerCrashed
from blogreader.reading import read_source, roundup_items
from blogreader.roundups.series import series_issues, without_recurring
from blogreader.roundups.entries import item_entry
from blogreader.sources.discover import discover
from blogreader.store import Store
from blogreader.store.duplicates import near_duplicate_marks
from blogreader.store.write_batch import WriteBatch

if TYPE_CHECKING:
    from blogreader.enrich.at_fetch import FetchEnricher
    from blogreader.enrich.runner import EnrichReport

log = logging.getLogger(__name__)

NEW, UNCHANGED, FAILED, SKIPPED = "new", "unchanged", "failed", "skipped"
PARALLEL_SOURCES = 40  # a refresh of at least this many sources parses in worker processes
MAX_PARSE_WORKERS = 4
MIN_ARTICLE_WORDS = 50  # `add` saves a page with no feed as an article only when it has this much text
# A refresh commits the feeds it stored every BATCH_FEEDS feeds or BATCH_SECONDS, whichever comes first: a
# commit per feed was a third of the main process's time. Each feed is still a unit (a savepoint) and records
# its new validators with its entries, so a refresh killed mid-way keeps every commit before, and the next
# one fetches the feeds of the lost batch again.
BATCH_FEEDS = 50
BATCH_SECONDS = 0.5
OFFLINE_HOSTS = 2  # hosts that must all fail to connect before a refresh calls the machine offline
OFFLINE_AT_MOST = timedelta(days=3)  # a long weekend; sources that died together are not offline for ever


@dataclass
class SourceOutcome:
    """What one source's refresh did."""

    source: Source
    status: str
    new_ids: list[int] = field(default_factory=list)
    updated: int = 0
    error: str | None = None
    no_connection: bool = False  # failed before any answer: the name did not resolve, or no connection was made


@dataclass
class RefreshReport:
    """A whole run: one outcome per source, and what it enriched as it parsed (None: it enriched nothing)."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    enrichment: EnrichReport | None = None

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def offline(self) -> bool:
        """Did every source polled fail to connect, on at least two hosts, one of which answered lately (its fetch
        before worked, within OFFLINE_AT_MOST)? Then the machine is offline (or its network is down), not the
        sources: their failures are not counted against them, and their last fetch stays the one that worked.
        Sources that all stopped answering longer ago are failing, however many."""
        polled = [outcome for outcome in self.outcomes if outcome.status != SKIPPED]
        if not polled or not all(outcome.no_connection for outcome in polled):
            return False
        lately = iso(datetime.now(UTC) - OFFLINE_AT_MOST)
        return (len({urlsplit(outcome.source.url).netloc for outcome in polled}) >= OFFLINE_HOSTS
                and any(outcome.source.error_count == 0 and (outcome.source.last_fetched or "") >= lately
                        for outcome in polled))

    @property
    def new_entries(self) -> int:
        return sum(len(outcome.new_ids) for outcome in self.outcomes)

    @property
    def new_ids(self) -> list[int]:
        return [entry_id for outcome in self.outcomes for entry_id in outcome.new_ids]

    def summary_line(self) -> str:
        return (
            f"{len(self.outcomes)} source(s): {self.count(NEW)} with new entries ({self.new_entries} new), "
            f"{self.count(UNCHANGED)} unchanged, {self.count(FAILED)} failed"
            + (f", {self.count(SKIPPED)} skipped" if self.count(SKIPPED) else "")
        )


ProgressCallback = Callable[[SourceOutcome], None]
Enriching = tuple["FetchEnricher | None", "EnrichReport | None"]  # a run's enricher and what it counts


def refresh(store: Store, sources: list[Source], settings: Settings,
            on_progress: ProgressCallback | None = None, *, enrich: bool = False) -> RefreshReport:
    """Fetch every source concurrently and store what is new; a failing source is recorded and skipped.

    With `enrich`, new posts are summarized, filed and judged as they are parsed, when the offline backends
    are configured (enrich/at_fetch.py); `enrich_new` then takes what is left. Without it, enrichment is left
    to `enrich_new`, so a caller can leave it for later.
    """
    enricher = None
    if enrich:
        from blogreader.enrich.at_fetch import FetchEnricher

        enricher = FetchEnricher.for_run(store, settings)
    with parse_workers(len(sources), enricher) as workers:
        return asyncio.run(refresh_async(store, sources, settings, on_progress, workers, enricher))


@contextmanager
def parse_workers(sources: int, enricher: FetchEnricher | None = None):
    """Worker processes that parse and normalize feed bodies (and enrich new posts with `enricher`) on the other
    cores during a large refresh; a worker that dies takes no feed but its own with it (parse_pool.py)."""
    cores = os.cpu_count() or 1
    if sources < PARALLEL_SOURCES or cores < 2 or "fork" not in mp.get_all_start_methods():
        yield None
        return
    workers = ParseWorkers(min(cores, MAX_PARSE_WORKERS), enricher)
    try:
        yield workers
    finally:
        workers.close()


def enrich_new(store: Store, settings: Settings, on_progress=None):
    """Summaries, categories and promo flags for every entry not enriched yet."""
    from blogreader.enrich.runner import enrich_entries  # the enrichment backends load only when asked for

    return enrich_entries(store, settings, only_unenriched=True, on_progress=on_progress)


async def refresh_async(store: Store, sources: list[Source], settings: Settings,
                        on_progress: ProgressCallback | None = None, workers=None,
                        enricher: FetchEnricher | None = None) -> RefreshReport:
    report = RefreshReport()
    if enricher is not None:
        from blogreader.enrich.runner import EnrichReport

        report.enrichment = EnrichReport()
    # Admit sources a few at a time, so a request's deadline starts when it can run, not while it queues.
    admitted = asyncio.Semaphore(settings.fetch.concurrency)
    batch = WriteBatch(store, BATCH_FEEDS, BATCH_SECONDS)
    try:
        async with Fetcher(settings.fetch) as fetcher, ArticleWorkers() as readers:
            full_text = FullText(fetcher, readers) if settings.enrich.full_text else None

            async def one(source: Source) -> None:
                async with admitted:
                    outcome = await refresh_source(store, fetcher, source, full_text=full_text, workers=workers,
                                                   batch=batch, enriching=(enricher, report.enrichment))
                report.outcomes.append(outcome)
                if on_progress:
                    on_progress(outcome)

            await asyncio.gather(*(one(source) for source in sources))
    finally:
        batch.commit()  # every feed stored so far is whole: keep it, even when the refresh was stopped
    report.outcomes.sort(key=lambda outcome: outcome.source.id)
    if report.offline:  # a laptop offline for a weekend must not find every source backed off for days
        store.uncount_failures([outcome.source for outcome in report.outcomes if outcome.status == FAILED])
    return report


async def refresh_source(store: Store, fetcher: Fetcher, source: Source, full_text: FullText | None = None,
                         workers=None, batch: WriteBatch | None = None, enriching: Enriching = (None, None)
                         ) -> SourceOutcome:
    """Refresh one source: conditional GET, parse only when the body changed, store in one transaction."""
    if source.disabled:
        return SourceOutcome(source, SKIPPED, error="disabled")
    if source.retry_after and source.retry_after > utc_now():
        return SourceOutcome(source, SKIPPED, error=f"the server asked to wait until {source.retry_after}")
    try:
        result = await fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    except HTTPStatusError as exc:
        store.record_fetch_failure(source.id, str(exc), disable=exc.status == 410,
                                   retry_after_seconds=exc.retry_after if exc.status in (429, 503) else None)
        return SourceOutcome(source, FAILED, error=str(exc))
    except BlogReaderError as exc:
        store.record_fetch_failure(source.id, str(exc))
        return SourceOutcome(source, FAILED, error=str(exc), no_connection=isinstance(exc, NoConnectionError))
    return await store_result(store, fetcher, source, result, full_text=full_text, workers=workers, batch=batch,
                              enriching=enriching)


async def store_result(store: Store, fetcher: Fetcher | None, source: Source, result: FetchResult,
                       full_text: FullText | None = None, workers=None, batch: WriteBatch | None = None,
                       enriching: Enriching = (None, None)) -> SourceOutcome:
    """Parse and store a fetched feed body for `source`, completing teasers with `full_text` when given, and
    enriching its new posts with `enriching`'s enricher (counted in its report) when given."""
    moved_to = result.final_url if result.permanent_redirect else None
    body_hash = None if result.not_modified else hashlib.blake2b(result.body, digest_size=16).hexdigest()
    if result.not_modified or body_hash == source.body_hash:
        store.record_fetch_success(source.id, etag=result.etag, last_modified=result.last_modified, url=moved_to)
        if full_text is not None and store.pages_waiting(source.id):  # what earlier runs left waits one refresh
            await full_text.read_waiting(store, source.id, [], batch, publication_url=source.site_url)
        return SourceOutcome(source, UNCHANGED)
    keep_private = fetcher.settings.allow_private_networks if fetcher is not None else False
    enricher, enriched = enriching
    known = store.carried_identities(source.id) if enricher is not None else None
    try:
        if workers is None:
            feed, entries, splits, marks, packed, enrichments = read_source(
                source, result, keep_private, presplit=enricher is not None, enricher=enricher, known=known)
        else:
            feed, entries, splits, marks, packed, enrichments = await workers.read(
                source, result, keep_private, pack=store.packs_html, known=known)
    except WorkerCrashed as exc:
        store.record_fetch_failure(source.id, str(exc))
        return SourceOutcome(source, FAILED, error=str(exc))
    except ParseError as exc:
        page = "feed" if source.kind == "feed" else "listing page"
        message = f"{exc}; check that {source.url} is still the {page}'s address"
        store.record_fetch_failure(source.id, message)
        return SourceOutcome(source, FAILED, error=message)
    problem, unreached = feed.problem, []
    if full_text is not None:
        completion = await full_text.complete(store, source.id, entries)
        completed, page_problems, unreached = completion.entries, completion.problems, completion.again
        splits = [split if done is entry else None for split, done, entry in zip(splits, completed, entries)]
        completed = [done if done is entry else replace(done, discusses=None) for done, entry in zip(completed, entries)]
        if marks is not None:
            marks = [mark if done is entry else None for mark, done, entry in zip(marks, completed, entries)]
        if packed is not None:  # a page's article replaced the item's HTML and text: the store packs them
            packed = [value if done is entry else None for value, done, entry in zip(packed, completed, entries)]
        if enrichments is not None:  # ... and the enrich pass reads it
            enrichments = [value if done is entry else None for value, done, entry in zip(enrichments, completed,
                                                                                         entries)]
        entries, problem = completed, with_problems(problem, page_problems)
    if marks is not None and any(mark is None for mark in marks):
        marks = [mark or near_duplicate_marks(entry.text) for mark, entry in zip(marks, entries)]
    with batch.unit() if batch is not None else store.transaction():
        saved = store.save_entries(source.id, entries, marks, packed, enrichments)
        unreached = [saved.ids[index] for index in unreached]
        if unreached:  # teasers whose pages the next refreshes try again
            store.failed_pages(unreached)
        roundups = split_roundups(store, entries, saved, publication_url=feed.site_url or source.site_url,
                                  splits=splits)
        store.record_fetch_success(
            source.id, etag=result.etag, last_modified=result.last_modified, body_hash=body_hash,
            url=moved_to, title=feed.title, site_url=feed.site_url, problem=problem,
        )
    if full_text is not None:
        await full_text.read_waiting(store, source.id, roundups, batch, tried_now=unreached,
                                     publication_url=feed.site_url or source.site_url)
    if enriched is not None:
        from blogreader.enrich.at_fetch import counted

        for index in saved.enriched:
            counted(enriched, enrichments[index])
    status = NEW if saved.new_ids else UNCHANGED
    return SourceOutcome(source, status, new_ids=saved.new_ids, updated=saved.updated, error=problem)


def split_roundups(store: Store, entries: list[NewEntry], saved, publication_url: str | None,
                   splits: list | None = None) -> list[int]:
    """Give every new or changed roundup post its items (split here unless `splits` has them); returns their ids."""
    changed = set(saved.changed_ids)
    split = []
    issues = series_issues([entry.title for entry in entries])
    found = []  # each new or changed post's items, and every issue's of a series (what recurs in them is no item)
    for index, (entry, entry_id) in enumerate(zip(entries, saved.ids)):
        items = splits[index] if splits and splits[index] is not None else None
        if items is None and (entry_id in changed or issues[index]):
            items = roundup_items(entry.content_html, entry.url, publication_url, issues[index], entry.published)
        found.append(items)
    for items, entry, entry_id in zip(without_recurring(found, issues), entries, saved.ids):
        if entry_id in changed and items:
            store.save_items(entry_id, [(item.rank, item_entry(item, entry.published)) for item in items])
            split.append(entry_id)
    store.link_discussions(entries, saved)  # after splitting: a roundup discusses no one paper
    return split


@dataclass(frozen=True)
class Added:
    """What `add` did: subscribed to a feed or listing page, or saved a single article (entry_id)."""

    source: Source | None
    created: bool
    entry_id: int | None = None


def add_source(store: Store, settings: Settings, url: str, name: str | None = None,
               category: str | None = None) -> Added:
    """Discover what `url` is and subscribe to it (or return the existing subscription).

    A page with no feed that lists posts becomes a `listing` source; any other page is saved
    once as an article, like a bookmark.
    """
    check_url(url, settings.allow_private_networks)
    existing = store.source_by_url(url)
    if existing:
        return Added(existing, False)

    async def run():
        async with Fetcher(settings.fetch) as fetcher:
            return await discover(fetcher, url)

    found = asyncio.run(run())
    if found.kind == "article":
        try:
            return Added(None, True, entry_id=store_article(store, found.page, minimum_words=MIN_ARTICLE_WORDS))
        except ParseError:
            raise UsageError(
                f"{url}: no feed found (not RSS, Atom or JSON Feed, none advertised), no list of posts and no "
                "article text; check the address, or look on the site for its feed URL"
            ) from None
    source, created = store.add_source(found.url, found.kind, title=name or found.feed.title,
                                       site_url=found.feed.site_url, category=category)
    return Added(source, created)


def save_article(store: Store, settings: Settings, url: str) -> int:
    """Fetch one web page now, extract its article and store it as an entry (read-later); returns its id."""
    check_url(url, settings.allow_private_networks)

    async def run():
        async with Fetcher(settings.fetch) as fetcher:
            return await fetcher.get(url)

    return store_article(store, asyncio.run(run()))


def store_article(store: Store, page: FetchResult, minimum_words: int = 0) -> int:
    """Store a fetched page's article as an entry with no source, split it if it is a roundup; returns its id."""
    article = extract_article(page.body, page.final_url)
    if minimum_words and word_count(html_to_text(article.content_html)) < minimum_words:
        raise ParseError(f"{page.final_url}: too little text to be an article")
    item = ParsedEntry(title=article.title or "", url=page.final_url, author=article.author,
                       published=article.published, content_html=article.content_html,
                       summary_html=article.description or "")
    entry = replace(normalize_entry(item, page.final_url), page_canonical=article.canonical_url)
    with store.transaction():
        saved = store.save_entries(None, [entry])
        split_roundups(store, [entry], saved, publication_url=page.final_url)
    return saved.ids[0]


__all__ = ["Added", "RefreshReport", "SourceOutcome", "add_source", "enrich_new", "refresh", "save_article"]
