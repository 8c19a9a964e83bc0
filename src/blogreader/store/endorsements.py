"""Endorsements: who recommends a work and what they said, and the works the most sources recommend.

A recommendation is a mention in a roundup (a numbered pick, a digest paragraph, a links-page bullet), or a
direct post: a feed whose item is the work itself (a paper, a forum post named by its id), unless that feed
is the work's own home (arXiv's listings, the forum, the publisher), which publishes rather than recommends.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from blogreader.dedupe.works import WORK_PREFIXES, is_home
from blogreader.models import Entry
from blogreader.store.entries import _LIST_COLUMNS, _entry

_IS_WORK = "(" + " OR ".join(f"e.canonical_url LIKE '{prefix}%'" for prefix in WORK_PREFIXES) + ")"
_CHUNK = 500  # ids per query, under SQLite's limit on bound parameters
# A feed carrying a work as its own item, with what the home check needs; the first feed's words are the work's.
_DIRECT_COLUMNS = f"""SELECT es.entry_id, coalesce(s.title, s.url) AS source, es.source_id, NULL AS roundup_id,
        NULL AS roundup_title, NULL AS rank, e.title, coalesce(e.feed_summary, '') AS blurb, e.added,
        e.sort_date AS sort_key, e.url, e.canonical_url, s.site_url, s.url AS feed_url,
        CASE WHEN es.source_id = e.source_id THEN 1 ELSE 0 END AS first_hand
    FROM entry_sources es JOIN entries e ON e.id = es.entry_id JOIN sources s ON s.id = es.source_id
    WHERE {_IS_WORK}"""
_MENTION_FIELDS = ("source", "source_id", "roundup_id", "roundup_title", "rank", "title", "blurb", "added")


@dataclass(frozen=True)
class Mention:
    """One recommendation of a work: who made it (source, and roundup unless posted directly), at what rank,
    and what they said."""

    source: str | None
    source_id: int | None
    roundup_id: int | None
    roundup_title: str | None
    rank: int | None
    title: str
    blurb: str
    added: str

    @property
    def recommender(self) -> str:
        """Who recommends: the source, or (for a roundup saved by hand, with no source) the roundup itself."""
        return f"source {self.source_id}" if self.source_id is not None else f"roundup {self.roundup_id}"

    def to_json(self) -> dict:
        return asdict(self)


class EndorsementQueries:
    """Mixin of Store: reading recommendations."""

    conn: sqlite3.Connection

    def mentions_of(self, entry_id: int) -> list[Mention]:
        """Every recommendation of `entry_id`: roundups oldest first, each as it gave the work, then direct posts
        (in one query: the entry page counts its queries)."""
        rows = self.conn.execute(
            f"""SELECT 0 AS direct, coalesce(s.title, s.url) AS source, m.source_id, m.roundup_id,
                       r.title AS roundup_title, m.rank, m.title, m.blurb, m.added, r.sort_date AS sort_key,
                       NULL AS url, NULL AS canonical_url, NULL AS site_url, NULL AS feed_url, 0 AS first_hand
                FROM mentions m JOIN entries r ON r.id = m.roundup_id LEFT JOIN sources s ON s.id = m.source_id
                WHERE m.entry_id = :id
                UNION ALL
                {_DIRECT_COLUMNS.replace("es.entry_id,", "1 AS direct,")} AND e.id = :id
                ORDER BY direct, sort_key, roundup_id""",
            {"id": entry_id},
        ).fetchall()
        found = [Mention(*(row[name] for name in _MENTION_FIELDS)) for row in rows if not row["direct"]]
        by_roundups = {mention.source_id for mention in found}
        for row in rows:
            if row["direct"] and row["source_id"] not in by_roundups and not _at_home(row):
                # The work's title and description are the first feed's own words; another feed's are not stored.
                found.append(Mention(row["source"], row["source_id"], None, None, None, row["title"] or "",
                                     row["blurb"] if row["first_hand"] else "", row["added"]))
        return found

    def recommended_by(self, entry_id: int) -> int:
        """How many distinct recommenders (sources) name `entry_id`."""
        return len({mention.recommender for mention in self.mentions_of(entry_id)})

    def most_recommended(self, since: str | None = None, limit: int | None = 50) -> list[tuple[Entry, int]]:
        """Works named by the most distinct recommenders (in roundups or posts dated on or after `since`), with
        the count; ties go to the most recently recommended. Promotions and duplicates are left out."""
        recommenders: dict[int, set[str]] = {}
        latest: dict[int, str] = {}
        rows = self.conn.execute(
            """SELECT m.entry_id, coalesce('source ' || m.source_id, 'roundup ' || m.roundup_id), r.sort_date
               FROM mentions m JOIN entries r ON r.id = m.roundup_id
               WHERE CAST(:since AS TEXT) IS NULL OR r.sort_date >= :since""",
            {"since": since},
        )
        direct = ((row["entry_id"], f"source {row['source_id']}", row["sort_key"]) for row in self._direct_posts(None, since))
        for entry_id, who, when in [*rows, *direct]:
            recommenders.setdefault(entry_id, set()).add(who)
            latest[entry_id] = max(latest.get(entry_id, ""), when or "")
        order = sorted(recommenders, key=lambda i: (len(recommenders[i]), latest[i], i), reverse=True)
        shown: list[tuple[Entry, int]] = []
        for start in range(0, len(order), _CHUNK):
            chunk = order[start:start + _CHUNK]
            rows = self.conn.execute(
                f"""SELECT {_LIST_COLUMNS}, coalesce(s.title, s.url) AS source FROM entries e
                    LEFT JOIN sources s ON s.id = e.source_id
                    WHERE e.id IN ({", ".join("?" * len(chunk))}) AND e.promo = 0 AND e.duplicate_of IS NULL""",
                chunk,
            ).fetchall()
            visible = {row["id"]: _entry(row) for row in rows}
            shown += [(visible[i], len(recommenders[i])) for i in chunk if i in visible]
            if limit and len(shown) >= limit:
                break
        return shown[:limit] if limit else shown

    def recommender_names(self, entry_ids: list[int]) -> dict[int, list[str]]:
        """For each of `entry_ids`, the names of its distinct recommenders, roundups first, oldest first."""
        found: dict[int, list[str]] = {entry_id: [] for entry_id in entry_ids}
        for start in range(0, len(entry_ids), _CHUNK):
            chunk = entry_ids[start:start + _CHUNK]
            rows = self.conn.execute(
                f"""SELECT m.entry_id, coalesce('source ' || m.source_id, 'roundup ' || m.roundup_id),
                           coalesce(s.title, s.url, r.title)
                    FROM mentions m JOIN entries r ON r.id = m.roundup_id LEFT JOIN sources s ON s.id = m.source_id
                    WHERE m.entry_id IN ({", ".join("?" * len(chunk))}) ORDER BY r.sort_date, m.roundup_id""",
                chunk,
            ).fetchall()
            direct = [(row["entry_id"], f"source {row['source_id']}", row["source"]) for row in self._direct_posts(chunk)]
            seen: set[tuple[int, str]] = set()
            for entry_id, who, name in [*rows, *direct]:
                if (entry_id, who) not in seen:
                    seen.add((entry_id, who))
                    found[entry_id].append(name)
        return found

    def _direct_posts(self, entry_ids: list[int] | None, since: str | None = None) -> list[sqlite3.Row]:
        """Feeds carrying a work itself as an item (of `entry_ids`, or of every work posted since `since`),
        less each work's own home."""
        where, params = ["1 = 1"], []
        if entry_ids is not None:
            where.append(f"e.id IN ({', '.join('?' * len(entry_ids))})")
            params += entry_ids
        if since:
            where.append("e.sort_date >= ?")
            params.append(since)
        rows = self.conn.execute(f"{_DIRECT_COLUMNS} AND {' AND '.join(where)}", params).fetchall()
        return [row for row in rows if not _at_home(row)]


def _at_home(row: sqlite3.Row) -> bool:
    """Is the feed of this direct post the work's own home (so it publishes, not recommends)?"""
    return any(is_home(row["canonical_url"], row["url"], site) for site in (row["site_url"], row["feed_url"]))
