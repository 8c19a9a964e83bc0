"""Source rows: subscribe, look up, record each fetch's outcome, remove."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import UTC, datetime, timedelta

from blogreader.errors import NotFoundError
from blogreader.models import Source
from blogreader.clock import iso, utc_now
from blogreader.store.database import transaction
from blogreader.store.duplicates import forget_bands

_SOURCE_FIELDS = [spec.name for spec in fields(Source)]


def _source(row: sqlite3.Row) -> Source:
    values = {name: row[name] for name in _SOURCE_FIELDS}
    values["disabled"] = bool(values["disabled"])
    return Source(**values)


class SourceQueries:
    """Mixin of Store: everything about sources."""

    conn: sqlite3.Connection

    def add_source(self, url: str, kind: str, title: str | None = None, site_url: str | None = None,
                   category: str | None = None) -> tuple[Source, bool]:
        """Subscribe to `url`; returns the source and whether it is new (an existing one is returned as is)."""
        with transaction(self.conn):
            existing = self.conn.execute("SELECT * FROM sources WHERE url = ?", (url,)).fetchone()
            if existing:
                return _source(existing), False
            row = self.conn.execute(
                "INSERT INTO sources (url, kind, title, site_url, category, created) VALUES (?, ?, ?, ?, ?, ?) "
                "RETURNING *",
                (url, kind, title, site_url, category, utc_now()),
            ).fetchone()
            return _source(row), True

    def source(self, source_id: int) -> Source:
        row = self.conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no source with id {source_id}; `blogreader sources` lists them")
        return _source(row)

    def find_source(self, ref: str) -> Source:
        """A source by id, URL or exact title (case-insensitive)."""
        if ref.isdigit():
            return self.source(int(ref))
        rows = self.conn.execute(
            "SELECT * FROM sources WHERE url = ? OR lower(title) = lower(?) ORDER BY id", (ref, ref)
        ).fetchall()
        if not rows:
            raise NotFoundError(f"no source {ref!r}; give an id, URL or title from `blogreader sources`")
        if len(rows) > 1:
            ids = ", ".join(str(row["id"]) for row in rows)
            raise NotFoundError(f"{ref!r} names several sources ({ids}); give the id instead")
        return _source(rows[0])

    def source_by_url(self, url: str) -> Source | None:
        row = self.conn.execute("SELECT * FROM sources WHERE url = ?", (url,)).fetchone()
        return _source(row) if row else None

    def sources(self, ids: list[int] | None = None) -> list[Source]:
        if ids is None:
            rows = self.conn.execute("SELECT * FROM sources ORDER BY id").fetchall()
        else:
            marks = ",".join("?" * len(ids))
            rows = self.conn.execute(f"SELECT * FROM sources WHERE id IN ({marks}) ORDER BY id", ids).fetchall()
        return [_source(row) for row in rows]

    def sources_page(self, offset: int, limit: int) -> list[tuple[Source, int]]:
        """`limit` sources in id order after skipping `offset`, each with its entry count, in one query."""
        rows = self.conn.execute(
            """SELECT s.*, (SELECT count(*) FROM entry_sources es WHERE es.source_id = s.id) AS entry_count
               FROM sources s ORDER BY s.id LIMIT ? OFFSET ?""",
            (int(limit), int(offset)),
        ).fetchall()
        return [(_source(row), row["entry_count"]) for row in rows]

    def source_choices(self, limit: int, include: int | None = None) -> list[Source]:
        """The first `limit` sources by id, and `include` wherever it is: a filter's choices, bounded."""
        rows = self.conn.execute(
            "SELECT * FROM sources WHERE id IN (SELECT id FROM sources ORDER BY id LIMIT ?) OR id = ? ORDER BY id",
            (int(limit), include if include is not None else -1),
        ).fetchall()
        return [_source(row) for row in rows]

    def source_entry_count(self, source_id: int) -> int:
        """How many entries `source_id` carries, counted from its index."""
        return self.conn.execute(
            "SELECT count(*) FROM entry_sources WHERE source_id = ?", (source_id,)
        ).fetchone()[0]

    def source_entry_counts(self) -> dict[int, int]:
        rows = self.conn.execute("SELECT source_id, count(*) FROM entry_sources GROUP BY source_id")
        return {source_id: count for source_id, count in rows}

    def count_sources(self) -> int:
        return self.conn.execute("SELECT count(*) FROM sources").fetchone()[0]

    def remove_source(self, source_id: int) -> tuple[int, int]:
        """Unsubscribe: drop the source's entries except those the user kept; returns (removed, kept)."""
        with transaction(self.conn):
            self.source(source_id)
            only_here = """
                SELECT es.entry_id FROM entry_sources es
                WHERE es.source_id = :sid AND NOT EXISTS (
                    SELECT 1 FROM entry_sources other
                    WHERE other.entry_id = es.entry_id AND other.source_id != :sid)
            """
            kept_rule = "(picked = 1 OR starred = 1 OR note IS NOT NULL)"
            kept = self.conn.execute(
                f"SELECT count(*) FROM entries WHERE id IN ({only_here}) AND {kept_rule}", {"sid": source_id}
            ).fetchone()[0]
            going = f"SELECT id FROM entries WHERE id IN ({only_here}) AND NOT {kept_rule} AND parent_id IS NULL"
            forget_bands(self.conn, self.conn.execute(  # with their roundup items, which the delete cascades to
                f"SELECT id, post_text(text, content_html) FROM entries WHERE id IN ({going}) OR parent_id IN ({going})",
                {"sid": source_id}).fetchall())
            removed = self.conn.execute(f"DELETE FROM entries WHERE id IN ({going})", {"sid": source_id}).rowcount
            # Entries also carried by another source now belong to that one.
            self.conn.execute(
                """UPDATE entries SET source_id = (
                       SELECT min(source_id) FROM entry_sources
                       WHERE entry_id = entries.id AND source_id != :sid)
                   WHERE source_id = :sid""",
                {"sid": source_id},
            )
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
            return removed, kept

    def record_fetch_success(self, source_id: int, *, etag: str | None, last_modified: str | None,
                             body_hash: str | None = None, url: str | None = None, title: str | None = None,
                             site_url: str | None = None, problem: str | None = None) -> None:
        """A fetch worked (possibly 304): keep validators, clear the error count, note any parse problem."""
        with transaction(self.conn):
            self.conn.execute(
                """UPDATE sources SET
                       etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),
                       body_hash = coalesce(?, body_hash), title = coalesce(title, ?),
                       site_url = coalesce(?, site_url), last_fetched = ?, last_error = ?,
                       error_count = 0, retry_after = NULL
                   WHERE id = ?""",
                (etag, last_modified, body_hash, title, site_url, utc_now(), problem, source_id),
            )
            if url and not self.source_by_url(url):
                self.conn.execute("UPDATE sources SET url = ? WHERE id = ?", (url, source_id))

    def uncount_failures(self, sources: list[Source]) -> None:
        """Take back the failure a refresh just counted for each of these sources (as they were before it): the
        machine was offline, and a source's failures in a row say how long to back off from it. Its last fetch
        is again the one before; the error stays to be read."""
        self.conn.executemany(
            """UPDATE sources SET error_count = CASE WHEN error_count > 0 THEN error_count - 1 ELSE 0 END,
                   last_fetched = ? WHERE id = ?""", [(source.last_fetched, source.id) for source in sources])

    def record_fetch_failure(self, source_id: int, error: str, *, disable: bool = False,
                             retry_after_seconds: float | None = None) -> None:
        """A fetch failed: the error is data on the source; the run goes on."""
        retry_at = None
        if retry_after_seconds is not None:
            retry_at = iso(datetime.now(UTC) + timedelta(seconds=retry_after_seconds))
        with transaction(self.conn):
            self.conn.execute(
                """UPDATE sources SET last_fetched = :now, last_error = :error, error_count = error_count + 1,
                       disabled = CASE WHEN :disable = 1 THEN 1 ELSE disabled END, retry_after = :retry_at
                   WHERE id = :id""",
                {"now": utc_now(), "error": error, "disable": int(disable), "retry_at": retry_at, "id": source_id},
            )
