"""Entry rows: identity on save (guid, then canonical URL), listing, triage and user edits."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field, fields

from blogreader.errors import NotFoundError, UsageError
from blogreader.models import Enrichment, Entry, NewEntry
from blogreader.clock import iso, utc_now
from blogreader.dedupe.fingerprint import text_fingerprint
from blogreader.store.database import transaction
from blogreader.store.dialect import is_postgres, joined_in_order, json_values, nocase, nocase_value
from blogreader.store.duplicates import Marks, link_near_duplicate, near_duplicate_marks, rewrite_bands, with_copies
from blogreader.store.packed_posts import remember_text, stored_post, unpack_html, unpack_text

_ENTRY_FIELDS = [spec.name for spec in fields(Entry)]
_BOOLEANS = ("read", "picked", "starred", "promo")
_LIST_COLUMNS = ", ".join(
    f"e.{name}" for name in _ENTRY_FIELDS if name not in ("source", "text", "content_html")
)
# A guid that names a resource by itself can identify the same post across feeds; "1", "2"... cannot.
_GLOBAL_GUID = re.compile(r"^(?:https?://|urn:|tag:)\S{6,}", re.IGNORECASE)


@dataclass(frozen=True)
class EntryFilter:
    """The filters of `list`."""

    unread: bool = False
    picked: bool = False
    starred: bool = False
    category: str | None = None
    source_id: int | None = None
    since: str | None = None
    until: str | None = None
    kind: str | None = None
    include_hidden: bool = False
    limit: int | None = 50


@dataclass(frozen=True)
class SaveOutcome:
    new_ids: list[int]
    updated: int
    ids: list[int]  # one per saved entry, in order
    changed_ids: list[int]  # new or with new content
    enriched: list[int] = field(default_factory=list)  # the indexes of the entries inserted enriched


def _entry(row: sqlite3.Row) -> Entry:
    values = {name: row[name] for name in _ENTRY_FIELDS if name in row.keys()}
    for name in _BOOLEANS:
        values[name] = bool(values[name])
    if "content_html" in values:
        values["content_html"] = unpack_html(values["content_html"])
        if "text" in values:  # a packed text reads against its post's HTML (packed_posts.py)
            values["text"] = unpack_text(values["text"], values["content_html"])
    return Entry(**values)


class EntryQueries:
    """Mixin of Store: everything about entries."""

    conn: sqlite3.Connection

    # -- saving ----------------------------------------------------------------------------------

    def known_entry(self, source_id: int | None, entry: NewEntry) -> bool:
        """Is `entry` already stored (by guid in this source, canonical URL, or content)?"""
        return self._find_existing(source_id, entry) is not None

    def save_entries(self, source_id: int | None, entries: list[NewEntry], marks: list[Marks] | None = None,
                     packed: list[tuple[str | bytes, str | bytes] | None] | None = None,
                     enrichments: list[Enrichment | None] | None = None) -> SaveOutcome:
        """Insert new entries and refresh changed ones, in one transaction; user edits are kept.

        `marks` (one per entry, from `near_duplicate_marks`) may come computed already, by a parse worker, and
        so may `packed`, each entry's HTML and text as `pack_post` packs them (None where they are to be packed
        here), and `enrichments`, each entry's summary, category and promo verdict: a new entry is inserted with
        them (enriched), an entry already stored ignores them.
        """
        new_ids: list[int] = []
        ids: list[int] = []
        changed: list[int] = []
        enriched: list[int] = []
        updated = 0
        now = utc_now()
        postgres = is_postgres(self.conn)
        with transaction(self.conn):
            known = _Identities(self.conn, source_id, entries)
            for index, entry in enumerate(entries):
                existing = known.find(entry)
                ready = packed[index] if packed is not None and not postgres else None
                if existing is None:
                    html, text = ready if ready is not None else stored_post(entry.content_html, entry.text, postgres)
                    mark = marks[index] if marks is not None else near_duplicate_marks(entry.text)
                    enrichment = enrichments[index] if enrichments is not None else None
                    entry_id = self._insert(source_id, entry, html, text, now, mark.fingerprint, enrichment)
                    if enrichment is not None:
                        enriched.append(index)
                    link_near_duplicate(self.conn, entry_id, entry, mark)
                    known.inserted(entry_id, entry)
                    known.hashes[entry_id] = entry.content_hash
                    new_ids.append(entry_id)
                    changed.append(entry_id)
                else:
                    entry_id, content_hash = existing
                    # Only a source that already carries the entry, or the site the link belongs to, may change
                    # it: another feed claiming the same link is linked to it but cannot rewrite it.
                    if content_hash != entry.content_hash and self._may_rewrite(source_id, entry_id, entry.url):
                        html, text = ready if ready is not None else stored_post(entry.content_html, entry.text,
                                                                                 postgres)
                        rewrite_bands(self.conn, entry_id, entry.text)  # reads the old text: before the refresh
                        mark = marks[index].fingerprint if marks is not None else text_fingerprint(entry.text)
                        self._refresh(entry_id, entry, html, text, now, mark)
                        known.rewritten(entry_id, content_hash, entry.content_hash)
                        updated += 1
                        changed.append(entry_id)
                ids.append(entry_id)
                if source_id is not None:
                    carried = self.conn.execute(
                        "INSERT INTO entry_sources (entry_id, source_id, guid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        (entry_id, source_id, entry.guid),
                    )
                    if carried.rowcount:
                        known.hashes.setdefault(entry_id, existing[1] if existing else entry.content_hash)
                        known.carried(entry_id, entry.guid)
        return SaveOutcome(new_ids, updated, ids, changed, enriched)

    def _find_existing(self, source_id: int | None, entry: NewEntry) -> tuple[int, str] | None:
        """(id, content hash) of the stored entry that `entry` is: by guid in its source, canonical URL,
        a self-describing guid, or (when nothing names it) the same text in the same source."""
        return _Identities(self.conn, source_id, [entry]).find(entry)

    def _may_rewrite(self, source_id: int | None, entry_id: int, url: str | None) -> bool:
        if source_id is None:  # a saved page: the page itself is the authority
            return True
        # Authority is the source that first stored the entry, or the link's own site. Merely carrying the
        # link is not: every feed that claims it is recorded in entry_sources, so a stranger's feed would
        # otherwise gain the right to rewrite a paper's title and text on its second fetch.
        first_hand = self.conn.execute(
            "SELECT 1 FROM entries WHERE id = ? AND (source_id = ? OR source_id IS NULL)", (entry_id, source_id)
        ).fetchone()
        if first_hand:
            return True
        site = self.conn.execute("SELECT coalesce(site_url, url) FROM sources WHERE id = ?", (source_id,)).fetchone()
        return bool(site and url) and _site_host(site[0]) == _site_host(url)

    def _insert(self, source_id: int, entry: NewEntry, html: str | bytes, text: str | bytes, now: str,
                fingerprint: str | None = None, enrichment: Enrichment | None = None) -> int:
        # The row is written once, whole: its fingerprint (and from a fetch its enrichment) known before the insert.
        remember_text(text, html, entry.text)  # what the search index's trigger is about to ask for
        summary, summary_origin = entry.summary, "feed" if entry.summary else None
        category = category_origin = promo_origin = enriched_at = None
        promo = False
        if enrichment is not None:
            if enrichment.summary:
                summary, summary_origin = enrichment.summary, enrichment.summary_origin
            category, category_origin = enrichment.category, enrichment.category_origin
            promo, promo_origin, enriched_at = enrichment.promo, "auto", now
        cursor = self.conn.execute(
            """INSERT INTO entries (source_id, guid, url, canonical_url, title, author, published, added,
                   content_html, text, word_count, reading_minutes, feed_summary, content_hash,
                   summary, summary_origin, page_canonical, fingerprint,
                   category, category_origin, promo, promo_origin, enriched_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            (source_id, entry.guid, entry.url, entry.canonical_url, entry.title, entry.author,
             iso(entry.published), now, html, text, entry.word_count,
             entry.reading_minutes, entry.feed_summary, entry.content_hash,
             summary, summary_origin, entry.page_canonical, fingerprint,
             category, category_origin, int(promo), promo_origin, enriched_at),
        )
        entry_id = cursor.fetchone()[0]
        queue = getattr(self.conn, "search_queue", None)  # a batch indexes its posts as it commits
        if queue is not None:
            queue.describe(entry_id, entry.title, summary, entry.text)
        return entry_id

    def _refresh(self, entry_id: int, entry: NewEntry, html: str | bytes, text: str | bytes, now: str,
                 fingerprint: str | None) -> None:
        # The opening-words fingerprint follows the text, as the bands do (rewrite_bands): copies of the old
        # text are no longer led to this entry by it.
        remember_text(text, html, entry.text)
        self.conn.execute(
            """UPDATE entries SET
                   title = CASE WHEN title_origin IN ('user', 'import') THEN title ELSE ? END,
                   author = ?, published = coalesce(?, published), updated = ?, content_html = ?, text = ?,
                   word_count = ?, reading_minutes = ?, feed_summary = ?, content_hash = ?, fingerprint = ?,
                   enriched_at = NULL
               WHERE id = ?""",
            (entry.title, entry.author, iso(entry.published), now, html, text,
             entry.word_count, entry.reading_minutes, entry.feed_summary, entry.content_hash, fingerprint, entry_id),
        )

    # -- reading ---------------------------------------------------------------------------------

    def entry(self, entry_id: int) -> Entry:
        row = self.conn.execute(
            "SELECT e.*, coalesce(s.title, s.url) AS source FROM entries e LEFT JOIN sources s ON s.id = e.source_id WHERE e.id = ?",
            (entry_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no entry with id {entry_id}; `blogreader list` shows ids")
        return _entry(row)

    def entry_id_by_url(self, canonical_url: str | None) -> int:
        row = self.conn.execute("SELECT id FROM entries WHERE canonical_url = ?", (canonical_url,)).fetchone()
        if row is None:
            raise NotFoundError(f"no entry for {canonical_url}")
        return row[0]

    def list_entries(self, spec: EntryFilter) -> list[Entry]:
        """Entries matching `spec`, newest first."""
        where, params = _where(spec, self.conn)
        limit = f"LIMIT {int(spec.limit)}" if spec.limit else ""
        rows = self.conn.execute(
            f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source FROM entries e
                LEFT JOIN sources s ON s.id = e.source_id
                WHERE {where} ORDER BY e.sort_date DESC, e.id DESC {limit}""",
            params,
        ).fetchall()
        return [_entry(row) for row in rows]

    def count_entries(self, spec: EntryFilter) -> int:
        where, params = _where(spec, self.conn)
        return self.conn.execute(f"SELECT count(*) FROM entries e WHERE {where}", params).fetchone()[0]

    # -- triage ----------------------------------------------------------------------------------

    def set_read(self, ids: list[int], value: bool) -> None:
        """Mark entries read or unread, and every other copy of their stories with them."""
        self._update_many(with_copies(self.conn, ids), "read = ?", (int(value),))

    def set_picked(self, ids: list[int], value: bool) -> None:
        if value:
            self._update_many(ids, "picked = 1, picked_at = coalesce(picked_at, ?)", (utc_now(),))
        else:  # a favourite is always in the collection, so unpicking unstars too
            self._update_many(ids, "picked = 0, picked_at = NULL, starred = 0", ())

    def set_starred(self, ids: list[int], value: bool) -> None:
        if value:
            self._update_many(ids, "starred = 1, picked = 1, picked_at = coalesce(picked_at, ?)", (utc_now(),))
        else:
            self._update_many(ids, "starred = 0", ())

    def set_note(self, entry_id: int, note: str | None) -> None:
        self._update_many([entry_id], "note = ?", (note or None,))

    def edit(self, entry_id: int, *, title: str | None = None, summary: str | None = None,
             category: str | None = None) -> None:
        """User edits: stored with origin 'user', which machine output never overwrites."""
        sets, params = [], []
        if title is not None:
            sets.append("title = ?, title_origin = 'user'")
            params.append(title)
        if summary is not None:
            sets.append("summary = ?, summary_origin = 'user'")
            params.append(summary)
        if category is not None:
            sets.append("category = ?, category_origin = 'user'")
            params.append(category)
        if not sets:
            raise UsageError("edit needs at least one of --title, --summary, --category")
        self._update_many([entry_id], ", ".join(sets), tuple(params))

    def _update_many(self, ids: list[int], assignments: str, params: tuple) -> None:
        with transaction(self.conn):
            missing = [i for i in ids if not self.conn.execute("SELECT 1 FROM entries WHERE id = ?", (i,)).fetchone()]
            if missing:
                raise NotFoundError(
                    f"no entry with id {', '.join(map(str, missing))}; nothing was changed; `blogreader list` shows ids"
                )
            self.conn.executemany(f"UPDATE entries SET {assignments} WHERE id = ?", [(*params, i) for i in ids])


class _Identities:
    """Who the entries of one save already are: each identity look-up (guid in the source, canonical URL,
    self-describing guid, text in the source) made once for the whole list, as a query with every key in it,
    then kept up to date with what the save itself inserts or rewrites."""

    def __init__(self, conn: sqlite3.Connection, source_id: int | None, entries: list[NewEntry]) -> None:
        self.source_id = source_id
        guids = sorted({entry.guid for entry in entries if entry.guid})
        urls = sorted({entry.canonical_url for entry in entries if entry.canonical_url})
        hashes = sorted({entry.content_hash for entry in entries if not entry.guid and not entry.canonical_url})
        globals_ = [guid for guid in guids if _GLOBAL_GUID.match(guid)]
        # Each query starts from the list of keys (SQLite's CROSS JOIN keeps that order), so every key is one
        # indexed look-up, whatever the size of the library or of the source.
        keys = json_values(conn, "?", "j", integer=False)
        then = joined_in_order(conn)
        self.by_guid: dict[str, tuple[int, str]] = {}
        self.by_url: dict[str, tuple[int, str]] = {}
        self.by_global_guid: dict[str, tuple[int, str]] = {}
        self.by_hash: dict[str, tuple[int, str]] = {}
        self.hashes: dict[int, str] = {}  # the content hash of each entry this save inserted or rewrote
        if source_id is not None and guids:  # the first match by rowid, as the one-by-one look-up found it
            for guid, entry_id, content_hash in conn.execute(
                    f"""SELECT es.guid, e.id, e.content_hash FROM {keys}
                        {then} entry_sources es ON es.source_id = ? AND es.guid = j.value
                        {then} entries e ON e.id = es.entry_id ORDER BY es.rowid DESC""",
                    (json.dumps(guids), source_id)):
                self.by_guid[guid] = (entry_id, content_hash)
        if urls:
            for url, entry_id, content_hash in conn.execute(
                    f"""SELECT e.canonical_url, e.id, e.content_hash FROM {keys}
                        {then} entries e ON e.canonical_url = j.value""",
                    (json.dumps(urls),)):
                self.by_url[url] = (entry_id, content_hash)
        if globals_:
            for guid, entry_id, content_hash in conn.execute(
                    f"""SELECT e.guid, e.id, e.content_hash FROM {keys}
                        {then} entries e ON e.guid = j.value ORDER BY e.id DESC""",
                    (json.dumps(globals_),)):
                self.by_global_guid[guid] = (entry_id, content_hash)  # the lowest id wins, as ORDER BY id LIMIT 1
        if source_id is not None and hashes:
            for content_hash, entry_id in conn.execute(
                    f"""SELECT e.content_hash, e.id FROM {keys} {then} entries e ON e.content_hash = j.value
                        {then} entry_sources es ON es.entry_id = e.id AND es.source_id = ?
                        ORDER BY es.rowid DESC""",
                    (json.dumps(hashes), source_id)):
                self.by_hash[content_hash] = (entry_id, content_hash)

    def find(self, entry: NewEntry) -> tuple[int, str] | None:
        """(id, content hash) of the stored entry that `entry` is, tried in the order of trust."""
        found = None
        if entry.guid and self.source_id is not None:
            found = self.by_guid.get(entry.guid)
        if found is None and entry.canonical_url:
            found = self.by_url.get(entry.canonical_url)
        if found is None and entry.guid and _GLOBAL_GUID.match(entry.guid):
            found = self.by_global_guid.get(entry.guid)
        if found is None and not entry.guid and not entry.canonical_url and self.source_id is not None:
            found = self.by_hash.get(entry.content_hash)
        return None if found is None else (found[0], self.hashes.get(found[0], found[1]))

    def inserted(self, entry_id: int, entry: NewEntry) -> None:
        known = (entry_id, entry.content_hash)
        if entry.canonical_url:
            self.by_url.setdefault(entry.canonical_url, known)
        if entry.guid and _GLOBAL_GUID.match(entry.guid):
            self.by_global_guid.setdefault(entry.guid, known)  # a lower id, found first, stays first

    def rewritten(self, entry_id: int, old_hash: str, new_hash: str) -> None:
        self.hashes[entry_id] = new_hash
        if self.by_hash.get(old_hash, (None,))[0] == entry_id:
            del self.by_hash[old_hash]  # no longer found by its old text

    def carried(self, entry_id: int, guid: str | None) -> None:
        """The source now carries `entry_id` (its entry_sources row was just written, with `guid`)."""
        known = (entry_id, self.hashes.get(entry_id))
        if guid:
            self.by_guid.setdefault(guid, known)
        if known[1] is not None:
            self.by_hash.setdefault(known[1], known)


def _site_host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _where(spec: EntryFilter, conn: sqlite3.Connection | None = None) -> tuple[str, dict]:
    """The WHERE clause of `spec` over entries `e`, and its parameters; `conn` names the engine (SQLite when
    None)."""
    clauses, params = ["1 = 1"], {}
    if spec.unread:
        clauses.append("e.read = 0")
    if spec.picked:
        clauses.append("e.picked = 1")
    if spec.starred:
        clauses.append("e.starred = 1")
    if spec.category:
        clauses.append(f"{nocase(conn, 'e.category')} = {nocase_value(conn, ':category')}")
        params["category"] = spec.category
    if spec.source_id is not None:
        clauses.append("e.id IN (SELECT entry_id FROM entry_sources WHERE source_id = :source_id)")
        params["source_id"] = spec.source_id
    # An imported row with no date of its own stands for the month its list gave: in range if the month is.
    month_only = "e.published IS NULL AND e.picked_month IS NOT NULL"
    if spec.since:
        clauses.append(f"(CASE WHEN {month_only} THEN e.picked_month >= substr(:since, 1, 7) "
                       "ELSE e.sort_date >= :since END)")
        params["since"] = spec.since
    if spec.until:
        clauses.append(f"(CASE WHEN {month_only} THEN e.picked_month || '-01T00:00:00Z' < :until "
                       "ELSE e.sort_date < :until END)")
        params["until"] = spec.until
    if spec.kind:
        clauses.append("e.kind = :kind")
        params["kind"] = spec.kind
    if not spec.include_hidden:
        clauses.append("e.promo = 0 AND e.duplicate_of IS NULL")
    return " AND ".join(clauses), params
