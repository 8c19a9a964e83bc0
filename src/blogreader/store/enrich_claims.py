"""Enrichment claims: which process is enriching which entries, so several never enrich the same ones at once.

A claim is one INSERT of up to `limit` unenriched, unclaimed entries, oldest first. On SQLite its transaction
holds the writer lock, so claims run one at a time; on PostgreSQL the entries are picked with FOR UPDATE SKIP
LOCKED, so claimers on any number of machines pass over the rows another is claiming instead of waiting or
taking them too. A claim that ran out (its process hung or died elsewhere) is taken over by the next claimer.
On PostgreSQL a claim whose statement began before another's committed may pick the same entries; the conflict
clause takes over only claims that ran out, so those go to neither twice (the claimer gets fewer, or none, and
asks again).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from blogreader.clock import iso
from blogreader.store.database import transaction
from blogreader.store.dialect import skip_locked


class EnrichClaimQueries:
    """Mixin of Store: enrichment claims."""

    conn: sqlite3.Connection

    def claim_unenriched(self, owner: str, now: datetime, lease_seconds: float, limit: int) -> list[int]:
        """Claim up to `limit` entries no one has enriched or is enriching, for `owner`; their ids, oldest first."""
        params = {"owner": owner, "now": iso(now), "until": iso(now + timedelta(seconds=lease_seconds)),
                  "limit": int(limit)}
        with transaction(self.conn):
            rows = self.conn.execute(
                f"""INSERT INTO enrich_claims (entry_id, owner, claimed_until)
                    SELECT e.id, :owner, :until FROM entries e
                    WHERE e.enriched_at IS NULL AND NOT EXISTS (
                        SELECT 1 FROM enrich_claims c WHERE c.entry_id = e.id AND c.claimed_until >= :now)
                    ORDER BY e.id LIMIT :limit{skip_locked(self.conn)}
                    ON CONFLICT (entry_id) DO UPDATE SET owner = excluded.owner, claimed_until = excluded.claimed_until
                    WHERE enrich_claims.claimed_until < :now
                    RETURNING entry_id""",
                params,
            ).fetchall()
        return sorted(row[0] for row in rows)

    def enrich_claim_owners(self, now: datetime) -> list[str]:
        """The owners of the claims still running at `now`."""
        rows = self.conn.execute("SELECT DISTINCT owner FROM enrich_claims WHERE claimed_until >= ?", (iso(now),))
        return [row[0] for row in rows.fetchall()]

    def drop_expired_enrich_claims(self, now: datetime) -> int:
        """Forget claims that ran out (their process died elsewhere, or hung): they hold nothing any more."""
        with transaction(self.conn):
            return self.conn.execute("DELETE FROM enrich_claims WHERE claimed_until < ?", (iso(now),)).rowcount

    def release_enrich_claims(self, owner: str) -> int:
        """Drop every claim of `owner`: its entries are enriched, or handed back unenriched."""
        with transaction(self.conn):
            return self.conn.execute("DELETE FROM enrich_claims WHERE owner = ?", (owner,)).rowcount
