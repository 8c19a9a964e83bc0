"""Backends by name: built-ins and the `llm:MODEL` family are looked up the same way."""

from __future__ import annotations

from blogreader.config import Settings
from blogreader.enrich.base import Classifier, Summarizer
from blogreader.errors import UsageError

SUMMARIZERS = ("feed", "extractive", "llm:MODEL")
CLASSIFIERS = ("local", "llm:MODEL")
MODEL_FOLDER = "models"  # in the library folder: the fitted local classifier, refitted when the labels change


def summarizer_chain(spec: str, settings: Settings) -> list[Summarizer]:
    """"feed,extractive" -> [FeedSummarizer, ExtractiveSummarizer]; an llm summarizer always falls back to extractive."""
    from blogreader.enrich.extractive import ExtractiveSummarizer
    from blogreader.enrich.feed_summary import FeedSummarizer

    chain: list[Summarizer] = []
    for name in (part.strip() for part in spec.split(",") if part.strip()):
        if name == "feed":
            chain.append(FeedSummarizer())
        elif name == "extractive":
            chain.append(ExtractiveSummarizer())
        elif name.startswith("llm:") and len(name) > 4:
            from blogreader.enrich.llm_backend import LLMSummarizer

            chain.append(LLMSummarizer(name[4:], timeout=settings.enrich.llm_timeout))
        else:
            raise UsageError(f"unknown summarizer {name!r}; choose from {', '.join(SUMMARIZERS)}")
    if not any(isinstance(backend, ExtractiveSummarizer) for backend in chain):
        chain.append(ExtractiveSummarizer())  # every entry ends up with a summary
    return chain


def is_offline(settings: Settings) -> bool:
    """Are the configured backends offline ones (no model to call), each a name this version knows?"""
    if "llm:" in settings.enrich.summarizer or settings.enrich.classifier.strip() != "local":
        return False
    try:
        summarizer_chain(settings.enrich.summarizer, settings)
    except UsageError:
        return False
    return True


def classifier_for(spec: str, settings: Settings, examples) -> Classifier:
    name = spec.strip()
    if name == "local":
        from blogreader.enrich.model_cache import load_or_fit

        return load_or_fit(settings.taxonomy, list(examples), settings.home / MODEL_FOLDER)
    if name.startswith("llm:") and len(name) > 4:
        from blogreader.enrich.llm_backend import LLMClassifier

        return LLMClassifier(name[4:], settings.taxonomy, timeout=settings.enrich.llm_timeout)
    raise UsageError(f"unknown classifier {name!r}; choose from {', '.join(CLASSIFIERS)}")
