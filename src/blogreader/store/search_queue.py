"""The search-index rows of a fetch's batch, written together just before the batch commits.

FTS5 writes out the terms it holds at every statement that fires a trigger and at every savepoint, so a post
indexed by the insert trigger became a small index segment of its own, and merges followed: measured, storing
a post took 147 µs with the trigger and 57 µs without it, where the same rows indexed in one statement cost
about 30 µs more. Inside a batch (store.database.Batch) the triggers of migration 0020 leave each new post to
this queue, and the batch writes the queued rows in one statement before its COMMIT: a post and its index row
become durable together, and no other connection ever sees one without the other.

Every other connection, and every write outside a batch, indexes through the triggers as before. A queued
post changed or deleted before the batch commits is read back from its row, or skipped when it is gone (a
unit rolled back to its savepoint takes its posts with it, and their ids may be given again).

The same queue serves writes that change the indexed words of many stored posts at once (`rewritten`: saving
a window of summaries): their index rows are taken out in one statement, the posts are queued, and they are
written back in one statement, where the update trigger rewrote each post's row, a segment each.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager

_INSERT = "INSERT INTO entries_fts (rowid, title, summary, text, note) VALUES (?, ?, ?, ?, ?)"
_TAKE_OUT = """INSERT INTO entries_fts (entries_fts, rowid, title, summary, text, note)
               SELECT 'delete', id, title, summary, post_text(text, content_html), note FROM entries
               WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"""
_READ_BACK = """INSERT INTO entries_fts (rowid, title, summary, text, note)
                SELECT id, title, summary, post_text(text, content_html), note FROM entries
                WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"""


class SearchQueue:
    """The posts inserted since the batch began whose index rows are not written yet."""

    def __init__(self) -> None:
        self.open = False
        self.rows: dict[int, tuple | None] = {}  # entry id -> (title, summary, text, note), or None: read it back

    def takes(self, entry_id: int) -> int:
        """SQL `search_queue_takes(new.id)`, the insert trigger's WHEN: 1 when the batch indexes the post."""
        if not self.open:
            return 0
        self.rows[entry_id] = None  # a reused id: whatever was said of the earlier row no longer holds
        return 1

    def holds(self, entry_id: int) -> int:
        """SQL `search_queue_holds(old.id)`, the update and delete triggers' WHEN: the post is not indexed yet,
        so there is no index row to take out; its row is read back when the batch writes."""
        if entry_id in self.rows:
            self.rows[entry_id] = None
            return 1
        return 0

    def describe(self, entry_id: int, title: str | None, summary: str | None, text: str | None,
                 note: str | None = None) -> None:
        """The words just stored for a queued post, so the batch need not read (and unpack) them back."""
        if entry_id in self.rows:
            self.rows[entry_id] = (title, summary, text, note)

    def write(self, conn: sqlite3.Connection) -> None:
        """Index every queued post that still exists, in the caller's open transaction."""
        rows, self.rows, self.open = self.rows, {}, False
        if not rows:
            return
        ids = sorted(rows)
        present = {row[0] for row in conn.execute(
            "SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
        described = [(entry_id, *rows[entry_id]) for entry_id in ids if entry_id in present and rows[entry_id]]
        conn.executemany(_INSERT, described)
        unknown = [entry_id for entry_id in ids if entry_id in present and rows[entry_id] is None]
        if unknown:
            conn.execute(_READ_BACK, (json.dumps(unknown),))

    def discard(self) -> None:
        """The transaction ended without its posts (rolled back): nothing to index."""
        self.rows, self.open = {}, False


@contextmanager
def rewritten(conn: sqlite3.Connection, ids: list[int]):
    """Inside the caller's transaction, around writes that change the indexed words of the stored posts `ids`:
    their index rows are taken out before and written again after, each in one statement. A connection
    without a queue (PostgreSQL), or whose queue is already in use (a fetch's batch), indexes through the
    triggers instead. On an error the queue is emptied and the caller's rollback restores the index rows."""
    queue: SearchQueue | None = getattr(conn, "search_queue", None)
    if queue is None or queue.open or queue.rows or not ids:
        yield
        return
    conn.execute(_TAKE_OUT, (json.dumps(sorted(ids)),))
    queue.rows = dict.fromkeys(ids)  # none described: each is read back from its row when written
    try:
        yield
        queue.write(conn)
    finally:
        queue.discard()


def register_search_queue(conn: sqlite3.Connection, queue: SearchQueue) -> None:
    """The functions the search-index triggers of migration 0020 call. A queue that is never opened leaves
    every post to the triggers, as another program writing to a library needs."""
    conn.create_function("search_queue_takes", 1, queue.takes, deterministic=False)
    conn.create_function("search_queue_holds", 1, queue.holds, deterministic=False)
