"""What the Google Reader API reads and writes: its login, streams of entries, unread counts, folders.

A stream is the API's word for a list of entries: everything, the starred ones, one source's, one folder's
(sources filed under a category) or one category's. Promotions and duplicates stay hidden, as in the inbox.
Pages are cut by a key (sort date, id), so a page's cost does not grow with how deep a client has paged.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from blogreader.errors import NotFoundError
from blogreader.store.database import transaction
from blogreader.store.dialect import in_json_list, indexed_by, nocase, nocase_value
from blogreader.store.duplicates import read_copies
from blogreader.store.packed_posts import unpack_html
from blogreader.store.triage import _CARRIED, _OWN

LOGIN_USER = "api_user"
LOGIN_HASH = "api_password"
FEVER_KEY = "api_fever_key"  # a salted hash of md5("user:password"), the key Fever apps send
FEVER_PAGE = 50  # items a Fever call returns at most, as Fever itself does
_VISIBLE = "e.promo = 0 AND e.duplicate_of IS NULL"
_SET_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
_ITEM_COLUMNS = """e.id, e.title, e.url, e.author, e.published, e.added, e.updated, e.sort_date, e.summary,
    e.content_html, e.category, e.read, e.starred, e.source_id, s.title AS source_title, s.url AS source_url,
    s.site_url AS source_site, s.category AS folder"""


@dataclass(frozen=True)
class ApiStream:
    """Which entries a request names: at most one of source, folder or tag, with state and time filters."""

    source_id: int | None = None
    folder: str | None = None
    tag: str | None = None
    starred: bool = False
    read: bool | None = None  # True: only read, False: only unread, None: both
    exclude_starred: bool = False
    added_since: str | None = None  # crawl time, inclusive
    added_before: str | None = None


class ReaderApiQueries:
    """Mixin of Store: the Google Reader API's reads and writes."""

    conn: sqlite3.Connection

    # -- the login ---------------------------------------------------------------------------------

    def api_login(self) -> tuple[str, str] | None:
        """(user name, password hash) when an API password is set, else None (the API is off)."""
        rows = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)",
                                      (LOGIN_USER, LOGIN_HASH)).fetchall())
        if rows.get(LOGIN_USER) and rows.get(LOGIN_HASH):
            return rows[LOGIN_USER], rows[LOGIN_HASH]
        return None

    def set_api_login(self, user: str, password_hash: str, fever_key_hash: str | None = None) -> None:
        """Turn the API on for `user`; `fever_key_hash` (of the Fever key) turns the Fever endpoint on too."""
        with transaction(self.conn):
            self.conn.executemany(_SET_META,
                                  [(LOGIN_USER, user), (LOGIN_HASH, password_hash)])
            if fever_key_hash:
                self.conn.execute(_SET_META, (FEVER_KEY, fever_key_hash))
            else:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (FEVER_KEY,))

    def clear_api_login(self) -> None:
        with transaction(self.conn):
            self.conn.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", (LOGIN_USER, LOGIN_HASH, FEVER_KEY))

    def api_fever_key(self) -> str | None:
        """The stored hash of the Fever key, when the API is on and its password was set with one."""
        if self.api_login() is None:
            return None
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (FEVER_KEY,)).fetchone()
        return row[0] if row and row[0] else None

    # -- subscriptions -----------------------------------------------------------------------------

    def api_subscriptions(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT id, url, title, site_url, category, last_fetched FROM sources ORDER BY id").fetchall()

    def api_folders(self) -> list[str]:
        rows = self.conn.execute("SELECT DISTINCT category FROM sources WHERE category IS NOT NULL AND category != ''")
        return sorted((row[0] for row in rows), key=str.casefold)

    def api_is_folder(self, name: str) -> bool:
        same = f"{nocase(self.conn, 'category')} = {nocase_value(self.conn, '?')}"
        return self.conn.execute(f"SELECT 1 FROM sources WHERE {same} LIMIT 1", (name,)).fetchone() is not None

    def api_edit_source(self, source_id: int, *, title: str | None = None, folder: str | None = None,
                        clear_folder: bool = False) -> None:
        """Rename a source or file it under a folder (a user's choice, as `add --category` makes it)."""
        with transaction(self.conn):
            if self.conn.execute("SELECT 1 FROM sources WHERE id = ?", (source_id,)).fetchone() is None:
                raise NotFoundError(f"no source with id {source_id}")
            if title:
                self.conn.execute("UPDATE sources SET title = ? WHERE id = ?", (title, source_id))
            if folder:
                self.conn.execute("UPDATE sources SET category = ? WHERE id = ?", (folder, source_id))
            elif clear_folder:
                self.conn.execute("UPDATE sources SET category = NULL WHERE id = ?", (source_id,))

    # -- streams -----------------------------------------------------------------------------------

    def api_entry_ids(self, stream: ApiStream, count: int, after: tuple[str, int] | None = None,
                      oldest_first: bool = False) -> list[tuple[int, str, str]]:
        """(id, sort date, crawl time) of up to `count` entries of `stream`, newest first, after the key `after`."""
        where, params = _stream_where(self.conn, stream)
        if after is not None:
            where += f" AND (e.sort_date, e.id) {'>' if oldest_first else '<'} (:after_date, :after_id)"
            params.update(after_date=after[0], after_id=after[1])
        order = "ASC" if oldest_first else "DESC"
        rows = self.conn.execute(
            f"SELECT e.id, e.sort_date, e.added FROM entries e WHERE {where} "
            f"ORDER BY e.sort_date {order}, e.id {order} LIMIT {int(count)}", params).fetchall()
        return [(row[0], row[1], row[2]) for row in rows]

    def api_items(self, ids: list[int]) -> list[dict]:
        """The rows the API's items are made of, for the ids that exist (in the order of `ids`)."""
        found: dict[int, dict] = {}
        for start in range(0, len(ids), 500):  # SQLite caps bound parameters; a batch stays well under
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT {_ITEM_COLUMNS} FROM entries e LEFT JOIN sources s ON s.id = e.source_id "
                    f"WHERE e.id IN ({marks})", chunk):
                found[row["id"]] = {**dict(row), "content_html": unpack_html(row["content_html"])}
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def api_mark_read(self, stream: ApiStream) -> int:
        """Mark every unread entry of `stream` read (up to its `added_before`); returns how many."""
        where, params = _stream_where(self.conn, stream)
        with transaction(self.conn):
            marked = [row[0] for row in self.conn.execute(
                f"UPDATE entries SET read = 1 WHERE id IN (SELECT e.id FROM entries e WHERE {where} AND e.read = 0) "
                "RETURNING id", params).fetchall()]
            read_copies(self.conn, marked, True)  # the hidden copies of those stories are read with them
            return len(marked)

    def api_existing_ids(self, ids: list[int]) -> list[int]:
        """Those of `ids` that name an entry."""
        found: list[int] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found += [row[0] for row in self.conn.execute(f"SELECT id FROM entries WHERE id IN ({marks})", chunk)]
        return found

    # -- Fever -------------------------------------------------------------------------------------

    def fever_items(self, *, since_id: int | None = None, max_id: int | None = None,
                    with_ids: list[int] | None = None, source_ids: list[int] | None = None) -> list[dict]:
        """Up to FEVER_PAGE items: after `since_id` (ascending), before `max_id` (descending), or those named;
        only those of `source_ids` when given."""
        if with_ids is not None:
            rows = self.api_items(with_ids[:FEVER_PAGE])
            hidden = {row[0] for row in self.conn.execute(
                f"SELECT e.id FROM entries e WHERE NOT ({_VISIBLE}) AND e.id {in_json_list(self.conn, '?')}",
                (json.dumps([row["id"] for row in rows]),))}
            return [row for row in rows if row["id"] not in hidden]
        if max_id is not None:
            where, order, bound = "e.id < :bound", "DESC", max_id
        else:
            where, order, bound = "e.id > :bound", "ASC", since_id or 0
        params = {"bound": bound}
        if source_ids is not None:
            where += (" AND e.id IN (SELECT entry_id FROM entry_sources"
                      f" WHERE source_id {in_json_list(self.conn, ':sources')})")
            params["sources"] = json.dumps(source_ids)
        ids = [row[0] for row in self.conn.execute(
            f"SELECT e.id FROM entries e WHERE {_VISIBLE} AND {where} ORDER BY e.id {order} LIMIT {FEVER_PAGE}",
            params)]
        return self.api_items(ids)

    def fever_item_ids(self, *, unread: bool = False, starred: bool = False) -> list[int]:
        """The ids of every shown item that is unread (or starred), ascending."""
        state = "e.read = 0" if unread else "e.starred = 1" if starred else "1 = 1"
        # Sorted here: with ORDER BY, SQLite walks the whole table by id instead of the partial index of
        # unread shown entries (entries_unread_shown), about five times slower at 10,000 entries.
        return sorted(row[0] for row in self.conn.execute(f"SELECT e.id FROM entries e WHERE {_VISIBLE} AND {state}"))

    def fever_total(self) -> int:
        """How many items are shown in all."""
        return self.conn.execute(f"SELECT count(*) FROM entries e WHERE {_VISIBLE}").fetchone()[0]

    def fever_refreshed(self) -> str | None:
        """When a source was last fetched."""
        return self.conn.execute("SELECT max(last_fetched) FROM sources").fetchone()[0]

    # -- counts ------------------------------------------------------------------------------------

    def api_unread_counts(self) -> tuple[list[tuple[int, int, str]], list[tuple[str, int, str]],
                                         list[tuple[str, int, str]], tuple[int, str | None]]:
        """Unread (count, newest crawl time) per source, per folder, per category, and in all."""
        # Entries only their own source carries, counted per (source, category) from the index of migration
        # 0014 alone: each such entry is in one group, so folders and categories add the groups up. The few
        # others (carried by several sources, and links) come row by row and are counted once per folder.
        own = indexed_by(self.conn, "entries e", "entries_unread_by_source")
        carried = indexed_by(self.conn, "entries e", "entries_unread_carried")
        groups = self.conn.execute(
            f"""SELECT g.source_id, g.category, g.unread, g.newest, s.category FROM (
                    SELECT e.source_id AS source_id, e.category AS category, count(*) AS unread, max(e.added) AS newest
                    FROM {own} WHERE {_OWN} GROUP BY e.source_id, e.category) AS g
                LEFT JOIN sources s ON s.id = g.source_id""").fetchall()
        rows = self.conn.execute(
            f"""SELECT e.id, e.category, e.added, es.source_id, s.category FROM {carried}
                LEFT JOIN entry_sources es ON es.entry_id = e.id LEFT JOIN sources s ON s.id = es.source_id
                WHERE {_CARRIED}""").fetchall()
        sources: dict[int, list] = {}
        folders: dict[str, list] = {}
        tags: dict[str, list] = {}
        everything: list = [0, None]
        for source_id, category, unread, newest, folder in groups:
            for counts, key in ((sources, source_id), (folders, folder), (tags, category)):
                if key:
                    _add(counts.setdefault(key, [0, None]), newest, unread)
            _add(everything, newest, unread)
        seen: dict[tuple, set[int]] = {}  # the entries already counted in each folder, category, and in all
        for entry_id, category, added, source_id, folder in rows:
            if source_id is not None:  # one row per source carrying the entry
                _add(sources.setdefault(source_id, [0, None]), added)
            for counts, key in ((folders, folder), (tags, category), (None, "all")):
                if key and entry_id not in seen.setdefault((counts is None, key), set()):
                    seen[(counts is None, key)].add(entry_id)
                    _add(everything if counts is None else counts.setdefault(key, [0, None]), added)
        return ([(source_id, count, newest) for source_id, (count, newest) in sources.items()],
                [(name, count, newest) for name, (count, newest) in folders.items()],
                [(name, count, newest) for name, (count, newest) in tags.items()],
                (everything[0], everything[1]))


def _add(count: list, added: str, unread: int = 1) -> None:
    """Add `unread` entries, the newest crawled at `added`, to a [count, newest] pair."""
    count[0] += unread
    count[1] = added if count[1] is None else max(count[1], added)


def _stream_where(conn, stream: ApiStream) -> tuple[str, dict]:
    clauses, params = [_VISIBLE], {}
    if stream.source_id is not None:
        clauses.append("e.id IN (SELECT entry_id FROM entry_sources WHERE source_id = :source_id)")
        params["source_id"] = stream.source_id
    if stream.folder is not None:
        clauses.append(f"""e.id IN (SELECT es.entry_id FROM entry_sources es JOIN sources s ON s.id = es.source_id
                                   WHERE {nocase(conn, 's.category')} = {nocase_value(conn, ':folder')})""")
        params["folder"] = stream.folder
    if stream.tag is not None:
        clauses.append(f"{nocase(conn, 'e.category')} = {nocase_value(conn, ':tag')}")
        params["tag"] = stream.tag
    if stream.starred:
        clauses.append("e.starred = 1")
    if stream.exclude_starred:
        clauses.append("e.starred = 0")
    if stream.read is not None:
        clauses.append(f"e.read = {int(stream.read)}")
    if stream.added_since is not None:
        clauses.append("e.added >= :added_since")
        params["added_since"] = stream.added_since
    if stream.added_before is not None:
        clauses.append("e.added < :added_before")
        params["added_before"] = stream.added_before
    return " AND ".join(clauses), params
