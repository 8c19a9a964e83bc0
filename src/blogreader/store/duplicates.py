"""Near-duplicates in the store: copies of one post under several addresses, one shown, the rest linked to it."""

from __future__ import annotations

import sqlite3

from blogreader.dedupe.fingerprint import text_fingerprint
from blogreader.dedupe.originals import Copy, original
from blogreader.models import NewEntry


def link_near_duplicate(conn: sqlite3.Connection, entry_id: int, entry: NewEntry) -> None:
    """Link a new entry whose opening words match a stored one's: the original (by structure) is shown,
    the other copies point to it (`duplicate_of`); what the user did on either copy stays where it is."""
    if entry.page_canonical:
        conn.execute("UPDATE entries SET page_canonical = ? WHERE id = ?", (entry.page_canonical, entry_id))
    mark = text_fingerprint(entry.text)
    if mark is None:
        return
    shown = conn.execute(
        "SELECT id FROM entries WHERE fingerprint = ? AND id != ? AND duplicate_of IS NULL ORDER BY id LIMIT 1",
        (mark, entry_id),
    ).fetchone()
    if shown is None:
        conn.execute("UPDATE entries SET fingerprint = ?, duplicate_of = NULL WHERE id = ?", (mark, entry_id))
        return
    if original(_copy(conn, shown[0]), _copy(conn, entry_id)).id != entry_id:
        conn.execute("UPDATE entries SET fingerprint = ?, duplicate_of = ? WHERE id = ?", (mark, shown[0], entry_id))
        return
    # The new copy is the original, though it came later: every copy now points to it. A copy the user
    # already read makes the original read too, so the same post does not come back to the inbox.
    conn.execute("UPDATE entries SET duplicate_of = ? WHERE fingerprint = ? AND id != ?", (entry_id, mark, entry_id))
    conn.execute(
        """UPDATE entries SET fingerprint = ?, duplicate_of = NULL,
               read = CASE WHEN EXISTS (SELECT 1 FROM entries WHERE duplicate_of = ? AND read = 1) THEN 1 ELSE read END
           WHERE id = ?""",
        (mark, entry_id, entry_id),
    )


def _copy(conn: sqlite3.Connection, entry_id: int) -> Copy:
    """The entry as a copy: its address, its page's canonical, and the sites of every source carrying it."""
    row = conn.execute("SELECT url, page_canonical FROM entries WHERE id = ?", (entry_id,)).fetchone()
    sites = conn.execute(
        """SELECT site_url, url FROM sources WHERE id = (SELECT source_id FROM entries WHERE id = :id)
               OR id IN (SELECT source_id FROM entry_sources WHERE entry_id = :id)""",
        {"id": entry_id},
    ).fetchall()
    return Copy(entry_id, row[0], tuple(address for site in sites for address in site if address), row[1])
