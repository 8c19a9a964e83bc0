"""The curated collection: picked entries in picked order, and importing a curated list as picks."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from blogreader.clock import utc_now
from blogreader.models import Entry
from blogreader.store.database import transaction
from blogreader.store.entries import _BOOLEANS, _ENTRY_FIELDS, _LIST_COLUMNS

IMPORT = "import"
# A pick whose date is only the month an imported list gave it (a later pick in another month is exact).
MONTH_ONLY = "(e.picked_month IS NOT NULL AND substr(e.picked_at, 1, 7) = e.picked_month)"


@dataclass(frozen=True)
class ImportedPick:
    """One row of a curated list, ready to store: the list's own words are user data."""

    title: str
    url: str | None
    canonical_url: str | None
    guid: str | None  # identity for a row with no link
    summary: str | None
    category: str | None
    starred: bool
    picked_at: str | None  # None: the row had no month; an entry picked before keeps its date, else now
    month_only: bool = False  # picked_at stands for its whole month (a list's month heading, no day)


@dataclass(frozen=True)
class ImportCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # labels kept over the list's, one line each


def _kept_label(row: sqlite3.Row, name: str, offered: str | None, older: bool) -> str | None:
    """Why the stored label `name` stays over the list's (None: the list's is taken)."""
    current, origin = row[name], row[f"{name}_origin"]
    if current is None or current == offered:
        return None
    if origin == "user":
        return "your own"
    if origin == IMPORT and older:
        return "the newer list's"
    return None


# The columns an import decides, compared before and after to tell "updated" from "unchanged".
_DECIDED = ("url", "title", "title_origin", "summary", "summary_origin", "category", "category_origin",
            "picked", "picked_at", "starred", "read", "promo", "promo_origin", "picked_month")


def _month_of(pick: ImportedPick) -> str | None:
    """"2026-03" for a pick dated by its month alone, None for one with a real time."""
    return pick.picked_at[:7] if pick.picked_at and pick.month_only else None


def _entries(cursor: sqlite3.Cursor) -> list[Entry]:
    """Rows as entries; the column names are looked up once per query, which matters for 10,000 picks."""
    names = [column[0] for column in cursor.description]
    wanted = [(index, name) for index, name in enumerate(names) if name in _ENTRY_FIELD_NAMES]
    entries = []
    for row in cursor:
        values = {name: row[index] for index, name in wanted}
        for name in _BOOLEANS:
            values[name] = bool(values[name])
        entries.append(Entry(**values))
    return entries


_ENTRY_FIELD_NAMES = frozenset(_ENTRY_FIELDS)


class CollectionQueries:
    """Mixin of Store: the collection."""

    conn: sqlite3.Connection

    def picked_entries(self, since: str | None = None, until: str | None = None, *,
                       newest_first: bool = False, limit: int | None = None, offset: int = 0,
                       exact_dates: bool = False) -> list[Entry]:
        """Picked entries (picked_at in [since, until) if given), in picked order or newest first; paged by limit.

        With `exact_dates` (a weekly digest), picks dated only by their month (an imported list's rows) are left out.
        """
        clauses, params = ["e.picked = 1"], []
        if exact_dates:
            clauses.append(f"NOT {MONTH_ONLY}")
        if since:
            clauses.append("e.picked_at >= ?")
            params.append(since)
        if until:
            clauses.append("e.picked_at < ?")
            params.append(until)
        order = "DESC" if newest_first else "ASC"
        cursor = self.conn.execute(
            f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source FROM entries e
                LEFT JOIN sources s ON s.id = e.source_id WHERE {' AND '.join(clauses)}
                ORDER BY e.picked_at {order}, e.id {order}
                {f'LIMIT {int(limit)} OFFSET {int(offset)}' if limit else ''}""",
            params,
        )
        return _entries(cursor)

    def import_picks(self, picks: list[ImportedPick], *, older: bool = False) -> ImportCounts:
        """Store a curated list in one transaction: a known URL updates its entry, a new one is inserted.

        The list's link, title, summary and category are stored as user data (origin "import"), which
        enrichment never overwrites; entries become picked, read, and starred where the list stars them
        (an import never unstars). Importing the same list again changes nothing. A label the user set
        (`edit`) is never replaced, nor, when the list is `older` than one imported before, the newer
        list's label or month: each such difference is reported as a conflict.
        """
        new = updated = unchanged = 0
        conflicts: list[str] = []
        now = utc_now()
        with transaction(self.conn):
            for pick in picks:
                row = self._imported_row(pick)
                if row is None:
                    self._insert_pick(pick, now)
                    new += 1
                    continue
                labels = []
                for name, offered in (("title", pick.title), ("summary", pick.summary), ("category", pick.category)):
                    kept = _kept_label(row, name, offered, older)
                    if kept:
                        conflicts.append(f"{row['title']!r}: kept {kept} {name} {row[name]!r}, "
                                         f"not this list's {offered!r}")
                        labels += [row[name], row[f"{name}_origin"]]
                    else:
                        labels += [offered, IMPORT]
                keep_date = older and row["picked_at"] is not None
                picked_at = row["picked_at"] if keep_date else pick.picked_at or row["picked_at"] or now
                month = row["picked_month"] if keep_date or not pick.picked_at else _month_of(pick)
                decided = (pick.url or row["url"], *labels, 1, picked_at,
                           max(row["starred"], int(pick.starred)), 1, 0, "user", month)
                if decided == tuple(row[name] for name in _DECIDED):
                    unchanged += 1
                    continue
                assignments = ", ".join(f"{name} = ?" for name in _DECIDED)
                self.conn.execute(f"UPDATE entries SET {assignments} WHERE id = ?", (*decided, row["id"]))
                updated += 1
        return ImportCounts(new, updated, unchanged, conflicts)

    def _imported_row(self, pick: ImportedPick) -> sqlite3.Row | None:
        columns = "id, " + ", ".join(_DECIDED)
        if pick.canonical_url:
            return self.conn.execute(
                f"SELECT {columns} FROM entries WHERE canonical_url = ?", (pick.canonical_url,)
            ).fetchone()
        return self.conn.execute(
            f"SELECT {columns} FROM entries WHERE guid = ? AND source_id IS NULL ORDER BY id LIMIT 1", (pick.guid,)
        ).fetchone()

    def _insert_pick(self, pick: ImportedPick, now: str) -> int:
        # A curated list's title is the curator's (origin 'import'), which a later feed refresh keeps.
        cursor = self.conn.execute(
            """INSERT INTO entries (kind, source_id, guid, url, canonical_url, title, title_origin, added,
                   summary, summary_origin, category, category_origin, read, picked, picked_at, starred,
                   promo, promo_origin, picked_month)
               VALUES ('post', NULL, ?, ?, ?, ?, 'import', ?, ?, ?, ?, ?, 1, 1, ?, ?, 0, 'user', ?) RETURNING id""",
            (pick.guid, pick.url, pick.canonical_url, pick.title, now, pick.summary, IMPORT, pick.category, IMPORT,
             pick.picked_at or now, int(pick.starred), _month_of(pick)),
        )
        return cursor.fetchone()[0]
