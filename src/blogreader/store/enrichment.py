"""Enrichment rows: what to enrich, the user's labels to learn from, and machine output that never overwrites user data."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from blogreader.clock import utc_now
from blogreader.store.database import transaction
from blogreader.store.dialect import concat_in_order
from blogreader.store.search_queue import rewritten

USER_ORIGINS = ("user", "import")
PICK_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class EnrichmentInput:
    """What the enrich stage reads of an entry."""

    id: int
    kind: str
    title: str
    text: str
    feed_summary: str | None
    source: str | None
    summary_origin: str | None
    category_origin: str | None
    promo_origin: str | None
    parent_id: int | None
    roundup: bool = False  # it names picks of its own (a roundup split into items)
    picks: str | None = None  # those picks' titles in the order printed, joined by PICK_SEPARATOR


@dataclass(frozen=True)
class EnrichmentUpdate:
    """Machine output for one entry; None leaves a field as it is."""

    id: int
    summary: str | None = None
    summary_origin: str | None = None
    category: str | None = None
    category_origin: str | None = None
    promo: bool | None = None


@dataclass(frozen=True)
class LabelledEntry:
    title: str
    text: str
    summary: str | None
    category: str
    source: str | None = None  # the feed it came from: labels teach most about their own source




def _input_sql(conn: sqlite3.Connection) -> str:
    picks = concat_in_order(conn, "m.title", "char(31)", "mentions m WHERE m.roundup_id = e.id", "m.position")
    return f"""
    SELECT e.id, e.kind, e.title, post_text(e.text, e.content_html) AS text, e.feed_summary,
           coalesce(s.title, s.url) AS source, e.summary_origin, e.category_origin, e.promo_origin, e.parent_id,
           CASE WHEN EXISTS (SELECT 1 FROM mentions m WHERE m.roundup_id = e.id) THEN 1 ELSE 0 END AS roundup,
           {picks} AS picks
    FROM entries e LEFT JOIN sources s ON s.id = e.source_id
"""


class EnrichmentQueries:
    """Mixin of Store: enrichment."""

    conn: sqlite3.Connection

    def enrichment_ids(self, *, only_unenriched: bool = False) -> list[int]:
        """The ids of every entry (only those never enriched, when asked), oldest first: a run reads them a
        window at a time."""
        where = " WHERE enriched_at IS NULL" if only_unenriched else ""
        return [row[0] for row in self.conn.execute(f"SELECT id FROM entries{where} ORDER BY id")]

    def enrichment_inputs(self, ids: list[int]) -> list[EnrichmentInput]:
        """What the enrich stage reads of the entries `ids`, by id."""
        input_sql = _input_sql(self.conn)
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self.conn.execute(f"{input_sql} WHERE e.id IN ({marks}) ORDER BY e.id", chunk).fetchall()
        return [EnrichmentInput(*row[:10], bool(row[10]), row[11]) for row in rows]

    def save_enrichment(self, updates: list[EnrichmentUpdate]) -> None:
        """Store machine output in one transaction; fields with a user or import origin are kept."""
        now = utc_now()
        # The summaries are indexed for search: the window's index rows are rewritten once, not a post at a time.
        with transaction(self.conn), rewritten(self.conn, [update.id for update in updates]):
            for update in updates:
                self.conn.execute(
                    # The parameters are cast: PostgreSQL cannot tell the type of a bare NULL parameter.
                    """UPDATE entries SET
                           summary = CASE WHEN CAST(:summary AS TEXT) IS NULL OR summary_origin IN ('user', 'import')
                                          THEN summary ELSE CAST(:summary AS TEXT) END,
                           summary_origin = CASE WHEN CAST(:summary AS TEXT) IS NULL
                                                      OR summary_origin IN ('user', 'import')
                                                 THEN summary_origin ELSE CAST(:summary_origin AS TEXT) END,
                           category = CASE WHEN CAST(:category AS TEXT) IS NULL OR category_origin IN ('user', 'import')
                                           THEN category ELSE CAST(:category AS TEXT) END,
                           category_origin = CASE WHEN CAST(:category AS TEXT) IS NULL
                                                       OR category_origin IN ('user', 'import')
                                                  THEN category_origin ELSE CAST(:category_origin AS TEXT) END,
                           promo = CASE WHEN CAST(:promo AS INTEGER) IS NULL OR promo_origin = 'user'
                                        THEN promo ELSE CAST(:promo AS INTEGER) END,
                           promo_origin = CASE WHEN CAST(:promo AS INTEGER) IS NULL OR promo_origin = 'user'
                                               THEN promo_origin ELSE 'auto' END,
                           enriched_at = :now
                       WHERE id = :id""",
                    {"summary": update.summary, "summary_origin": update.summary_origin, "category": update.category,
                     "category_origin": update.category_origin,
                     "promo": None if update.promo is None else int(update.promo), "now": now, "id": update.id},
                )

    def carried_identities(self, source_id: int, limit: int = 2000) -> tuple[frozenset[str], frozenset[str]]:
        """The guids and canonical URLs of the entries `source_id` carries (its latest `limit`): a fetch leaves
        the posts they name unenriched while it parses, since the store already has them."""
        rows = self.conn.execute(
            "SELECT es.guid, e.canonical_url FROM entry_sources es JOIN entries e ON e.id = es.entry_id "
            "WHERE es.source_id = ? ORDER BY es.entry_id DESC LIMIT ?", (source_id, limit)).fetchall()
        return frozenset(guid for guid, _ in rows if guid), frozenset(url for _, url in rows if url)

    def labelled_entries(self) -> list[LabelledEntry]:
        """Entries the user (or an imported list) filed under a category: what the local classifier learns from."""
        rows = self.conn.execute(
            "SELECT e.title, substr(post_text(e.text, e.content_html), 1, 4000), e.summary, e.category, coalesce(s.title, s.url) "
            "FROM entries e LEFT JOIN sources s ON s.id = e.source_id "
            "WHERE e.category IS NOT NULL AND e.category_origin IN ('user', 'import') ORDER BY e.id"
        ).fetchall()
        return [LabelledEntry(*row) for row in rows]

    def category_counts(self, include_hidden: bool = False) -> dict[str, int]:
        hidden = "" if include_hidden else "AND promo = 0 AND duplicate_of IS NULL"
        rows = self.conn.execute(
            f"SELECT category, count(*) FROM entries WHERE category IS NOT NULL {hidden} GROUP BY category"
        ).fetchall()
        return {category: count for category, count in rows}

    def hidden_ids(self, ids: list[int]) -> set[int]:
        """Those of `ids` that lists hide: promotions and duplicates."""
        hidden: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            hidden.update(row[0] for row in self.conn.execute(
                f"SELECT id FROM entries WHERE id IN ({marks}) AND (promo = 1 OR duplicate_of IS NOT NULL)", chunk))
        return hidden

    def set_promo(self, ids: list[int], value: bool) -> None:
        """The user's verdict on promotion, which enrichment keeps."""
        self._update_many(ids, "promo = ?, promo_origin = 'user'", (int(value),))

    def promotions(self, limit: int | None = 50) -> list:
        """Entries hidden as promotions, newest first: what `list --promo` shows so nothing disappears silently."""
        from blogreader.store.entries import _LIST_COLUMNS, _entry

        bound = "" if limit is None else f"LIMIT {int(limit)}"
        rows = self.conn.execute(
            f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source
                FROM entries e LEFT JOIN sources s ON s.id = e.source_id
                WHERE e.promo = 1 ORDER BY e.sort_date DESC, e.id DESC {bound}"""
        ).fetchall()
        return [_entry(row) for row in rows]
