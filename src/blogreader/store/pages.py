"""Reads the web pages need beyond the CLI's: a page of entries, neighbours, roundups, months picked.

Each is one query whose cost does not depend on how many rows it could return beyond its limit.
"""

from __future__ import annotations

import sqlite3

from blogreader.models import Entry
from blogreader.store.dialect import distinct_values
from blogreader.store.entries import _LIST_COLUMNS, EntryFilter, _entry, _where
from blogreader.store.triage import inbox_where


class PageQueries:
    """Mixin of Store: what the web app reads."""

    conn: sqlite3.Connection

    def entries_page(self, spec: EntryFilter, offset: int = 0, *, oldest_first: bool = False,
                     grouped: bool = False) -> list[Entry]:
        """Entries matching `spec`, newest (or oldest) first, `spec.limit` of them after skipping `offset`;
        `grouped` leaves out roundup items, which their roundup stands for."""
        where, params = inbox_where(spec, grouped, self.conn)
        limit = int(spec.limit or 50)
        order = "ASC" if oldest_first else "DESC"
        rows = self.conn.execute(
            f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source FROM entries e
                LEFT JOIN sources s ON s.id = e.source_id
                WHERE {where} ORDER BY e.sort_date {order}, e.id {order} LIMIT {limit} OFFSET {int(offset)}""",
            params,
        ).fetchall()
        return [_entry(row) for row in rows]

    def count_upto(self, spec: EntryFilter, cap: int, *, grouped: bool = False) -> int:
        """How many entries match `spec`, counting no further than `cap` + 1 (so "1000+" costs what 1000 does)."""
        where, params = inbox_where(spec, grouped, self.conn)
        return self.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM entries e WHERE {where} LIMIT {int(cap) + 1}) AS capped", params
        ).fetchone()[0]

    def category_names(self) -> list[str]:
        """Every category in use, from the category index alone (no table rows read)."""
        in_use = distinct_values(self.conn, "entries", "category")
        rows = self.conn.execute(f"SELECT category FROM {in_use} AS in_use").fetchall()
        return sorted((row[0] for row in rows), key=str.casefold)

    def neighbours(self, entry_id: int, spec: EntryFilter) -> tuple[int | None, int | None]:
        """(newer, older): the ids next to `entry_id` in the listing `spec` describes, in one query."""
        where, params = _where(spec, self.conn)
        params = {**params, "entry_id": entry_id}
        here = "(SELECT sort_date FROM entries WHERE id = :entry_id)"
        row = self.conn.execute(
            f"""SELECT
                  (SELECT e.id FROM entries e WHERE {where} AND (e.sort_date > {here}
                       OR (e.sort_date = {here} AND e.id > :entry_id))
                   ORDER BY e.sort_date ASC, e.id ASC LIMIT 1),
                  (SELECT e.id FROM entries e WHERE {where} AND (e.sort_date < {here}
                       OR (e.sort_date = {here} AND e.id < :entry_id))
                   ORDER BY e.sort_date DESC, e.id DESC LIMIT 1)""",
            params,
        ).fetchone()
        return row[0], row[1]

    def roundups_of(self, entry_id: int) -> list[tuple[int, str]]:
        """(id, title) of the roundup posts that recommend `entry_id`."""
        rows = self.conn.execute(
            """SELECT e.id, e.title FROM mentions m JOIN entries e ON e.id = m.roundup_id
               WHERE m.entry_id = ? ORDER BY e.id""",
            (entry_id,),
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def picked_months(self) -> list[tuple[str, int]]:
        """("2026-03", count) for every month something was picked in, newest first."""
        rows = self.conn.execute(
            """SELECT substr(picked_at, 1, 7) AS month, count(*) FROM entries
               WHERE picked = 1 AND picked_at IS NOT NULL GROUP BY month ORDER BY month DESC"""
        ).fetchall()
        return [(row[0], row[1]) for row in rows]
