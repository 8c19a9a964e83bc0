"""A fetch's writes, several feeds to a transaction, committed by count and by time."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager

from blogreader.store import Store
from blogreader.store.database import Batch


class WriteBatch:
    """The feeds a refresh stores, several to a transaction (store.database.Batch), committed every `feeds`
    feeds, `seconds` after the batch began, and at the end.

    Between feeds the transaction stays open at most `seconds`, so another writer (a worker renewing its
    leases, the web app) waits at most that long. All of it runs on the event loop's thread and a feed's
    writes hold no await, so the timed commit never falls inside one.
    """

    def __init__(self, store: Store, feeds: int, seconds: float) -> None:
        self.batch = Batch(store.conn, feeds)
        self.seconds = seconds
        self.timer: asyncio.TimerHandle | None = None

    @contextmanager
    def unit(self):
        """One feed's writes: all of them or none, durable once the batch commits."""
        if not self.batch.open:
            try:
                self.timer = asyncio.get_running_loop().call_later(self.seconds, self.commit)
            except RuntimeError:  # no event loop: committed by the count or at the end
                self.timer = None
        with self.batch.unit():
            yield
        if not self.batch.open and self.timer is not None:  # committed by the count
            self.timer.cancel()
            self.timer = None

    def commit(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.batch.commit()
