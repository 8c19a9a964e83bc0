"""Mentions: each roundup's recommendation of a work, with the rank, title and blurb that roundup gave it.

A work (a paper, a post) is one entry however many roundups name it; what each roundup said about it is
a row of its own, so no roundup can change what another one shows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from blogreader.clock import utc_now
from blogreader.dedupe.works import work_url
from blogreader.models import Entry, NewEntry
from blogreader.store.database import transaction
from blogreader.store.entries import _ENTRY_FIELDS, _LIST_COLUMNS, _entry

# How an item reads under one roundup: that roundup's title (unless the user retitled the work), rank,
# recommender and blurb (as `text`); the work's summary only when it was made from this very blurb or
# written by the user, else the blurb itself.
_SHOWN_UNDER_ROUNDUP = {
    "title": "CASE WHEN e.title_origin IN ('user', 'import') THEN e.title ELSE m.title END AS title",
    "rank": "m.rank AS rank",
    "source_id": "m.source_id AS source_id",
    "summary": "CASE WHEN e.summary_origin IN ('user', 'import') OR e.text = m.blurb THEN e.summary "
               "ELSE m.blurb END AS summary",
    "summary_origin": "CASE WHEN e.summary_origin IN ('user', 'import') OR e.text = m.blurb THEN e.summary_origin "
                      "ELSE 'roundup' END AS summary_origin",
    "text": "m.blurb AS text",
}
_ITEM_COLUMNS = ", ".join(
    _SHOWN_UNDER_ROUNDUP.get(name, f"e.{name}") for name in _ENTRY_FIELDS if name not in ("source", "content_html")
)


# The meta key naming the identity rules stored addresses were last folded by; bump the value when the
# rules of dedupe.works learn a new shape, so entries stored before are found under their work's address.
WORKS_FOLDED = ("works_folded", "1")
# A recommender is the source whose roundup named the work; a roundup saved by hand (no source) is its own.
_RECOMMENDER = "coalesce('s' || m.source_id, 'r' || m.roundup_id)"


@dataclass(frozen=True)
class Mention:
    """One recommendation of a work: who made it (source and roundup), at what rank, and what they said."""

    source: str | None
    source_id: int | None
    roundup_id: int
    roundup_title: str
    roundup_url: str | None
    rank: int | None
    title: str
    blurb: str
    added: str

    @property
    def recommender(self) -> str:
        """Who recommends: the source, or (for a roundup saved by hand, with no source) the roundup itself."""
        return f"source {self.source_id}" if self.source_id is not None else f"roundup {self.roundup_id}"

    def to_json(self) -> dict:
        data = asdict(self)
        del data["roundup_url"]
        return data


class MentionQueries:
    """Mixin of Store: roundup items as mentions of works."""

    conn: sqlite3.Connection

    def save_items(self, parent_id: int, items: list[tuple[int, NewEntry]]) -> list[int]:
        """Store a roundup's items (rank, entry): the work is one entry however linked, and this roundup's
        rank, title and blurb for it are a mention of its own; returns the works' ids in order."""
        ids: list[int] = []
        named: set[int] = set()
        now = utc_now()
        with transaction(self.conn):
            self._fold_stored_works()
            source_id = self.conn.execute("SELECT source_id FROM entries WHERE id = ?", (parent_id,)).fetchone()[0]
            for position, (rank, item) in enumerate(items):
                existing = self._find_existing(None, item) or self._named_canonical(item)
                if existing is None:
                    entry_id = self._insert(source_id, item, now)
                    self.conn.execute("UPDATE entries SET kind = 'link', parent_id = ?, rank = ? WHERE id = ?",
                                      (parent_id, rank, entry_id))
                else:
                    entry_id = existing[0]
                if entry_id == parent_id or entry_id in named:
                    continue  # a roundup that links to itself, or names one work twice (the first counts)
                self.conn.execute(
                    """INSERT INTO mentions (entry_id, roundup_id, source_id, rank, position, title, blurb, added)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (roundup_id, entry_id) DO UPDATE SET source_id = excluded.source_id,
                           rank = excluded.rank, position = excluded.position, title = excluded.title,
                           blurb = excluded.blurb""",
                    (entry_id, parent_id, source_id, rank, position, item.title, item.text, now),
                )
                ids.append(entry_id)
                named.add(entry_id)
            marks = ", ".join("?" * len(ids))
            self.conn.execute(f"DELETE FROM mentions WHERE roundup_id = ? AND entry_id NOT IN ({marks})",
                              (parent_id, *ids))
        return ids

    def children(self, parent_id: int) -> list[Entry]:
        """A roundup's items in the order printed, each as this roundup gave it: rank, title, recommender, blurb."""
        rows = self.conn.execute(
            f"""SELECT {_ITEM_COLUMNS}, coalesce(s.title, s.url) AS source
                FROM mentions m JOIN entries e ON e.id = m.entry_id
                LEFT JOIN sources s ON s.id = m.source_id WHERE m.roundup_id = ? ORDER BY m.position""",
            (parent_id,),
        ).fetchall()
        return [_entry(row) for row in rows]

    def parents(self, entry_id: int) -> list[int]:
        """The roundups that name `entry_id`, oldest first."""
        rows = self.conn.execute("SELECT roundup_id FROM mentions WHERE entry_id = ? ORDER BY roundup_id", (entry_id,))
        return [row[0] for row in rows]

    def _named_canonical(self, item: NewEntry) -> tuple[int, str] | None:
        """The stored work whose own page names this link as its canonical address (a cross-post's other home)."""
        if not item.url:
            return None
        row = self.conn.execute(
            "SELECT id, content_hash FROM entries WHERE page_canonical IN (?, ?) ORDER BY id LIMIT 1",
            (item.url, item.canonical_url or item.url),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def mentions_of(self, entry_id: int) -> list[Mention]:
        """Every recommendation of `entry_id`, oldest roundup first, each as its roundup gave it."""
        rows = self.conn.execute(
            """SELECT coalesce(s.title, s.url) AS source, m.source_id, m.roundup_id, r.title AS roundup_title,
                      r.url AS roundup_url, m.rank, m.title, m.blurb, m.added
               FROM mentions m JOIN entries r ON r.id = m.roundup_id LEFT JOIN sources s ON s.id = m.source_id
               WHERE m.entry_id = ? ORDER BY r.sort_date, m.roundup_id""",
            (entry_id,),
        ).fetchall()
        return [Mention(**dict(row)) for row in rows]

    def recommended_by(self, entry_id: int) -> int:
        """How many distinct recommenders (sources) name `entry_id`."""
        return self.conn.execute(f"SELECT count(DISTINCT {_RECOMMENDER}) FROM mentions m WHERE m.entry_id = ?",
                                 (entry_id,)).fetchone()[0]

    def most_recommended(self, since: str | None = None, limit: int | None = 50) -> list[tuple[Entry, int]]:
        """Works named by the most distinct recommenders (in roundups dated on or after `since`), with the count;
        ties go to the most recently recommended. Promotions and duplicates are left out, as in listings."""
        rows = self.conn.execute(
            f"""WITH counted AS (
                    SELECT m.entry_id, count(DISTINCT {_RECOMMENDER}) AS recommenders, max(r.sort_date) AS latest
                    FROM mentions m JOIN entries r ON r.id = m.roundup_id
                    WHERE :since IS NULL OR r.sort_date >= :since GROUP BY m.entry_id)
                SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source, c.recommenders
                FROM counted c JOIN entries e ON e.id = c.entry_id LEFT JOIN sources s ON s.id = e.source_id
                WHERE e.promo = 0 AND e.duplicate_of IS NULL
                ORDER BY c.recommenders DESC, c.latest DESC, e.id DESC LIMIT :limit""",
            {"since": since, "limit": -1 if not limit else int(limit)},
        ).fetchall()
        return [(_entry(row), row["recommenders"]) for row in rows]

    def recommender_names(self, entry_ids: list[int]) -> dict[int, list[str]]:
        """For each of `entry_ids`, the names of its distinct recommenders, in the order they first named it."""
        found: dict[int, list[str]] = {entry_id: [] for entry_id in entry_ids}
        for start in range(0, len(entry_ids), 500):  # under SQLite's limit on bound parameters
            chunk = entry_ids[start:start + 500]
            rows = self.conn.execute(
                f"""SELECT m.entry_id, coalesce(s.title, s.url, r.title) AS name
                    FROM mentions m JOIN entries r ON r.id = m.roundup_id LEFT JOIN sources s ON s.id = m.source_id
                    WHERE m.entry_id IN ({", ".join("?" * len(chunk))})
                    GROUP BY m.entry_id, {_RECOMMENDER} ORDER BY m.entry_id, min(r.sort_date), min(m.id)""",
                chunk,
            ).fetchall()
            for entry_id, name in rows:
                found[entry_id].append(name)
        return found

    def _fold_stored_works(self) -> None:
        """Once per version of the identity rules: entries stored under older rules (a Hugging Face page, a DOI
        landing page) take their work's address, so a new mention finds them; a second entry for a work
        already stored is linked to it as a duplicate, its mentions and sources moved, unless the user kept it."""
        key, version = WORKS_FOLDED
        done = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if done and done[0] == version:
            return
        rows = self.conn.execute("SELECT id, url, canonical_url FROM entries WHERE url IS NOT NULL ORDER BY id")
        for entry_id, url, stored in rows.fetchall():
            work = work_url(url)
            if not work or work == stored:
                continue
            keeper = self.conn.execute("SELECT id FROM entries WHERE canonical_url = ?", (work,)).fetchone()
            if keeper is None:
                self.conn.execute("UPDATE entries SET canonical_url = ? WHERE id = ?", (work, entry_id))
            else:
                self._merge_work(keeper[0], entry_id)
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, version))

    def _merge_work(self, keeper: int, copy: int) -> None:
        """`copy` is `keeper`'s work stored twice: its mentions and sources go to `keeper`, and it is hidden as a
        duplicate (kept, not deleted); a copy the user picked, starred or annotated is left as it is."""
        kept_by_user = self.conn.execute(
            "SELECT 1 FROM entries WHERE id = ? AND (picked = 1 OR starred = 1 OR note IS NOT NULL)", (copy,)).fetchone()
        if kept_by_user:
            return
        # A roundup naming both copies keeps its mention of the keeper; the copy's stays with the copy.
        self.conn.execute("UPDATE OR IGNORE mentions SET entry_id = ? WHERE entry_id = ?", (keeper, copy))
        self.conn.execute("""INSERT OR IGNORE INTO entry_sources (entry_id, source_id, guid)
                             SELECT ?, source_id, guid FROM entry_sources WHERE entry_id = ?""", (keeper, copy))
        self.conn.execute("UPDATE entries SET duplicate_of = ? WHERE id = ? AND duplicate_of IS NULL", (keeper, copy))
