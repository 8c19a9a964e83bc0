"""The scheduler's queries: claim due sources under a lease, release them with their next poll, show the plan."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from blogreader.clock import iso
from blogreader.errors import StoreError
from blogreader.store.database import transaction
from blogreader.store.dialect import greatest, in_json_list, skip_locked
from blogreader.store.sources import _source

_FREE = "(lease_until IS NULL OR lease_until < :now)"
_DUE = "disabled = 0 AND (next_poll_at IS NULL OR next_poll_at <= :now) AND (retry_after IS NULL OR retry_after <= :now)"


def leases_supported() -> bool:
    """A claim is one UPDATE ... RETURNING, which SQLite has from 3.35 on."""
    return sqlite3.sqlite_version_info >= (3, 35)


def _require_returning() -> None:
    if not leases_supported():
        raise StoreError(f"the scheduler needs SQLite 3.35 or newer, and this Python has {sqlite3.sqlite_version}; "
                         "use a newer Python build, or run `blogreader update` from cron instead")


@dataclass(frozen=True)
class PollState:
    """A source's place in the schedule, as `blogreader sources` shows it."""

    next_poll_at: str | None
    poll_interval: int | None
    poll_reason: str | None
    lease_owner: str | None
    lease_until: str | None


class ScheduleQueries:
    """Mixin of Store: leases and poll times. A claim is one UPDATE, so two processes never share a source.

    On SQLite the claim's transaction holds the writer lock, so claims run one at a time. On PostgreSQL the
    rows to claim are picked with FOR UPDATE SKIP LOCKED: any number of workers on any number of machines
    claim at once, each passing over the rows another is claiming, and none waits for another; the lease
    (owner, until) written in the same statement keeps the source theirs after the transaction commits.
    """

    conn: sqlite3.Connection

    def claim_due_sources(self, owner: str, now: datetime, lease_seconds: float, limit: int) -> list:
        """Lease up to `limit` sources that are due and free at `now` to `owner`; returns them, soonest due first."""
        _require_returning()
        params = {"owner": owner, "now": iso(now), "until": iso(now + timedelta(seconds=lease_seconds)),
                  "limit": int(limit)}
        with transaction(self.conn):
            rows = self.conn.execute(
                f"""UPDATE sources SET lease_owner = :owner, lease_until = :until
                    WHERE id IN (SELECT id FROM sources WHERE {_DUE} AND {_FREE}
                                 ORDER BY coalesce(next_poll_at, ''), id LIMIT :limit{skip_locked(self.conn)})
                      AND {_FREE}
                    RETURNING *""",
                params,
            ).fetchall()
        return sorted((_source(row) for row in rows), key=lambda source: source.id)

    def claim_source(self, source_id: int, owner: str, now: datetime, lease_seconds: float):
        """Lease one source whatever its schedule ("fetch now"); None when another process holds it."""
        _require_returning()
        params = {"owner": owner, "now": iso(now), "until": iso(now + timedelta(seconds=lease_seconds)),
                  "id": source_id}
        with transaction(self.conn):
            row = self.conn.execute(
                f"""UPDATE sources SET lease_owner = :owner, lease_until = :until
                    WHERE id IN (SELECT id FROM sources WHERE id = :id AND disabled = 0 AND {_FREE}
                                 {skip_locked(self.conn)})
                      AND {_FREE} RETURNING *""",
                params,
            ).fetchone()
        return _source(row) if row else None

    def claim_sources(self, source_ids: list[int], owner: str, now: datetime, lease_seconds: float) -> list:
        """Lease those of `source_ids` that are enabled and free, whatever their schedule (`fetch`, `update`).

        One UPDATE for the whole list (the ids travel as one JSON array), so no other process can take
        some of them halfway; returns the sources leased, by id. The rest are held by another process (on
        PostgreSQL, also one whose row another transaction is writing at that moment: passed over, not waited for).
        """
        _require_returning()
        params = {"owner": owner, "now": iso(now), "until": iso(now + timedelta(seconds=lease_seconds)),
                  "ids": json.dumps([int(source_id) for source_id in source_ids])}
        with transaction(self.conn):
            rows = self.conn.execute(
                f"""UPDATE sources SET lease_owner = :owner, lease_until = :until
                    WHERE id IN (SELECT id FROM sources WHERE id {in_json_list(self.conn, ':ids')}
                                     AND disabled = 0 AND {_FREE}{skip_locked(self.conn)})
                      AND {_FREE}
                    RETURNING *""",
                params,
            ).fetchall()
        return sorted((_source(row) for row in rows), key=lambda source: source.id)

    def renew_leases(self, owner: str, now: datetime, lease_seconds: float) -> int:
        """Push back the end of every lease `owner` holds: it is still working on them."""
        with transaction(self.conn):
            return self.conn.execute(
                "UPDATE sources SET lease_until = ? WHERE lease_owner = ?",
                (iso(now + timedelta(seconds=lease_seconds)), owner),
            ).rowcount

    def release_source(self, source_id: int, owner: str, next_poll_at: datetime | None,
                       interval: int | None, reason: str | None) -> bool:
        """Hand a source back with its next poll time; False when the lease had lapsed and another took it."""
        with transaction(self.conn):
            return self.conn.execute(
                """UPDATE sources SET lease_owner = NULL, lease_until = NULL,
                       next_poll_at = ?, poll_interval = ?, poll_reason = ?
                   WHERE id = ? AND lease_owner = ?""",
                (iso(next_poll_at), interval, reason, source_id, owner),
            ).rowcount == 1

    def lease_owners(self, now: datetime) -> list[str]:
        """The owners of the leases still running at `now`."""
        rows = self.conn.execute(
            "SELECT DISTINCT lease_owner FROM sources WHERE lease_owner IS NOT NULL AND lease_until >= ?", (iso(now),)
        ).fetchall()
        return [row[0] for row in rows]

    def release_all(self, owner: str) -> int:
        """Drop every lease `owner` holds, leaving the sources due as they were (a clean shutdown)."""
        with transaction(self.conn):
            return self.conn.execute(
                "UPDATE sources SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", (owner,)
            ).rowcount

    def next_due_at(self) -> str | None:
        """When the soonest enabled source is due and free ('' when one already is); None without sources."""
        row = self.conn.execute(
            f"""SELECT min({greatest(self.conn, "coalesce(next_poll_at, '')", "coalesce(retry_after, '')",
                                     "coalesce(lease_until, '')")})
               FROM sources WHERE disabled = 0""",
        ).fetchone()
        return row[0] if row else None

    def recent_publication_times(self, source_id: int, limit: int = 10) -> list[str]:
        """The publication times of the source's newest dated entries, newest first."""
        rows = self.conn.execute(
            """SELECT e.published FROM entry_sources es JOIN entries e ON e.id = es.entry_id
               WHERE es.source_id = ? AND e.published IS NOT NULL AND e.parent_id IS NULL
               ORDER BY e.published DESC LIMIT ?""",
            (source_id, int(limit)),
        ).fetchall()
        return [row[0] for row in rows]

    def poll_states(self) -> dict[int, PollState]:
        """Every source's schedule, by id."""
        rows = self.conn.execute(
            "SELECT id, next_poll_at, poll_interval, poll_reason, lease_owner, lease_until FROM sources"
        ).fetchall()
        return {row["id"]: PollState(*tuple(row)[1:]) for row in rows}
