"""Enrichment where a fetch parses: each new post is judged, summarized and filed in the parse worker, before it is
stored, so its row and its search index row are written once, whole.

The enrich pass (runner.py) still follows every fetch and takes whatever this leaves: roundups (summed up from
the picks the store numbers), teasers completed from their pages, posts whose text changed, posts of a feed with
no title yet, and every entry when a backend is a model (seconds a post: that waits for its own pass).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blogreader.config import Settings
from blogreader.enrich.base import Document, Summary
from blogreader.enrich.local_classifier import Example
from blogreader.enrich.runner import (EnrichReport, filed, promo_flags, read_text, settled, summarizers,
                                     teaching_examples)
from blogreader.models import Enrichment, NewEntry
from blogreader.store import Store


@dataclass
class FetchEnricher:
    """The offline backends of a run and what the local classifier learns from, read in the main process before
    the parse workers fork; the backends themselves are built where they are first used (in each worker)."""

    settings: Settings
    examples: list[Example]
    _backends: tuple | None = field(default=None, repr=False)

    @classmethod
    def for_run(cls, store: Store, settings: Settings) -> FetchEnricher | None:
        """The run's enricher, or None when a backend is a model or the classifier would have to be fitted first
        (the enrich pass fits it once and keeps it; the next fetch enriches as it parses)."""
        from blogreader.enrich.model_cache import is_saved
        from blogreader.enrich.registry import MODEL_FOLDER, is_offline

        if not is_offline(settings):
            return None
        examples = teaching_examples(store, settings)
        if not is_saved(settings.taxonomy, examples, settings.home / MODEL_FOLDER):
            return None
        return cls(settings, examples)

    def enrich(self, entries: list[NewEntry], source_name: str | None, skip: list[bool]) -> list[Enrichment | None]:
        """Each entry's promo verdict, summary and category (None for the entries skipped)."""
        todo = [index for index, entry in enumerate(entries) if not skip[index]]
        found: list[Enrichment | None] = [None] * len(entries)
        if not todo or source_name is None:
            return found
        chain, own_words, classifier = self._built()
        docs = [Document(entries[i].title, entries[i].text, feed_summary=entries[i].feed_summary, source=source_name)
                for i in todo]
        categories = classifier.classify_many(docs)
        taxonomy = {category.name for category in self.settings.taxonomy}
        promos = promo_flags(docs, ["post"] * len(docs))
        for index, doc, category, promo in zip(todo, docs, categories, promos):
            origin = "feed" if entries[index].summary else None  # as the row is inserted
            promo, summary, problems = read_text(chain, own_words, doc, promo, origin, False)
            if problems:  # an offline backend failed: the enrich pass tries again and reports it
                continue
            category = filed(self.settings, settled(category, taxonomy), promo, "post", doc)
            found[index] = Enrichment(summary=summary.text if summary else None,
                                      summary_origin=summary.origin if summary else None,
                                      category=category.category if category else None,
                                      category_origin=category.origin if category else None, promo=bool(promo))
        return found

    def _built(self):
        if self._backends is None:
            from blogreader.enrich.registry import classifier_for

            chain, own_words = summarizers(self.settings.enrich.summarizer, self.settings)
            self._backends = chain, own_words, classifier_for("local", self.settings, self.examples)
        return self._backends


def counted(report: EnrichReport, enrichment: Enrichment) -> None:
    """An entry a fetch enriched, counted in the run's report as the enrich pass counts its own."""
    report.enriched += 1
    report.count(Summary(enrichment.summary, enrichment.summary_origin) if enrichment.summary else None,
                 enrichment.promo)
    if enrichment.category:
        report.categories[enrichment.category] += 1


__all__ = ["FetchEnricher", "counted"]
