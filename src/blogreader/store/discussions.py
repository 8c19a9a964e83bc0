"""Papers and the posts about them: which works a stored post discusses (dedupe.discussed), kept by the work's
one address, and read from either side: a paper's entry lists the posts about it, a post the papers it is about.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from blogreader.dedupe.discussed import discussed_works
from blogreader.store.database import transaction
from blogreader.store.packed_posts import unpack_html

# The meta key naming the rules stored posts were last read by; bump the value when dedupe.discussed changes,
# so posts stored before are read again at the next fetch.
DISCUSSIONS_READ = ("discussions_read", "1")
_BATCH = 200


@dataclass(frozen=True)
class Discussion:
    """One side of a post-about-a-paper link: the other entry (None: the paper is not in the library), its
    title and address, and why the post is taken to be about the paper."""

    entry_id: int | None
    title: str
    url: str | None
    source: str | None
    date: str | None
    reason: str  # opening, closing or repeated (dedupe.discussed)
    links: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Discussions:
    """What an entry is in this relation: the posts about it (a paper), and the papers it is about (a post)."""

    discussed_by: list[Discussion]
    discusses: list[Discussion]


class DiscussionQueries:
    """Mixin of Store: posts about papers."""

    conn: sqlite3.Connection

    def link_discussions(self, entries, saved) -> int:
        """After a fetch stored `entries` (with `saved`, the SaveOutcome of save_entries, and roundups split):
        each new or changed post is linked to the papers it discusses; returns how many links were made."""
        changed = set(saved.changed_ids)
        posts = [(entry_id, entry.content_html, entry.url, entry.discusses)
                 for entry, entry_id in zip(entries, saved.ids) if entry_id in changed]
        with transaction(self.conn):
            self._read_stored_posts()
            return self._link(posts)

    def link_post_discussions(self, post_id: int, html: str, url: str | None) -> int:
        """Link one post whose text changed outside a fetch's store (a teaser completed later) to the papers
        it discusses; a roundup (its items are mentions) has none. Returns how many links were made."""
        with transaction(self.conn):
            self._read_stored_posts()
            return self._link([(post_id, html, url, None)])

    def discussions_of(self, entry_id: int) -> Discussions:
        """The posts about `entry_id` (oldest first) and the papers it is about, in one query."""
        rows = self.conn.execute(
            """SELECT 'by' AS side, p.id AS entry_id, p.title, p.url, coalesce(s.title, s.url) AS source,
                      p.sort_date AS date, d.reason, d.links, d.work_url
               FROM entries w JOIN discussions d ON d.work_url = w.canonical_url
               JOIN entries p ON p.id = d.post_id LEFT JOIN sources s ON s.id = p.source_id
               WHERE w.id = :id AND p.id != w.id AND p.duplicate_of IS NULL
               UNION ALL
               SELECT 'about', w.id, coalesce(w.title, d.work_url), coalesce(w.url, d.work_url),
                      coalesce(s.title, s.url), w.sort_date, d.reason, d.links, d.work_url
               FROM discussions d LEFT JOIN entries w ON w.canonical_url = d.work_url
               LEFT JOIN sources s ON s.id = w.source_id
               WHERE d.post_id = :id
               ORDER BY side, date, entry_id""",
            {"id": entry_id},
        ).fetchall()
        fields = ("entry_id", "title", "url", "source", "date", "reason", "links")
        by = [Discussion(*(row[name] for name in fields)) for row in rows if row["side"] == "by"]
        about = [Discussion(*(row[name] for name in fields)) for row in rows if row["side"] == "about"]
        return Discussions(by, about)

    def _link(self, posts: list[tuple[int, str | None, str | None, tuple | None]]) -> int:
        """Replace each post's links to the papers it discusses (read already when the last item is not None);
        a roundup (its items are mentions) has none."""
        made = 0
        for post_id, html, url, read in posts:
            self.conn.execute("DELETE FROM discussions WHERE post_id = ?", (post_id,))
            if self.conn.execute("SELECT 1 FROM mentions WHERE roundup_id = ? LIMIT 1", (post_id,)).fetchone():
                continue
            found = discussed_works(html, url, url) if read is None else read
            self.conn.executemany(
                "INSERT INTO discussions (post_id, work_url, reason, links) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(post_id, item.work, item.reason, item.links) for item in found],
            )
            made += len(found)
        return made

    def _read_stored_posts(self) -> None:
        """Once per version of the rules: every stored post is read for the papers it discusses (a library
        made before this, or by older rules), a batch at a time."""
        key, version = DISCUSSIONS_READ
        done = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if done and done[0] == version:
            return
        last = 0
        while True:
            rows = self.conn.execute(
                """SELECT id, content_html, url FROM entries WHERE id > ? AND kind = 'post' AND content_html != ''
                   ORDER BY id LIMIT ?""", (last, _BATCH)).fetchall()
            if not rows:
                break
            self._link([(row[0], unpack_html(row[1]), row[2], None) for row in rows])
            last = rows[-1][0]
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, version))
