"""Enrich entries: promotion flag, summary and category for each, user data untouched."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable
from dataclasses import dataclass, field

from blogreader.config import Settings
from blogreader.enrich.base import BackendFailed, BackendUnavailable, Categorization, Document, Summarizer, Summary
from blogreader.enrich.extractive import numbered_run
from blogreader.enrich.local_classifier import Example
from blogreader.enrich.promo import judge_promos
from blogreader.enrich.registry import classifier_for, summarizer_chain
from blogreader.enrich.windows import LLM_WINDOW, WINDOW, EntryWindows
from blogreader.spool import new_folder, remove, spooled, unspooled
from blogreader.store import EnrichmentUpdate, Store
from blogreader.store.enrichment import PICK_SEPARATOR, USER_ORIGINS, EnrichmentInput

log = logging.getLogger(__name__)

BATCH = 200  # updates saved in one transaction
PARALLEL_MIN = 400  # below this, starting worker processes costs more than it saves
MAX_WORKERS = 4
# Roundups and promotions are about many things or none: they go under this category when the taxonomy has it.
DIGEST_CATEGORY = "News"
LOCAL_ORIGINS = ("local", "uncertain")  # what the local classifier writes as category_origin
MIN_OWN_LABEL_USES = 3  # entries the user files under a label of their own before the classifier offers it


@dataclass
class EnrichReport:
    enriched: int = 0
    promos: int = 0
    summaries: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def count(self, summary: Summary | None, promo: bool | None) -> None:
        """One entry's findings, counted (the category is counted where it is settled)."""
        if summary:
            self.summaries[summary.origin] += 1
        self.promos += bool(promo)

    def merge(self, other: EnrichReport) -> None:
        """Take in what another part of the run enriched (a fetch enriches new posts as it parses them)."""
        self.enriched += other.enriched
        self.promos += other.promos
        self.summaries.update(other.summaries)
        self.categories.update(other.categories)
        self.problems += other.problems

    def summary_line(self) -> str:
        by = ", ".join(f"{count} {origin}" for origin, count in sorted(self.summaries.items())) or "none"
        return f"enriched {self.enriched} entries ({self.promos} promotions); summaries: {by}"


def enrich_entries(store: Store, settings: Settings, ids: list[int] | None = None, *, only_unenriched: bool = False,
                   summarizer: str | None = None, classifier: str | None = None,
                   on_progress: Callable[[str], None] | None = None) -> EnrichReport:
    """(Re)compute promo flags, summaries and categories; fields the user set are never overwritten.

    The entries are read, classified and summarized a window at a time (the next window's summaries are
    under way in the worker processes while this one is classified and saved): a backlog of any size costs
    the memory of two windows. New entries are claimed a window at a time (windows.py): runs in several
    processes share them out.
    """
    report = EnrichReport()
    spec = summarizer or settings.enrich.summarizer
    summarizer_chain(spec, settings)  # an unknown backend name fails here, before any work or claim
    windows = EntryWindows(store, ids, only_unenriched, LLM_WINDOW if "llm:" in spec else WINDOW)
    try:
        window = windows.next()
        if not window:
            return report
        categorizer = _Categorizer(store, settings, classifier or settings.enrich.classifier, report)
        with _TextReaders(spec, settings, len(ids) if ids is not None else len(window), categorizer) as readers:
            ahead = readers.read(store.enrichment_inputs(window))
            while ahead is not None:
                inputs, docs, results = ahead
                window = windows.next()
                ahead = readers.read(store.enrichment_inputs(window)) if window else None
                texts, classified = results()
                categories = categorizer.categorize(inputs, docs, classified)
                updates = [_update(settings, report, *row) for row in zip(inputs, docs, categories, texts)]
                for start in range(0, len(updates), BATCH):
                    store.save_enrichment(updates[start:start + BATCH])
                report.enriched += len(updates)
                if on_progress:
                    for entry in inputs:
                        on_progress(entry.title)
    finally:
        windows.close()
    return report


def _update(settings: Settings, report: EnrichReport, entry: EnrichmentInput, doc: Document,
            category: Categorization | None, text: TextResult) -> EnrichmentUpdate:
    promo, summary, problems = text
    report.problems += problems
    if entry.promo_origin == "user":
        promo = None  # the user's verdict stands, and is not reported as this run's finding
    category = filed(settings, category, promo, entry.kind, doc)
    report.count(summary, promo)
    return EnrichmentUpdate(
        entry.id, summary=summary.text if summary else None, summary_origin=summary.origin if summary else None,
        category=category.category if category else None, category_origin=category.origin if category else None,
        promo=promo,
    )


def filed(settings: Settings, category: Categorization | None, promo: bool | None, kind: str,
          doc: Document) -> Categorization | None:
    """The category an entry is filed under: a promotion or a numbered run of picks goes under the digest
    category, whatever its words say."""
    if promo or (kind == "post" and numbered_run(doc.text)):
        return _digest_category(settings, category)
    return category


TextResult = tuple[bool, Summary | None, list[str]]
# A window's text results, and its categories when the workers filed them (None: the categorizer files them).
WindowResults = tuple[list[TextResult], list[Categorization | None] | None]
# The run's local classifier, set before the workers are forked: each worker files its own chunk with it.
_WORKER_CLASSIFIER = None


class _TextReaders:
    """Promo verdicts, summaries and, with the local classifier, categories: offline backends on a large run use
    every core, in worker processes started once for the run (forked before any entry is read, so they copy
    little, and after the run's classifier is built, so they share it)."""

    def __init__(self, spec: str, settings: Settings, total: int, categorizer: _Categorizer | None = None):
        self.spec, self.settings, self.categorizer = spec, settings, categorizer
        self.classify: bool | None = None  # decided before the first chunk goes out (and the workers fork)
        self.workers = min(os.cpu_count() or 1, MAX_WORKERS)
        parallel = (total >= PARALLEL_MIN and self.workers >= 2 and "llm:" not in spec
                    and "fork" in mp.get_all_start_methods())
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("fork")) if parallel else None
        self.spool = new_folder() if parallel else None  # results come back as files (spool.py)

    def __enter__(self) -> _TextReaders:
        return self

    def __exit__(self, *exc_info) -> None:
        global _WORKER_CLASSIFIER
        _WORKER_CLASSIFIER = None
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.spool is not None:
            remove(self.spool)

    def read(self, inputs: list[EnrichmentInput]) -> tuple[list[EnrichmentInput], list[Document],
                                                             Callable[[], WindowResults]]:
        """The window's documents, and a call that returns their results (under way in the workers meanwhile)."""
        docs = [_document(entry) for entry in inputs]
        work = list(zip(inputs, docs))
        if self.pool is not None and self.classify is None:
            global _WORKER_CLASSIFIER
            _WORKER_CLASSIFIER = self.categorizer.local_classifier() if self.categorizer else None
            self.classify = _WORKER_CLASSIFIER is not None
        size = -(-len(work) // (self.workers * 2))
        try:
            futures = [self.pool.submit(spooled, self.spool, _read_chunk,
                                        (self.spec, self.settings, work[start:start + size], self.classify))
                       for start in range(0, len(work), size)] if self.pool is not None else None
        except BrokenProcessPool:  # a worker died since the last window
            self._lost_workers()
            futures = None
        if futures is None:
            return inputs, docs, lambda: (_read_chunk((self.spec, self.settings, work, False))[0], None)

        def results() -> WindowResults:
            try:
                chunks = [unspooled(future.result()) for future in futures]
            except BrokenProcessPool:  # a worker died (the out-of-memory killer?): this process reads the rest
                self._lost_workers()
                return _read_chunk((self.spec, self.settings, work, False))[0], None
            texts = [result for chunk, _ in chunks for result in chunk]
            return texts, [category for _, filed in chunks for category in filed] if self.classify else None

        return inputs, docs, results

    def _lost_workers(self) -> None:
        if self.pool is None:
            return
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = None
        problem = "a worker process died while enriching (out of memory?); this process read the rest, more slowly"
        log.info(problem)
        if self.categorizer is not None:
            self.categorizer.report.problems.append(problem)


def _read_chunk(job: tuple[str, Settings, list[tuple[EnrichmentInput, Document]], bool]
                ) -> tuple[list[TextResult], list[Categorization | None]]:
    """Promo verdicts and summaries of a chunk, and its categories when `classify` (in a worker, with the run's
    local classifier; only for entries whose category the user did not set)."""
    spec, settings, work, classify = job
    chain, own_words = summarizers(spec, settings)
    promos = promo_flags([doc for _, doc in work], [entry.kind for entry, _ in work],
                         [entry.roundup for entry, _ in work])
    results = [read_text(chain, own_words, doc, promo, entry.summary_origin, entry.roundup)
               for (entry, doc), promo in zip(work, promos)]
    filed: list[Categorization | None] = [None] * len(work)
    if classify:
        todo = [index for index, (entry, _) in enumerate(work) if entry.category_origin not in USER_ORIGINS]
        for index, category in zip(todo, _WORKER_CLASSIFIER.classify_many([work[i][1] for i in todo])):
            filed[index] = category
    return results, filed


def summarizers(spec: str, settings: Settings) -> tuple[list[Summarizer], list[Summarizer]]:
    """The run's summarizers: the chain asked for, and the chain for roundups (no feed summary)."""
    chain = summarizer_chain(spec, settings)
    # A newsletter gives every issue the same description: a roundup is summed up from its own picks.
    own_words = [backend for backend in chain if backend.name != "feed"] or summarizer_chain("extractive", settings)
    return chain, own_words


def promo_flags(docs: list[Document], kinds: list[str], roundups: list[bool] | None = None) -> list[bool]:
    """Each entry's promo flag: its posts judged together (`judge_promos`); a roundup's link is never one, nor a
    roundup, which was split into the works of others it recommends (whatever its opening says of the newsletter)."""
    posts = [index for index, kind in enumerate(kinds) if kind == "post" and not (roundups and roundups[index])]
    flags = [False] * len(docs)
    for index, verdict in zip(posts, judge_promos([docs[index] for index in posts])):
        flags[index] = verdict.promo
    return flags


def read_text(chain: list[Summarizer], own_words: list[Summarizer], doc: Document, promo: bool,
              summary_origin: str | None, roundup: bool) -> TextResult:
    """An entry's promo flag (as `promo_flags` judged it) and summary (None: its summary stays as it is), with the
    problems met."""
    problems: list[str] = []
    summary = None
    keeps_source_summary = summary_origin == "feed" and chain[0].name == "feed" and not roundup
    if summary_origin not in USER_ORIGINS and not keeps_source_summary:
        summary = _summarize(own_words if roundup else chain, doc, problems)
    return promo, summary, problems


def _document(entry: EnrichmentInput) -> Document:
    picks = tuple(entry.picks.split(PICK_SEPARATOR)) if entry.picks else ()
    return Document(entry.title, entry.text, feed_summary=entry.feed_summary, source=entry.source, picks=picks)


def _summarize(chain: list[Summarizer], doc: Document, problems: list[str]) -> Summary | None:
    for backend in list(chain):
        try:
            summary = backend.summarize(doc)
        except BackendUnavailable as exc:
            problems.append(str(exc))
            chain.remove(backend)  # no use asking again in this run
            continue
        except BackendFailed as exc:
            problems.append(str(exc))
            continue
        if summary and summary.text:
            return summary
    return None


class _Categorizer:
    """The run's classifier, built once (with the user's labels) the first time an entry needs it."""

    def __init__(self, store: Store, settings: Settings, spec: str, report: EnrichReport):
        self.store, self.settings, self.spec, self.report = store, settings, spec, report
        self.examples: list[Example] | None = None
        self.chosen = self.local = None
        self.taxonomy = {category.name for category in settings.taxonomy}

    def _build(self) -> None:
        self.examples = teaching_examples(self.store, self.settings)
        self.chosen = classifier_for(self.spec, self.settings, self.examples)
        self.local = self.chosen if self.chosen.name == "local" else None

    def local_classifier(self):
        """The run's classifier when it is the local one (built now): worker processes can file entries with it."""
        if self.chosen is None:
            self._build()
        return self.chosen if self.chosen.name == "local" and hasattr(self.chosen, "classify_many") else None

    def categorize(self, inputs: list[EnrichmentInput], docs: list[Document],
                   classified: list[Categorization | None] | None = None) -> list[Categorization | None]:
        """Each entry's category (None where the user set it); `classified`: what the workers filed already."""
        todo = [index for index, entry in enumerate(inputs) if entry.category_origin not in USER_ORIGINS]
        results: list[Categorization | None] = [None] * len(inputs)
        if not todo:
            return results
        if self.chosen is None:
            self._build()
        if classified is not None:
            for index in todo:
                results[index] = classified[index]
        elif hasattr(self.chosen, "classify_many"):
            for index, result in zip(todo, self.chosen.classify_many([docs[i] for i in todo])):
                results[index] = result
        else:
            for index in todo:
                try:
                    results[index] = self.chosen.classify(docs[index])
                except (BackendFailed, BackendUnavailable) as exc:
                    self.report.problems.append(f"{exc}; filed by the local classifier instead")
                    if self.local is None:
                        self.local = classifier_for("local", self.settings, self.examples)
                    results[index] = self.local.classify(docs[index])
        for index in todo:
            results[index] = settled(results[index], self.taxonomy, self.report)
        return results


def settled(result: Categorization | None, taxonomy: set[str],
            report: EnrichReport | None = None) -> Categorization | None:
    """A classifier's category as the run keeps it (counted in `report`)."""
    if result and result.origin in LOCAL_ORIGINS and result.confidence <= 0 \
            and result.category not in taxonomy and DIGEST_CATEGORY in taxonomy:
        # Nothing in the text points anywhere: that is no reason to file it under one of the user's own labels.
        result = Categorization(DIGEST_CATEGORY, "uncertain", 0.0)
    if result and report is not None:
        report.categories[result.category] += 1
    return result


def teaching_examples(store: Store, settings: Settings) -> list[Example]:
    """What the classifier learns from: the user's labels, a label of their own only once a few entries bear it.

    One `edit --category` files one entry; a new label learnt from one example would take over every
    entry that resembles it on the next `enrich --all`.
    """
    labelled = store.labelled_entries()
    taxonomy = {category.name for category in settings.taxonomy}
    uses = Counter(entry.category for entry in labelled)
    return [Example(Document(entry.title, entry.text, feed_summary=entry.summary, source=entry.source), entry.category)
            for entry in labelled if entry.category in taxonomy or uses[entry.category] >= MIN_OWN_LABEL_USES]


def _digest_category(settings: Settings, current: Categorization | None) -> Categorization | None:
    if current is None or not any(category.name == DIGEST_CATEGORY for category in settings.taxonomy):
        return current
    return Categorization(DIGEST_CATEGORY, current.origin, current.confidence)
