"""Mentions: each roundup's recommendation of a work, with the rank, title and blurb that roundup gave it.

A work (a paper, a post) is one entry however many roundups name it; what each roundup said about it is
a row of its own, so no roundup can change what another one shows.
"""

from __future__ import annotations

import json
import sqlite3

from blogreader.clock import utc_now
from blogreader.dedupe.works import work_url
from blogreader.models import Entry, NewEntry
from blogreader.store.database import transaction
from blogreader.store.dialect import in_json_list, is_postgres
from blogreader.store.discussions import DiscussionQueries
from blogreader.store.entries import _ENTRY_FIELDS, _entry
from blogreader.store.packed_posts import stored_post

# How an item reads under one roundup: that roundup's title (unless the user retitled the work), rank,
# recommender and blurb (as `text`); the work's summary only when it was made from this very blurb or written
# by the user. Under any other roundup it has none: the summary was made from another roundup's words (perhaps
# a stranger's, which must not show under a trusted one), and the raw blurb, several sentences and a line of
# links ("Reddit", "PR"), would break the rules every summary keeps. The blurb shows as the item's text.
# A bare link's text read from its own page (`read_item_page`, which notes the page's address) is no roundup's words.
_MADE_HERE = ("e.summary_origin IN ('user', 'import') OR post_text(e.text, e.content_html) = m.blurb"
              " OR (e.kind = 'link' AND e.page_canonical IS NOT NULL)")
_SHOWN_UNDER_ROUNDUP = {
    "title": "CASE WHEN e.title_origin IN ('user', 'import') THEN e.title ELSE m.title END AS title",
    "rank": "m.rank AS rank",
    "source_id": "m.source_id AS source_id",
    "summary": f"CASE WHEN {_MADE_HERE} THEN e.summary END AS summary",
    "summary_origin": f"CASE WHEN {_MADE_HERE} THEN e.summary_origin END AS summary_origin",
    "text": "m.blurb AS text",
}
_ITEM_COLUMNS = ", ".join(
    _SHOWN_UNDER_ROUNDUP.get(name, f"e.{name}") for name in _ENTRY_FIELDS if name not in ("source", "content_html")
)


# The meta key naming the identity rules stored addresses were last folded by; bump the value when the
# rules of dedupe.works learn a new shape, so entries stored before are found under their work's address.
WORKS_FOLDED = ("works_folded", "2")


class MentionQueries(DiscussionQueries):
    """Mixin of Store: roundup items as mentions of works (and, through DiscussionQueries, posts about them)."""

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
                    html, text = stored_post(item.content_html, item.text, is_postgres(self.conn))
                    entry_id = self._insert(source_id, item, html, text, now)
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
            self.conn.execute(  # the roundup's other mentions go (a JSON list: PostgreSQL has no empty IN ())
                f"DELETE FROM mentions WHERE roundup_id = ? AND entry_id NOT {in_json_list(self.conn, '?')}",
                (parent_id, json.dumps(ids)))
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
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, version))

    def _merge_work(self, keeper: int, copy: int) -> None:
        """`copy` is `keeper`'s work stored twice: its mentions and sources go to `keeper`, and it is hidden as a
        duplicate (kept, not deleted); a copy the user picked, starred or annotated is left as it is."""
        kept_by_user = self.conn.execute(
            "SELECT 1 FROM entries WHERE id = ? AND (picked = 1 OR starred = 1 OR note IS NOT NULL)", (copy,)).fetchone()
        if kept_by_user:
            return
        # A roundup naming both copies keeps its mention of the keeper; the copy's stays with the copy.
        self.conn.execute("""UPDATE mentions SET entry_id = :keeper WHERE entry_id = :copy AND NOT EXISTS (
                                 SELECT 1 FROM mentions o WHERE o.roundup_id = mentions.roundup_id
                                 AND o.entry_id = :keeper)""", {"keeper": keeper, "copy": copy})
        self.conn.execute("""INSERT INTO entry_sources (entry_id, source_id, guid)
                             SELECT ?, source_id, guid FROM entry_sources WHERE entry_id = ?
                             ON CONFLICT DO NOTHING""", (keeper, copy))
        self.conn.execute("UPDATE entries SET duplicate_of = ? WHERE id = ? AND duplicate_of IS NULL", (keeper, copy))
