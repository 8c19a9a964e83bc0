"""Clearing the inbox in bulk: mark read by filter, date or position, undo it; unread counts; what was hidden.

Each call is one statement (or one transaction of a few), whatever the number of entries it touches.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, replace

from blogreader.errors import NotFoundError, UsageError
from blogreader.models import Entry
from blogreader.store.database import transaction
from blogreader.store.dialect import distinct_values, in_json_list, indexed_by, joined_in_order
from blogreader.store.duplicates import read_copies
from blogreader.store.entries import _LIST_COLUMNS, EntryFilter, _entry, _where

# Roundup items are shown under their roundup in the inbox, not as rows of their own.
GROUPED = "NOT (e.kind = 'link' AND e.parent_id IS NOT NULL)"
UNDO_KEY = "undo_read"


@dataclass(frozen=True)
class Marked:
    """What a bulk mark-read did: how many entries, and the token that undoes it."""

    count: int
    undo: str | None


@dataclass(frozen=True)
class UnreadCounts:
    """Unread entries per source (id, name, count) and per category (name, count; every category in use)."""

    sources: list[tuple[int, str, int]]
    categories: list[tuple[str, int]]


_SHOWN = f"e.read = 0 AND e.promo = 0 AND e.duplicate_of IS NULL AND {GROUPED}"
# The predicates of the partial indexes of migration 0014, term for term (SQLite uses a partial index only for
# a query that repeats its terms): unread posts only their own source carries, and the other unread entries
# counted per source row by row (carried by other sources too, or links).
_OWN = "e.read = 0 AND e.promo = 0 AND e.duplicate_of IS NULL AND e.kind = 'post' AND e.also_carried = 0"
_CARRIED = "e.read = 0 AND e.promo = 0 AND e.duplicate_of IS NULL AND (e.also_carried = 1 OR e.kind = 'link')"


def _counts(rows: list) -> UnreadCounts:
    """UnreadCounts from the rows of `unread_counts`: ('s', source id, name, unread), ('c', _, category, unread),
    ('n', _, a category in use, 0)."""
    sources = sorted(((row[1], row[2] or str(row[1]), row[3]) for row in rows if row[0] == "s"),
                     key=lambda source: source[1].casefold())
    unread: dict[str, int] = {}
    for row in rows:  # grouped by the name as written: names differing in case only are one category
        if row[0] == "c":
            unread[row[2].casefold()] = unread.get(row[2].casefold(), 0) + row[3]
    in_use = {row[2].casefold(): row[2] for row in rows if row[0] == "n"}
    categories = sorted(((name, unread.get(key, 0)) for key, name in in_use.items()), key=lambda c: c[0].casefold())
    return UnreadCounts(sources, categories)


def inbox_where(spec: EntryFilter, grouped: bool, conn=None) -> tuple[str, dict]:
    """The WHERE clause of a listing; `grouped` leaves out roundup items (their roundup stands for them)."""
    where, params = _where(spec, conn)
    return (f"{where} AND {GROUPED}" if grouped else where), params


class TriageQueries:
    """Mixin of Store: bulk read/unread, counts beside the inbox, and hidden entries."""

    conn: sqlite3.Connection

    def mark_read_matching(self, spec: EntryFilter, *, before: str | None = None, upto: int | None = None,
                           ids: list[int] | None = None) -> Marked:
        """Mark read every unread entry `spec` matches (older than `before`, at or below entry `upto` in
        newest-first order, among `ids`); remember them so `undo_mark_read` can put them back."""
        where, params = _where(replace(spec, unread=True, limit=None), self.conn)
        if before:
            where += " AND e.sort_date < :before"
            params["before"] = before
        if upto is not None:
            here = "(SELECT sort_date FROM entries WHERE id = :upto)"
            where += f" AND (e.sort_date < {here} OR (e.sort_date = {here} AND e.id <= :upto))"
            params["upto"] = upto
            if not self.conn.execute("SELECT 1 FROM entries WHERE id = ?", (upto,)).fetchone():
                raise NotFoundError(f"no entry with id {upto}; nothing was marked read")
        if ids is not None:
            where += f" AND e.id {in_json_list(self.conn, ':ids')}"
            params["ids"] = json.dumps([int(i) for i in ids])
        with transaction(self.conn):
            changed = [row[0] for row in self.conn.execute(
                f"UPDATE entries AS e SET read = 1 WHERE {where} RETURNING id", params).fetchall()]
            copies = read_copies(self.conn, changed, True)  # hidden copies of those stories, undone with them
            token = secrets.token_urlsafe(9) if changed else None
            if token:  # only the last bulk action can be undone: one row, however large the library
                self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                  (UNDO_KEY, json.dumps({"token": token, "ids": changed + copies,
                                                         "count": len(changed)})))
        return Marked(len(changed), token)

    def undo_mark_read(self, token: str) -> int:
        """Put back as unread what the bulk action `token` marked read; how many entries."""
        with transaction(self.conn):
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (UNDO_KEY,)).fetchone()
            saved = json.loads(row[0]) if row else {}
            if not token or saved.get("token") != token:
                raise UsageError("that mark-read can no longer be undone: only the last one can; "
                                 "mark entries unread one by one with u or the Mark unread button")
            self.conn.execute(f"UPDATE entries SET read = 0 WHERE id {in_json_list(self.conn, '?')}",
                              (json.dumps(saved["ids"]),))
            self.conn.execute("DELETE FROM meta WHERE key = ?", (UNDO_KEY,))
        return saved.get("count", len(saved["ids"]))

    def open_entry(self, entry_id: int) -> Entry:
        """The entry, marked read with the other copies of its story: opening it reads it; one statement, as
        reading it alone takes."""
        rows = self.conn.execute(
            """WITH story(id) AS (SELECT coalesce(duplicate_of, id) FROM entries WHERE id = :id)
               UPDATE entries SET read = 1
               WHERE id = :id OR id IN (SELECT id FROM story) OR duplicate_of IN (SELECT id FROM story)
               RETURNING *, (SELECT coalesce(s.title, s.url) FROM sources s WHERE s.id = entries.source_id) AS source""",
            {"id": entry_id},
        ).fetchall()
        row = next((row for row in rows if row["id"] == entry_id), None)
        if row is None:
            raise NotFoundError(f"no entry with id {entry_id}; `blogreader list` shows ids")
        return _entry(row)

    def unread_counts(self) -> UnreadCounts:
        """Unread entries (as the inbox shows them) per source and per category, and every category in use,
        in one query that reads indexes only (migrations 0011 and 0014): an entry carried by its own source
        alone is counted there from entries_unread_by_source; the few carried by other sources too, and
        shown links, row by row through entry_sources."""
        # INDEXED BY: without statistics the planner would scan the table, whose rows carry every post's text.
        own = indexed_by(self.conn, "entries e", "entries_unread_by_source")
        carried = indexed_by(self.conn, "entries e", "entries_unread_carried")
        unread = indexed_by(self.conn, "entries e", "entries_unread_shown")
        rows = self.conn.execute(
            f"""SELECT 's', source_id, (SELECT coalesce(title, url) FROM sources WHERE id = by_source.source_id),
                       sum(unread) FROM (
                    SELECT e.source_id AS source_id, count(*) AS unread FROM {own}
                        WHERE {_OWN} AND e.source_id IS NOT NULL GROUP BY e.source_id
                    UNION ALL
                    SELECT es.source_id, count(*) FROM {carried} {joined_in_order(self.conn)} entry_sources es
                        ON es.entry_id = e.id WHERE {_CARRIED} AND {GROUPED} GROUP BY es.source_id) AS by_source
                    GROUP BY source_id
                UNION ALL
                SELECT 'c', NULL, e.category, count(*) FROM {unread} WHERE {_SHOWN} AND e.category IS NOT NULL
                    GROUP BY e.category
                UNION ALL
                SELECT 'n', NULL, category, 0 FROM {distinct_values(self.conn, 'entries', 'category')} AS in_use"""
        ).fetchall()
        return _counts(rows)

    def roundup_items(self, roundup_ids: list[int], per_roundup: int = 5) -> dict[int, tuple[int, int, list[Entry]]]:
        """For each roundup: (items, unread items, its first `per_roundup` unread items), in one query
        (run even for no roundups, so a page's query count does not depend on what it shows)."""
        rows = self.conn.execute(
            f"""SELECT * FROM (
                    SELECT {_LIST_COLUMNS}, m.roundup_id AS roundup, NULL AS source,
                           count(*) OVER (PARTITION BY m.roundup_id) AS items,
                           count(CASE WHEN e.read = 0 THEN 1 END) OVER (PARTITION BY m.roundup_id) AS unread,
                           row_number() OVER (PARTITION BY m.roundup_id ORDER BY e.read, m.position) AS shown
                    FROM mentions m JOIN entries e ON e.id = m.entry_id
                    WHERE m.roundup_id {in_json_list(self.conn, '?')}) AS items_of_roundups
                WHERE shown <= ?""",
            (json.dumps(roundup_ids), per_roundup),
        ).fetchall()
        grouped: dict[int, tuple[int, int, list[Entry]]] = {}
        for row in rows:
            total, unread, items = grouped.setdefault(row["roundup"], (row["items"], row["unread"], []))
            if not row["read"]:
                items.append(_entry(row))
        return grouped

    def hidden_page(self, offset: int = 0, limit: int = 50) -> list[tuple[Entry, str | None]]:
        """Promotions and duplicates, newest first, each with the title of the entry it duplicates."""
        rows = self.conn.execute(
            f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source, o.title AS original
                FROM entries e LEFT JOIN sources s ON s.id = e.source_id LEFT JOIN entries o ON o.id = e.duplicate_of
                WHERE e.promo = 1 OR e.duplicate_of IS NOT NULL
                ORDER BY e.sort_date DESC, e.id DESC LIMIT {int(limit)} OFFSET {int(offset)}"""
        ).fetchall()
        return [(_entry(row), row["original"]) for row in rows]

    def restore_hidden(self, entry_id: int) -> None:
        """Back into the inbox: not a promotion (the user's verdict, kept by enrich) and not a duplicate."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                """UPDATE entries SET promo = 0, promo_origin = CASE WHEN promo = 1 THEN 'user' ELSE promo_origin END,
                       duplicate_of = NULL WHERE id = ?""",
                (entry_id,),
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no entry with id {entry_id}; nothing was restored")
