"""Which entries a run enriches, a window at a time: those asked for, every entry, or new entries claimed
from the library a window at a time, so that runs in other processes (workers on other machines, a `fetch`
beside a `serve`) take other entries instead of enriching the same ones twice."""

from __future__ import annotations

from datetime import UTC, datetime

from blogreader.schedule.owners import is_gone_local, new_owner
from blogreader.store import Store
from blogreader.store.schedule import leases_supported

WINDOW = 1000  # entries read, classified and summarized together (two windows are in memory at once)
LLM_WINDOW = 10  # with a model summarizing (seconds an entry), so that a window ends well within its claim
CLAIM_SECONDS = 900.0  # how long a window stays claimed: a process that hangs longer gives its entries up
# An empty claim may only mean that another process claimed the same entries at that moment (PostgreSQL): asked
# again, it finds the ones after them. Nothing claimable all these times: the backlog is done (or others hold it).
CLAIM_ATTEMPTS = 3


class EntryWindows:
    """The ids of the entries a run enriches, a window at a time."""

    def __init__(self, store: Store, ids: list[int] | None, only_unenriched: bool, size: int) -> None:
        self.store, self.size = store, size
        # Entries asked for by id, or all of them (`enrich --all`), are enriched whoever else is at it.
        self.claiming = ids is None and only_unenriched and leases_supported()
        self.owner = new_owner()
        self._listed = None
        if self.claiming:
            now = _now()
            store.drop_expired_enrich_claims(now)
            for owner in store.enrich_claim_owners(now):
                if is_gone_local(owner):  # killed mid-run on this host: its entries need not wait for the claim to end
                    store.release_enrich_claims(owner)
        else:
            todo = ids if ids is not None else store.enrichment_ids(only_unenriched=only_unenriched)
            self._listed = iter([todo[start:start + size] for start in range(0, len(todo), size)])

    def next(self) -> list[int]:
        """The next window's ids; [] when there are no more."""
        if self._listed is not None:
            return next(self._listed, [])
        for _attempt in range(CLAIM_ATTEMPTS):
            window = self.store.claim_unenriched(self.owner, _now(), CLAIM_SECONDS, self.size)
            if window:
                return window
        return []

    def close(self) -> None:
        """Hand back every claim of this run: its entries are enriched, or left for the next run."""
        if self.claiming:
            self.store.release_enrich_claims(self.owner)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
