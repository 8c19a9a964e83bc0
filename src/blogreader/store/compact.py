"""`compact`: a SQLite library written by earlier versions, made as small as one written today.

Three things only an older library holds, or that deleting leaves behind:
- posts stored as plain HTML or plain text before posts were packed (packed_posts.py): each is packed, and
  checked to unpack to the very same strings before it is written (a text rewritten is indexed again for
  search, to the same words);
- a description-only feed's post stored twice, its description kept as `feed_summary` beside the same text
  (before such a post was stored once, as the text): the copy is dropped where it reads exactly as the text,
  except a teaser's, which a fetch keeps as the summary today too;
- near-duplicate band rows past the BANDS that are read (libraries made when there were 64), and rows whose
  entry is gone (an entry's bands are deleted by their keys; a band left by a text changed by another program
  is found here): deleted;
- pages that deletes and rewrites freed: given back to the file system (VACUUM).

The first three run a batch per transaction, so a fetch or the web app running meanwhile waits a moment
at most; VACUUM rewrites the whole file at once, holds every writer off while it does, and needs free
disk as large as the library. A compaction stopped halfway loses nothing: what was packed reads the same,
and running it again finishes the rest.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from blogreader.errors import StoreError
from blogreader.store.database import busy_error, is_busy, transaction
from blogreader.store.packed_posts import PACK_FROM, pack_post, unpack_html, unpack_text

POSTS_PER_BATCH = 500
BAND_ROWS_PER_BATCH = 20_000


@dataclass(frozen=True)
class Compaction:
    """What `compact` did, and the library's size on disk before and after."""

    bytes_before: int
    bytes_after: int
    posts_packed: int
    descriptions_dropped: int
    band_rows_dropped: int

    def summary(self) -> str:
        return (f"{_megabytes(self.bytes_before)} -> {_megabytes(self.bytes_after)}: "
                f"{self.posts_packed:,} posts packed, {self.descriptions_dropped:,} descriptions repeating their "
                f"post dropped, {self.band_rows_dropped:,} unused band rows dropped")


def compact_library(conn: sqlite3.Connection, database: Path) -> Compaction:
    """Pack, drop and VACUUM the SQLite library open on `conn`, whose file is `database`."""
    before = library_size(conn, database)
    try:
        packed = pack_stored_posts(conn)
        descriptions = drop_repeated_descriptions(conn)
        dropped = drop_unread_bands(conn)
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise busy_error(exc) from None
        raise StoreError(f"compacting {database} stopped ({exc}); nothing is lost, and what was done stays done; "
                         "free some disk space (VACUUM needs as much as the library) and run compact again") from None
    return Compaction(before, library_size(conn, database), packed, descriptions, dropped)


def pack_stored_posts(conn: sqlite3.Connection) -> int:
    """Pack every post whose HTML or text is still stored plain; how many were packed."""
    packed, last = 0, 0
    while True:
        with transaction(conn):
            rows = conn.execute(
                "SELECT id, content_html, text FROM entries WHERE id > :last "
                "AND ((typeof(content_html) = 'text' AND length(content_html) >= :least) "
                "OR (typeof(content_html) = 'blob' AND typeof(text) = 'text' AND length(text) >= :least)) "
                "ORDER BY id LIMIT :batch", {"last": last, "least": PACK_FROM, "batch": POSTS_PER_BATCH}).fetchall()
            for entry_id, stored_html, text in rows:
                html = unpack_html(stored_html)
                value, packed_text = pack_post(html, text)
                # lossless by design; checked all the same before the plain copy goes
                if unpack_html(value) != html or unpack_text(packed_text, html) != text:
                    raise StoreError(f"entry {entry_id}: its packed post did not read back the same; nothing of it "
                                     "was changed; please report this")
                conn.execute("UPDATE entries SET content_html = ?, text = ? WHERE id = ?", (value, packed_text, entry_id))
        if not rows:
            return packed
        packed += len(rows)
        last = rows[-1][0]


def drop_repeated_descriptions(conn: sqlite3.Connection) -> int:
    """Drop every `feed_summary` that is its post's own text again (what versions before a description-only
    feed's post was stored once left), but a teaser's; how many were dropped. Nothing is re-indexed: search
    reads the text, not this column."""
    from blogreader.normalize.entry import is_teaser

    dropped, last = 0, 0
    while True:
        with transaction(conn):
            rows = conn.execute(
                "SELECT id, url, feed_summary, post_text(text, content_html), word_count FROM entries "
                "WHERE id > ? AND feed_summary IS NOT NULL AND length(feed_summary) >= ? ORDER BY id LIMIT ?",
                (last, PACK_FROM, POSTS_PER_BATCH)).fetchall()
            repeated = [(entry_id,) for entry_id, url, description, text, words in rows
                        if description == text and not (url and is_teaser(text, words))]
            conn.executemany("UPDATE entries SET feed_summary = NULL WHERE id = ?", repeated)
        if not rows:
            return dropped
        dropped += len(repeated)
        last = rows[-1][0]


def drop_unread_bands(conn: sqlite3.Connection) -> int:
    """Delete the band rows no version reads any more (band BANDS and up, or of an entry that is gone); how many
    were deleted."""
    from blogreader.dedupe.near_duplicates import BANDS

    dropped = 0
    while True:
        with transaction(conn):
            deleted = conn.execute(
                "DELETE FROM entry_bands WHERE (band, key, entry_id) IN "
                "(SELECT band, key, entry_id FROM entry_bands"
                " WHERE band >= ? OR entry_id NOT IN (SELECT id FROM entries) LIMIT ?)",
                (BANDS, BAND_ROWS_PER_BATCH)).rowcount
        if deleted <= 0:
            return dropped
        dropped += deleted


def library_size(conn: sqlite3.Connection, database: Path) -> int:
    """The library's bytes on disk, with its write-ahead log folded in first."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(path.stat().st_size for path in (database, Path(f"{database}-wal")) if path.exists())


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"
