"""Plain dataclasses passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FetchResult:
    """What the fetcher got for one URL: final URL, status and decoded body."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: bool = False
    content_location: str = ""  # the header: the document's own address, the base of its relative links

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class ParsedEntry:
    """One item as a feed or page describes it, before normalizing."""

    title: str
    url: str | None
    guid: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    content_html: str = ""
    summary_html: str = ""


@dataclass
class ParsedFeed:
    """A parsed feed: its title and site, the items, and any problem met on the way."""

    title: str | None
    site_url: str | None
    entries: list[ParsedEntry] = field(default_factory=list)
    version: str = ""
    problem: str | None = None


@dataclass
class NewEntry:
    """A normalized entry ready to store."""

    title: str
    url: str | None
    canonical_url: str | None
    guid: str | None
    author: str | None
    published: datetime | None
    content_html: str
    text: str
    word_count: int
    reading_minutes: int
    feed_summary: str | None
    content_hash: str
    teaser: bool = False
    summary: str | None = None  # a summary the source itself gives (a listing page's excerpt), origin "feed"
    page_canonical: str | None = None  # the address the post's own page names as canonical, when it was fetched
    # The papers the post discusses (dedupe.discussed), read in a parse worker; None: read when it is stored.
    discusses: tuple | None = None


@dataclass(frozen=True)
class Enrichment:
    """Machine output for a post not stored yet (a fetch enriches new posts as it parses them)."""

    summary: str | None
    summary_origin: str | None
    category: str | None
    category_origin: str | None
    promo: bool


@dataclass(frozen=True)
class Source:
    """A subscription as stored."""

    id: int
    url: str
    kind: str
    title: str | None
    site_url: str | None = None
    category: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_fetched: str | None = None
    last_error: str | None = None
    error_count: int = 0
    disabled: bool = False
    retry_after: str | None = None
    created: str | None = None

    @property
    def name(self) -> str:
        return self.title or self.url


@dataclass
class Entry:
    """An entry as stored, with the fields `list --json` and `show --json` print."""

    id: int
    kind: str
    title: str
    url: str | None
    source: str | None
    source_id: int | None
    author: str | None
    published: str | None
    added: str
    summary: str | None
    summary_origin: str | None
    category: str | None
    category_origin: str | None
    word_count: int
    reading_minutes: int
    read: bool
    picked: bool
    picked_at: str | None
    starred: bool
    note: str | None
    promo: bool
    parent_id: int | None
    rank: int | None
    duplicate_of: int | None
    canonical_url: str | None = None
    guid: str | None = None
    updated: str | None = None
    text: str | None = None
    content_html: str | None = None

    LISTED = (
        "id", "kind", "title", "url", "source", "source_id", "author", "published", "added", "summary",
        "summary_origin", "category", "category_origin", "word_count", "reading_minutes", "read", "picked",
        "picked_at", "starred", "note", "promo", "parent_id", "rank", "duplicate_of",
    )
    SHOWN = LISTED + ("canonical_url", "guid", "updated", "text", "content_html")

    def to_json(self, full: bool = False) -> dict:
        return {name: getattr(self, name) for name in (self.SHOWN if full else self.LISTED)}
