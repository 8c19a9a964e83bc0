"""Near-duplicates in the store: copies of one story under several addresses, one shown, the rest linked to
it, and read together."""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from blogreader.dedupe.fingerprint import WORDS as FINGERPRINT_WORDS
from blogreader.dedupe.fingerprint import fingerprint_of
from blogreader.dedupe.near_duplicates import (MAX_CANDIDATES, band_keys_of, hashed_similarity, openings, shingle_codes,
                                               shingle_hashes, shingles, text_band_keys, threshold)
from blogreader.dedupe.originals import Copy, original
from blogreader.models import NewEntry
from blogreader.store.band_queue import INSERT_BAND_ROW, BandQueue, in_key_order
from blogreader.store.dialect import in_json_list, is_postgres, json_values


@dataclass(frozen=True)
class Marks:
    """What near-duplicate linking needs of a text, computed before the entry is stored (in a parse worker
    during a large refresh): the fingerprint of its opening words and its LSH band keys (None: too short), as
    signed 64-bit integers in an array: sent back from a worker as 256 bytes, not 32 pickled ints."""

    fingerprint: str | None
    keys: Sequence[int] | None


def near_duplicate_marks(text: str) -> Marks:
    fingerprinted, shingled = openings(text, FINGERPRINT_WORDS)  # the text's words read once for both
    hashes = shingle_codes(shingled)  # the keys need the shingles' hashes only, not their set
    return Marks(fingerprint_of(fingerprinted), array("q", band_keys_of(hashes)) if hashes is not None else None)


def link_near_duplicate(conn: sqlite3.Connection, entry_id: int, entry: NewEntry, marks: Marks | None = None) -> None:
    """Link a new entry to a stored copy of the same story (alike by content): the original (by structure)
    is shown, the other copies point to it (`duplicate_of`) and take its read state; what the user did on
    either copy stays where it is.

    The entry's row already holds its fingerprint and page canonical (written by the insert, from `marks`).
    """
    if marks is None:
        marks = near_duplicate_marks(entry.text)
        conn.execute("UPDATE entries SET page_canonical = coalesce(?, page_canonical), fingerprint = ? WHERE id = ?",
                     (entry.page_canonical, marks.fingerprint, entry_id))
    if marks.keys is None:
        return
    match = _best_match(conn, entry_id, entry.text, list(marks.keys), marks.fingerprint)
    _remember(conn, entry_id, marks.keys)
    if match is None:
        return
    shown = conn.execute("SELECT coalesce(duplicate_of, id) FROM entries WHERE id = ?", (match,)).fetchone()[0]
    story_read = ("CASE WHEN EXISTS (SELECT 1 FROM entries WHERE (id = :shown OR duplicate_of = :shown) AND read = 1) "
                  "THEN 1 ELSE 0 END")
    if original(_copy(conn, shown), _copy(conn, entry_id)).id != entry_id:
        conn.execute(f"UPDATE entries SET duplicate_of = :shown, read = {story_read} WHERE id = :id",
                     {"shown": shown, "id": entry_id})
        return
    # The new copy is the original, though it came later: every copy now points to it. A copy the user
    # already read makes the original read too, so the same story does not come back to the inbox.
    conn.execute(f"UPDATE entries SET read = {story_read} WHERE id = :id", {"shown": shown, "id": entry_id})
    conn.execute("UPDATE entries SET duplicate_of = :id WHERE id = :shown OR duplicate_of = :shown",
                 {"shown": shown, "id": entry_id})


def rewrite_bands(conn: sqlite3.Connection, entry_id: int, text: str) -> None:
    """Replace an entry's band keys before its text becomes `text`, so later copies find it by its new text.
    Called while the row still holds the old text: the old keys are recomputed from it to be deleted."""
    old = conn.execute("SELECT post_text(text, content_html) FROM entries WHERE id = ?", (entry_id,)).fetchone()
    if old is not None:
        forget_bands(conn, [(entry_id, old[0])])
    keys = text_band_keys(text)
    if keys is not None:
        _remember(conn, entry_id, keys)


def forget_bands(conn: sqlite3.Connection, entries) -> None:
    """Delete the band keys of these (entry id, text) pairs, each recomputed from the text it was made from:
    the bands have no index by entry (migration 0019), and deleting by key touches only the entry's own rows."""
    entries, rows = list(entries), []  # a cursor is read once: the queue below needs the ids again
    for entry_id, text in entries:
        keys = text_band_keys(text or "")
        if keys is not None:
            rows.extend((band, key, entry_id) for band, key in enumerate(keys))
    if rows:
        conn.executemany("DELETE FROM entry_bands WHERE band = ? AND key = ? AND entry_id = ?", rows)
    queue = _open_queue(conn)
    if queue is not None:
        for entry_id, _ in entries:
            queue.forget(entry_id)


def _open_queue(conn: sqlite3.Connection) -> BandQueue | None:
    """The connection's band queue while a batch of a fetch runs (band_queue.py), else None: written now."""
    queue = getattr(conn, "band_queue", None)
    return queue if queue is not None and queue.open else None


def rehash_all_bands(conn: sqlite3.Connection, chunk: int = 500) -> None:
    """Every entry's band keys made again from its text, as a new post's are (migration 0022: the shingles' hash
    changed): the entries that had keys get the new ones, read `chunk` texts at a time."""
    ids = [row[0] for row in conn.execute("SELECT DISTINCT entry_id FROM entry_bands ORDER BY entry_id")]
    conn.execute("DELETE FROM entry_bands")
    for start in range(0, len(ids), chunk):
        posts = []
        for entry_id, text in conn.execute(
                f"SELECT id, post_text(text, content_html) FROM entries WHERE id {in_json_list(conn, '?')}",
                (json.dumps(ids[start:start + chunk]),)).fetchall():
            keys = text_band_keys(text or "")
            if keys is not None:
                posts.append((entry_id, keys))
        rows = in_key_order(posts)
        if rows and is_postgres(conn):
            bands, keys, entries = (list(column) for column in zip(*rows))
            conn.execute(_REHASH_POSTGRES, (bands, keys, entries))
        elif rows:
            conn.executemany(INSERT_BAND_ROW, rows)


_REHASH_POSTGRES = """INSERT INTO entry_bands (band, key, entry_id)
    SELECT * FROM unnest(CAST(? AS INTEGER[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]))
    ON CONFLICT DO NOTHING"""


def _remember(conn: sqlite3.Connection, entry_id: int, keys) -> None:
    queue = _open_queue(conn)
    if queue is not None:
        queue.add(entry_id, keys)
        return
    if is_postgres(conn):
        # One statement for all of an entry's bands: one row per statement cost PostgreSQL a parse, a plan and
        # a round trip for each of them (most of the server's time per stored entry).
        conn.execute(_REMEMBER_POSTGRES, (entry_id, [int(key) for key in keys]))
        return
    conn.executemany(INSERT_BAND_ROW, [(band, key, entry_id) for band, key in enumerate(keys)])


# A key's place in the array (from 0) is its band.
_REMEMBER_POSTGRES = """INSERT INTO entry_bands (band, key, entry_id)
    SELECT CAST(keys.place - 1 AS INTEGER), keys.key, ?
    FROM unnest(CAST(? AS BIGINT[])) WITH ORDINALITY AS keys(key, place)
    ON CONFLICT DO NOTHING"""


def with_copies(conn: sqlite3.Connection, ids: list[int]) -> list[int]:
    """`ids`, then every other copy of their stories (reading one copy reads them all)."""
    if not ids:
        return list(ids)
    rows = conn.execute(
        f"""WITH {_stories(conn)} SELECT id FROM entries
            WHERE id IN (SELECT id FROM stories) OR duplicate_of IN (SELECT id FROM stories) ORDER BY id""",
        {"ids": json.dumps([int(i) for i in ids])},
    ).fetchall()
    chosen = set(ids)
    return list(ids) + [row[0] for row in rows if row[0] not in chosen]


def read_copies(conn: sqlite3.Connection, ids: list[int], read: bool) -> list[int]:
    """Give the other copies of these entries' stories the same read state; the ids it changed."""
    if not ids:
        return []
    return [row[0] for row in conn.execute(
        f"""WITH {_stories(conn)} UPDATE entries SET read = :read
            WHERE read != :read AND (id IN (SELECT id FROM stories) OR duplicate_of IN (SELECT id FROM stories))
            RETURNING id""",
        {"ids": json.dumps([int(i) for i in ids]), "read": int(read)},
    ).fetchall()]


# Entries sharing a band with the new one (looked up by the (band, key) primary key), most bands first,
# and entries with the same opening words.
_CANDIDATES = """SELECT entry_id, max(shared) FROM (
        SELECT b.entry_id, count(*) AS shared FROM {bands}
        JOIN entry_bands b ON b.band = j.key AND b.key = j.value  -- a key's place in the list is its band
        WHERE b.entry_id != :id GROUP BY b.entry_id
        UNION ALL
        SELECT id, 0 FROM entries WHERE fingerprint = :mark AND id != :id) AS candidates
    GROUP BY entry_id ORDER BY max(shared) DESC, entry_id LIMIT :limit"""
_CANDIDATES_BY_ENGINE: dict[bool, str] = {}


def candidates_sql(conn: sqlite3.Connection) -> str:
    """The candidates query in the connection's dialect (written once per engine: it runs for every new entry)."""
    postgres = is_postgres(conn)
    if postgres not in _CANDIDATES_BY_ENGINE:
        _CANDIDATES_BY_ENGINE[postgres] = _CANDIDATES.format(bands=json_values(conn, ":bands", "j"))
    return _CANDIDATES_BY_ENGINE[postgres]


def _stories(conn: sqlite3.Connection) -> str:
    """The stories of the entries listed by :ids, each named by its shown copy: the one it duplicates, or itself."""
    return f"""stories(id) AS (SELECT coalesce(duplicate_of, id) FROM entries WHERE id {in_json_list(conn, ':ids')})"""


def _best_match(conn: sqlite3.Connection, entry_id: int, text: str, keys: list[int],
                mark: str | None) -> int | None:
    """The stored entry most alike to the new one, if alike enough: candidates share an LSH band (an indexed
    lookup) or the opening words (entries stored before bands), then their text is compared in full."""
    bands = "[" + ",".join(map(str, keys)) + "]"  # a JSON array of integers, without json.dumps's machinery
    rows = conn.execute(candidates_sql(conn), {"bands": bands, "id": entry_id, "mark": mark,
                                               "limit": MAX_CANDIDATES}).fetchall()
    queue = _open_queue(conn)
    if queue is not None:  # the posts stored earlier in the batch, whose bands are not written yet
        rows = _with_queued(rows, queue.sharing(entry_id, keys))
    if not rows:
        return None
    marks = shingles(text)  # only now: most new entries have no candidate at all
    if marks is None:
        return None
    mine = shingle_hashes(marks)
    versions = dict(conn.execute(f"SELECT id, content_hash FROM entries WHERE id {in_json_list(conn, ':ids')}",
                                 {"ids": "[" + ",".join(str(row[0]) for row in rows) + "]"}).fetchall())
    sources = None
    best, best_score = None, 0.0
    for candidate, _ in rows:
        theirs = _CANDIDATE_SHINGLES.get(conn, candidate, versions.get(candidate))
        if theirs is None:
            continue
        score = hashed_similarity(mine, theirs)
        if score < _LOWER_THRESHOLD or score <= best_score:
            continue  # below both thresholds, or no better: which feeds carry them does not matter
        sources = _sources(conn, entry_id) if sources is None else sources
        if score >= threshold(bool(sources & _sources(conn, candidate))):
            best, best_score = candidate, score
    return best


def _with_queued(rows: list, queued) -> list:
    """The stored candidates (entry id, bands shared) and the queued ones, most bands first, MAX_CANDIDATES."""
    if not queued:
        return rows
    shared = dict(queued)
    for entry_id, count in rows:
        shared[entry_id] = max(count, shared.get(entry_id, 0))
    return sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]


class _ShingleCache:
    """The shingles (`shingle_hashes`) of the stored entries compared most recently, by entry and content hash (a
    changed text is a new key). Posts that share a template (a newsletter's opening, a blog's boilerplate) make
    the same stored entries the candidates of every new one, and each was read back, unpacked and shingled
    again for each, up to MAX_CANDIDATES of them a new entry: 1,000 such posts took 7.5 s to store, 6.1 s of it
    here. 2,048 entries' hashes take about 3.5 MB."""

    def __init__(self, size: int = 2048) -> None:
        self.size, self.known, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, conn: sqlite3.Connection, entry_id: int, version: str | None):
        key = (entry_id, version)
        with self.lock:
            known = self.known.get(key)
            if known is not None:
                self.known.move_to_end(key)
                return known
        row = conn.execute("SELECT post_text(text, content_html) FROM entries WHERE id = ?", (entry_id,)).fetchone()
        marks = shingles((row[0] if row else None) or "")
        if marks is None:
            return None
        hashes = shingle_hashes(marks)
        if version is not None:
            with self.lock:
                self.known[key] = hashes
                if len(self.known) > self.size:
                    self.known.popitem(last=False)
        return hashes


_CANDIDATE_SHINGLES = _ShingleCache()
_LOWER_THRESHOLD = min(threshold(False), threshold(True))


def _sources(conn: sqlite3.Connection, entry_id: int) -> set[int]:
    """The feeds that carry an entry."""
    rows = conn.execute(
        """SELECT source_id FROM entries WHERE id = :id AND source_id IS NOT NULL
           UNION SELECT source_id FROM entry_sources WHERE entry_id = :id""",
        {"id": entry_id},
    ).fetchall()
    return {row[0] for row in rows}


def _copy(conn: sqlite3.Connection, entry_id: int) -> Copy:
    """The entry as a copy: its address, its page's canonical, and the sites of every source carrying it."""
    row = conn.execute("SELECT url, page_canonical FROM entries WHERE id = ?", (entry_id,)).fetchone()
    sites = conn.execute(
        """SELECT site_url, url FROM sources WHERE id = (SELECT source_id FROM entries WHERE id = :id)
               OR id IN (SELECT source_id FROM entry_sources WHERE entry_id = :id)""",
        {"id": entry_id},
    ).fetchall()
    return Copy(entry_id, row[0], tuple(address for site in sites for address in site if address), row[1])
