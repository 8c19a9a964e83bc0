"""Which sources are worth it: per source and per recommender, how much of what came was read, picked, starred."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from blogreader.clock import iso

WINDOW_DAYS = 90  # "recent", and how long a source may go with nothing picked before it is listed as idle
MONTHS_SHOWN = 6

# What counts as an entry a source brought: shown ones (a hidden promotion or a near-copy would dilute the shares).
_SHOWN = "e.promo = 0 AND e.duplicate_of IS NULL"


@dataclass
class Tally:
    """Counts over one window: entries, and how many of them were read, picked and starred."""

    entries: int = 0
    read: int = 0
    picked: int = 0
    starred: int = 0

    def share(self, name: str) -> float | None:
        """read / picked / starred as a fraction of the entries (None when there were none)."""
        return getattr(self, name) / self.entries if self.entries else None

    def as_dict(self) -> dict:
        shares = {f"{name}_share": None if self.share(name) is None else round(self.share(name), 4)
                  for name in ("read", "picked", "starred")}
        return {"entries": self.entries, "read": self.read, "picked": self.picked, "starred": self.starred, **shares}


@dataclass
class SourceStats:
    """One source (or one recommender): all-time and windowed tallies, picks per month, the last pick."""

    id: int
    name: str
    url: str
    created: str | None
    total: Tally = field(default_factory=Tally)
    recent: Tally = field(default_factory=Tally)  # entries added within the window
    months: dict[str, Tally] = field(default_factory=dict)  # "2026-03" -> entries added that month
    last_pick: str | None = None

    def as_dict(self, months: list[str]) -> dict:
        return {"id": self.id, "name": self.name, "url": self.url, "subscribed": self.created,
                **self.total.as_dict(), "recent": self.recent.as_dict(), "last_pick": self.last_pick,
                "months": {month: self.months.get(month, Tally()).as_dict() for month in months}}


@dataclass
class StatsReport:
    """Sources and recommenders with their shares, and the sources nothing was picked from in the window."""

    since: str
    months: list[str]  # the months shown, oldest first
    sources: list[SourceStats]
    recommenders: list[SourceStats]
    idle: list[SourceStats]  # no pick from their entries or their recommendations since `since`

    def as_dict(self) -> dict:
        return {"since": self.since, "window_days": WINDOW_DAYS, "months": self.months,
                "sources": [item.as_dict(self.months) for item in self.sources],
                "recommenders": [item.as_dict(self.months) for item in self.recommenders],
                "idle": [{"id": item.id, "name": item.name, "url": item.url, "subscribed": item.created,
                          "last_pick": item.last_pick, "recent_entries": item.recent.entries} for item in self.idle]}


def _months_back(now: datetime, count: int) -> list[str]:
    """The `count` calendar months up to and including `now`'s, oldest first ("2026-01" ... "2026-06")."""
    year, month, found = now.year, now.month, []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


class StatsQueries:
    """Mixin of Store: triage behaviour aggregated by source and by recommender."""

    conn: sqlite3.Connection

    def stats_report(self, now: datetime | None = None, days: int = WINDOW_DAYS) -> StatsReport:
        """Per source and per recommender: shares all time, over the last `days`, and month by month."""
        now = now or datetime.now(UTC)
        since = iso(now - timedelta(days=days))
        months = _months_back(now, MONTHS_SHOWN)
        sources = self.source_stats(since, months[0] + "-01T00:00:00Z")
        idle = sorted((item for item in sources if not item.last_pick or item.last_pick < since),
                      key=lambda item: (-item.recent.entries, -item.total.entries, item.id))
        return StatsReport(since, months, sources, self.recommender_stats(since, months[0] + "-01T00:00:00Z"), idle)

    def source_stats(self, since: str, months_since: str) -> list[SourceStats]:
        """Every source: its entries (as carried, one row per entry) read, picked and starred, all time, since
        `since`, and per month from `months_since`; the last pick among its entries or the works it recommended."""
        stats = self._named("SELECT id, coalesce(title, url), url, created FROM sources ORDER BY id")
        self._tally(stats, f"""SELECT es.source_id AS source_id, e.added AS added, e.read AS read, e.picked AS picked,
                                      e.starred AS starred
                               FROM entry_sources es JOIN entries e ON e.id = es.entry_id
                               WHERE {_SHOWN} AND e.kind = 'post'""", since, months_since)
        for source_id, last in self.conn.execute(
                """SELECT source_id, max(last) FROM (
                       SELECT es.source_id, max(e.picked_at) AS last FROM entry_sources es
                       JOIN entries e ON e.id = es.entry_id WHERE e.picked = 1 GROUP BY es.source_id
                       UNION ALL
                       SELECT m.source_id, max(e.picked_at) FROM mentions m JOIN entries e ON e.id = m.entry_id
                       WHERE e.picked = 1 AND m.source_id IS NOT NULL GROUP BY m.source_id) AS picks
                   GROUP BY source_id"""):
            if source_id in stats:
                stats[source_id].last_pick = last
        return list(stats.values())

    def recommender_stats(self, since: str, months_since: str) -> list[SourceStats]:
        """Every source that recommended works (roundup items, links pages): the distinct works it named, and
        how many of those were read, picked and starred; windows by when it named them."""
        stats = self._named("""SELECT id, coalesce(title, url), url, created FROM sources
                               WHERE id IN (SELECT DISTINCT source_id FROM mentions) ORDER BY id""")
        self._tally(stats, f"""SELECT m.source_id AS source_id, min(m.added) AS added, e.read AS read, e.picked AS picked,
                                      e.starred AS starred
                               FROM mentions m JOIN entries e ON e.id = m.entry_id
                               WHERE m.source_id IS NOT NULL AND {_SHOWN}
                               GROUP BY m.source_id, e.id""", since, months_since)
        for source_id, last in self.conn.execute(
                """SELECT m.source_id, max(e.picked_at) FROM mentions m JOIN entries e ON e.id = m.entry_id
                   WHERE e.picked = 1 AND m.source_id IS NOT NULL GROUP BY m.source_id"""):
            if source_id in stats:
                stats[source_id].last_pick = last
        return [item for item in stats.values() if item.total.entries]

    def _named(self, sql: str) -> dict[int, SourceStats]:
        return {row[0]: SourceStats(row[0], row[1], row[2], row[3]) for row in self.conn.execute(sql)}

    def _tally(self, stats: dict[int, SourceStats], rows_sql: str, since: str, months_since: str) -> None:
        """Fold rows of (source_id, added, read, picked, starred) into the tallies, in one GROUP BY pass."""
        for source_id, month, recent, entries, read, picked, starred in self.conn.execute(
                f"""SELECT source_id, CASE WHEN added >= ? THEN substr(added, 1, 7) END, added >= ?,
                           count(*), sum(read), sum(picked), sum(starred)
                    FROM ({rows_sql}) AS rows_of_entries
                    GROUP BY 1, 2, 3""", (months_since, since)):
            item = stats.get(source_id)
            if item is None:
                continue
            counts = Tally(entries, read or 0, picked or 0, starred or 0)
            for tally in [item.total] + ([item.recent] if recent else []):
                _add(tally, counts)
            if month:
                _add(item.months.setdefault(month, Tally()), counts)


def _add(tally: Tally, counts: Tally) -> None:
    tally.entries += counts.entries
    tally.read += counts.read
    tally.picked += counts.picked
    tally.starred += counts.starred
