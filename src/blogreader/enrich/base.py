"""The backend contract: a Document in, a Summary or a Categorization out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from blogreader.errors import BlogReaderError

MAX_SUMMARY_CHARS = 300
OPENING_WORDS_KEPT = 1_000  # the most words a reader of a text's opening asks for (the promo judge counts to 901)


class BackendUnavailable(BlogReaderError):
    """A backend was asked for but cannot run here (missing extra, missing model)."""


class BackendFailed(BlogReaderError):
    """A backend ran and failed (model error, time-out); the entry keeps what it had."""


@dataclass(frozen=True)
class Document:
    """What a backend sees of an entry: its text already cleaned of promo blocks."""

    title: str
    text: str
    url: str | None = None
    feed_summary: str | None = None
    source: str | None = None
    picks: tuple[str, ...] = ()  # a split roundup's item titles, in order: what it recommends

    @cached_property
    def opening_words(self) -> list[str]:
        """The text's first OPENING_WORDS_KEPT words, then the rest unsplit: split once for the classifier, the
        promo model and the promo judge's word count, which each split it again before."""
        return self.text.split(None, OPENING_WORDS_KEPT)

    def opening(self, words: int) -> str:
        """The text's first `words` words (at most OPENING_WORDS_KEPT), joined by single spaces."""
        if words > OPENING_WORDS_KEPT:
            raise ValueError(f"an opening of {words} words: at most {OPENING_WORDS_KEPT} are kept")
        return " ".join(self.opening_words[:words])


@dataclass(frozen=True)
class Summary:
    text: str
    origin: str  # "feed" | "extractive" | "llm"


@dataclass(frozen=True)
class Categorization:
    category: str
    origin: str  # "local" | "llm"
    confidence: float = 0.0


class Summarizer(Protocol):
    """Writes one or two sentences, at most 300 characters, saying what the post finds or argues."""

    name: str

    def summarize(self, doc: Document) -> Summary | None: ...


class Classifier(Protocol):
    """Files a document under one category of the taxonomy."""

    name: str

    def classify(self, doc: Document) -> Categorization | None: ...
