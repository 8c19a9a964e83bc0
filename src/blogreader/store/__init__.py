"""Storage: the only package that knows SQL. `Store` is the interface a second backend implements."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from blogreader.store.collection import CollectionQueries
from blogreader.store.database import connect, transaction
from blogreader.store.dialect import is_postgres
from blogreader.store.endorsements import EndorsementQueries
from blogreader.store.enrich_claims import EnrichClaimQueries
from blogreader.store.enrichment import EnrichmentQueries, EnrichmentUpdate
from blogreader.store.entries import EntryFilter, EntryQueries, SaveOutcome
from blogreader.store.linked_pages import LinkedPageQueries
from blogreader.store.mentions import MentionQueries
from blogreader.store.pages import PageQueries
from blogreader.store.postgres import is_database_url
from blogreader.store.published import PublishedQueries
from blogreader.store.reader_api import ReaderApiQueries
from blogreader.store.schedule import ScheduleQueries
from blogreader.store.search import SearchQueries
from blogreader.store.sources import SourceQueries
from blogreader.store.stats import StatsQueries
from blogreader.store.triage import TriageQueries


class Store(SourceQueries, EntryQueries, MentionQueries, LinkedPageQueries, EndorsementQueries, EnrichmentQueries,
            EnrichClaimQueries, CollectionQueries, PageQueries, ReaderApiQueries, ScheduleQueries, TriageQueries,
            PublishedQueries, StatsQueries, SearchQueries):
    """The library database: sources, entries, triage, search and the collection."""

    def __init__(self, conn: sqlite3.Connection, location: Path | str | None = None) -> None:
        self.conn = conn
        self.location = location  # the SQLite file, or the PostgreSQL address
        self.path = location if isinstance(location, Path) else None

    @classmethod
    def open(cls, location: Path | str) -> Store:
        """The library at `location`: a SQLite file, or a PostgreSQL address (postgresql://...)."""
        if is_database_url(location):
            from blogreader.store.postgres import connect_postgres

            return cls(connect_postgres(location), location)
        return cls(connect(Path(location)), Path(location))

    @property
    def engine(self) -> str:
        return "postgresql" if is_postgres(self.conn) else "sqlite"

    @property
    def packs_html(self) -> bool:
        """Does this library store a post's HTML packed (packed_posts.py)? SQLite does; PostgreSQL compresses itself."""
        return not is_postgres(self.conn)

    def transaction(self):
        return transaction(self.conn)

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with transaction(self.conn):
            self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def keep_meta(self, key: str, value: str) -> str:
        """`value` stored under `key` unless one is already there; the value kept either way (the first
        writer's, when several processes race)."""
        with transaction(self.conn):
            self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, value))
            return self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


__all__ = ["EnrichmentUpdate", "EntryFilter", "SaveOutcome", "Store"]
