"""Full-text search over entries: FTS5 on SQLite, the tsvector column on PostgreSQL (dialect.full_text_search)."""

from __future__ import annotations

import re
import sqlite3

from blogreader.errors import UsageError
from blogreader.models import Entry
from blogreader.store.dialect import full_text_search
from blogreader.store.entries import _LIST_COLUMNS, _entry

# A word is a run of letters and digits: one FTS5 token each (unicode61 also splits at "_"), so no query is a
# phrase, which the index cannot answer (it keeps no word positions, migration 0019).
_WORD = re.compile(r"[^\W_]+")
# How many of the newest matches PostgreSQL ranks for a search with a limit (see dialect.full_text_search).
SEARCH_CANDIDATES = 1000


class SearchQueries:
    conn: sqlite3.Connection

    def search(self, query: str, limit: int | None = 20) -> list[Entry]:
        """Full-text search over title, summary, text and note, best match first; `limit` None or below 0: all."""
        words = _WORD.findall(query)
        if not words:
            raise UsageError("the search query has no words to look for")
        every = limit is None or limit < 0
        tables, match, rank, parameters = full_text_search(self.conn, words,
                                                           None if every else max(SEARCH_CANDIDATES, limit))
        bound = "" if every else f"LIMIT {int(limit)}"
        sql = f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source FROM {tables}
                  LEFT JOIN sources s ON s.id = e.source_id WHERE {match} ORDER BY {rank}, e.id DESC {bound}"""
        try:
            rows = self.conn.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as exc:
            if "phrase" not in str(exc):
                raise
            raise UsageError(f"the search index reads {self._phrase(words)!r} as several words; "
                             "search for its parts, separated by spaces") from None
        return [_entry(row) for row in rows]

    def _phrase(self, words: list[str]) -> str:
        """The first of `words` that the index's tokenizer splits in two (a letter newer than its Unicode tables)."""
        for word in words:
            try:
                self.conn.execute("SELECT 1 FROM entries_fts WHERE entries_fts MATCH ? LIMIT 0", (f'"{word}"',))
            except sqlite3.OperationalError:
                return word
        return " ".join(words)
