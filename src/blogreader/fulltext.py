"""The full-text step of a refresh: the article page of each new teaser entry, fetched and read within bounds.

Each page is read as soon as it arrives, in a worker process with a time budget, and only a few pages are
held at once in a whole run: a feed of 25 teasers to 20 MB pages once held all of them in memory together,
then read them one by one in the event loop, while every other source waited.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from blogreader.errors import BlogReaderError
from blogreader.fetch import Fetcher
from blogreader.models import NewEntry
from blogreader.normalize.entry import article_text, with_article
from blogreader.normalize.text import printable, reading_minutes
from blogreader.parse.article_workers import ArticleWorkers, OverBudget

log = logging.getLogger(__name__)

MAX_PAGES_PER_FEED = 25  # article pages fetched for one feed in one run
PAGES_AT_ONCE = 4  # article pages held (being fetched or read) at once in a whole run
PAGES_AT_ONCE_PER_FEED = 2  # so that one feed's pages leave room for other feeds'
PROBLEMS_SHOWN = 3  # page problems named in a source's problem; the rest are counted
# Words a bare roundup item's page must hold to be its text: a paper's abstract is rarely under 100, while the
# notice a script-only site serves without JavaScript, or a sign-in wall, is a few dozen.
MIN_PAGE_WORDS = 80


@dataclass(frozen=True)
class LinkedPage:
    """The page a stored entry links to (a bare roundup item's, a teaser's), read: its address, main content and
    the words it holds."""

    entry_id: int
    page: str
    content_html: str
    text: str
    words: int
    minutes: int


@dataclass(frozen=True)
class LinkedPages:
    """What one run made of the linked pages it tried: those read, the entries done with (read or not), and the
    entries whose pages failed in a way that may pass, to be asked for again."""

    read: list[LinkedPage]
    done: list[int]
    again: list[int]


@dataclass(frozen=True)
class Completed:
    """A feed's entries with the new teasers completed from their pages, the problems met, and the indexes of the
    teasers whose pages could not be reached (to be tried again once stored)."""

    entries: list[NewEntry]
    problems: list[str]
    again: list[int]


class FullText:
    """Teaser completion for one run: the fetcher, the article workers, and the bound on pages held at once."""

    def __init__(self, fetcher: Fetcher, workers: ArticleWorkers) -> None:
        self.fetcher = fetcher
        self.workers = workers
        self._pages = asyncio.Semaphore(PAGES_AT_ONCE)

    async def complete(self, store, source_id: int | None, entries: list[NewEntry]) -> Completed:
        """The entries, each new teaser with its article page's full text where that worked, the problems met on
        the way (a page cut at the size cap, or out of time), and the teasers whose page could not be reached."""
        wanted = [index for index, entry in enumerate(entries[:MAX_PAGES_PER_FEED])
                  if entry.teaser and not store.known_entry(source_id, entry)]
        completed = list(entries)
        problems: list[str] = []
        again: list[int] = []
        feed_pages = asyncio.Semaphore(PAGES_AT_ONCE_PER_FEED)

        async def one(index: int) -> None:
            entry = entries[index]
            async with feed_pages:
                try:
                    article, final_url = await self._article(entry.url)
                except OverBudget as exc:
                    problems.append(str(exc))
                    return
                except BlogReaderError as exc:
                    log.info("full text of %s not read: %s", entry.url, exc)
                    if exc.transient:  # tried again by the next refreshes (`teaser_pages`)
                        again.append(index)
                    return
            if article.problem:
                problems.append(article.problem)
            # A post listed without a date (a blog index page) takes the one its own page's metadata gives.
            completed[index] = replace(with_article(entry, article.content_html, final_url),
                                       page_canonical=article.canonical_url,
                                       published=entry.published or article.published)

        await asyncio.gather(*(one(index) for index in wanted))
        return Completed(completed, problems, sorted(again))

    async def item_pages(self, store, source_id: int, roundup_ids: list[int]) -> LinkedPages:
        """The pages of bare items (a title and an address, no words of the roundup's own) read as teasers' pages
        are, at most MAX_PAGES_PER_FEED: those these roundups split first, then those the source's earlier runs
        left (`Store.waiting_items`). An item's text is what it is summed up and filed from; a page must hold
        MIN_PAGE_WORDS to be taken."""
        waiting = store.waiting_items(source_id, roundup_ids, MAX_PAGES_PER_FEED)
        return await self._linked_pages([(entry_id, url, MIN_PAGE_WORDS - 1) for entry_id, url in waiting])

    async def teaser_pages(self, store, source_id: int, skip: set[int] = frozenset()) -> LinkedPages:
        """The pages of the source's stored teasers that an earlier run could not reach (but those of `skip`), at
        most MAX_PAGES_PER_FEED; a page is taken when it says more than the teaser."""
        waiting = store.waiting_teasers(source_id, MAX_PAGES_PER_FEED + len(skip))
        return await self._linked_pages([waits for waits in waiting if waits[0] not in skip][:MAX_PAGES_PER_FEED])

    async def _linked_pages(self, waiting: list[tuple[int, str, int]]) -> LinkedPages:
        """Each (entry id, address, words the page must exceed) read: a page that is gone, refused, too large, or
        says no more is not asked for again (a site that is down for good would otherwise hold a feed's places
        every run); one that could not be reached or failed with a server error is asked for again by the next
        runs, store.linked_pages.MAX_PAGE_TRIES times in all."""
        read: list[LinkedPage] = []
        again: list[int] = []
        feed_pages = asyncio.Semaphore(PAGES_AT_ONCE_PER_FEED)

        async def one(entry_id: int, url: str, words_before: int) -> None:
            async with feed_pages:
                try:
                    article, final_url = await self._article(url)
                except BlogReaderError as exc:  # OverBudget too: a page too large or too slow is no summary
                    log.info("linked page %s not read: %s", url, exc)
                    if exc.transient:
                        again.append(entry_id)
                    return
            content_html, text, words = article_text(article.content_html, final_url)
            # A page that holds no article (a notice that the site needs JavaScript, a sign-in wall, a video page's
            # footer) leaves the entry as it was rather than become its text.
            if words > words_before:
                read.append(LinkedPage(entry_id, article.canonical_url or final_url, content_html, text, words,
                                       reading_minutes(words)))

        await asyncio.gather(*(one(*waits) for waits in waiting))
        failed = set(again)
        return LinkedPages(read, [entry_id for entry_id, _, _ in waiting if entry_id not in failed], again)

    async def read_waiting(self, store, source_id: int, roundups: list[int], batch, tried_now: Sequence[int] = (),
                           publication_url: str | None = None) -> None:
        """Sum up bare roundup items from the pages they link to: those of `roundups` (just split) first, then those
        of the source that earlier runs left or could not reach; and complete the source's teasers whose pages
        earlier runs could not reach (not those of `tried_now`, which this run tried), as a teaser's page completes
        it when it is stored: split if it is a roundup, else read for the papers it discusses. Written in one unit
        of `batch` (store.write_batch.WriteBatch), or in a transaction of its own."""
        items = await self.item_pages(store, source_id, roundups)
        teasers = await self.teaser_pages(store, source_id, skip=set(tried_now))
        if not (items.done or items.again or teasers.done or teasers.again):
            return
        with batch.unit() if batch is not None else store.transaction():
            for page in items.read:
                store.read_item_page(page.entry_id, page.page, page.content_html, page.text, page.words, page.minutes)
            for page in teasers.read:
                if store.complete_teaser(page.entry_id, page.page, page.content_html, page.text, page.words,
                                         page.minutes):
                    _split_or_link(store, page, publication_url)
            store.tried_pages(items.done + teasers.done)
            if items.again or teasers.again:
                store.failed_pages(items.again + teasers.again)

    async def _article(self, url: str):
        """The article `url`'s page holds, and the page's final address, read within the run's bound on pages held
        at once: the body, the large part, leaves with the slot."""
        async with self._pages:
            page = await self.fetcher.get(url)
            return await self.workers.extract(page.body, page.final_url), page.final_url


def _split_or_link(store, page: LinkedPage, publication_url: str | None) -> None:
    """A teaser completed from its page, as one completed when stored: its items when it is a roundup, else the
    papers it discusses."""
    from blogreader.reading import roundup_items
    from blogreader.roundups.entries import item_entry

    entry = store.entry(page.entry_id)
    published = datetime.fromisoformat(entry.published.replace("Z", "+00:00")) if entry.published else None
    items = roundup_items(page.content_html, entry.url, publication_url, False, published)
    if items:
        store.save_items(page.entry_id, [(item.rank, item_entry(item, published)) for item in items])
    store.link_post_discussions(page.entry_id, page.content_html, entry.url)  # none for a roundup


def with_problems(problem: str | None, page_problems: list[str]) -> str | None:
    """A source's problem: its feed's own, then the first few of its pages' (with a count of the rest)."""
    named = [printable(text) for text in page_problems[:PROBLEMS_SHOWN]]  # they name remote URLs
    if len(page_problems) > PROBLEMS_SHOWN:
        named.append(f"{len(page_problems) - PROBLEMS_SHOWN} more article page(s) over a limit")
    return "; ".join([problem, *named] if problem else named) or None
