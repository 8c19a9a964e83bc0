"""What each digest and readme month published, and when; starred picks nothing has published yet."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from blogreader.clock import utc_now
from blogreader.models import Entry
from blogreader.store.collection import MONTH_ONLY, _entries
from blogreader.store.database import transaction
from blogreader.store.entries import _LIST_COLUMNS

_CHUNK = 500  # ids per IN (...) list: under SQLite's variable limit


@dataclass(frozen=True)
class Publication:
    """One output that carried an entry (or a copy of its story): "digest" of "2026-W15", "readme" of "2026-03"."""

    output: str
    period: str
    published_at: str


class PublishedQueries:
    """Mixin of Store: the record of publications, which keeps a digest from offering anything twice."""

    conn: sqlite3.Connection

    def record_published(self, output: str, period: str, entry_ids: list[int], now: str | None = None) -> int:
        """Note that `output` for `period` carried `entry_ids`; a second publish keeps the first date. Returns new rows."""
        now = now or utc_now()
        rows = [(entry_id, output, period, now) for entry_id in dict.fromkeys(entry_ids)]
        if not rows:
            return 0
        with transaction(self.conn):
            return self.conn.executemany(  # rowcount: the rows inserted, summed over the executions
                "INSERT INTO published (entry_id, output, period, published_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING", rows).rowcount

    def publications(self, entry_ids: list[int]) -> dict[int, list[Publication]]:
        """Every publication of each entry's story (the entry and its near-duplicate copies), oldest first."""
        roots: dict[int, int] = {}
        ids = list(dict.fromkeys(entry_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            roots.update(self.conn.execute(
                f"SELECT id, coalesce(duplicate_of, id) FROM entries WHERE id IN ({marks})", chunk).fetchall())
        members: dict[int, int] = {}  # entry id -> its story's root, for every copy of those stories
        story_roots = list(set(roots.values()))
        for start in range(0, len(story_roots), _CHUNK):
            chunk = story_roots[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            members.update(self.conn.execute(
                f"""SELECT id, coalesce(duplicate_of, id) FROM entries
                    WHERE id IN ({marks}) OR duplicate_of IN ({marks})""", chunk + chunk).fetchall())
        by_root: dict[int, list[Publication]] = {}
        copies = list(members)
        for start in range(0, len(copies), _CHUNK):
            chunk = copies[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for entry_id, output, period, when in self.conn.execute(
                    f"""SELECT entry_id, output, period, published_at FROM published
                        WHERE entry_id IN ({marks}) ORDER BY published_at, period""", chunk):
                by_root.setdefault(members[entry_id], []).append(Publication(output, period, when))
        return {entry_id: sorted(set(by_root.get(root, [])), key=lambda p: (p.published_at, p.period))
                for entry_id, root in roots.items() if by_root.get(root)}

    def starred_picks(self, since: str, until: str) -> list[Entry]:
        """Starred picks picked in [since, until) with a real date (not a list's month), in picked order."""
        cursor = self.conn.execute(
            f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source FROM entries e
                LEFT JOIN sources s ON s.id = e.source_id
                WHERE e.picked = 1 AND e.starred = 1 AND NOT {MONTH_ONLY} AND e.picked_at >= ? AND e.picked_at < ?
                ORDER BY e.picked_at, e.id""", (since, until))
        return _entries(cursor)
