"""The backend contract: a Document in, a Summary or a Categorization out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from blogreader.errors import BlogReaderError

MAX_SUMMARY_CHARS = 300


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
