"""The parse worker processes of a large refresh, and what a refresh does when one of them dies.

A worker can die under a feed: a crash in a parser's C code, or the out-of-memory killer. Its pool then breaks
(`BrokenProcessPool`) and fails every feed it held, so before, one feed took the rest of the refresh down with
an internal error. Now the refresh goes on:
- the pool is started again, with `spawn`: the refresh's threads run by then, and a process forked from a
  process with threads can inherit a lock some other thread held;
- each worker notes the source it is reading in a slot shared with the refresh, so a feed that was being read
  when the pool broke is known: it is read again alone, in a process of its own, and if it brings that one down
  too it is recorded as failed (`WorkerCrashed`) and the refresh goes on without it;
- the feeds that were only waiting their turn are read by the new pool.
Each result comes back as a file, its path the only message (spool.py): a worker killed while it wrote a long
message to the pool's pipe left the pool reading the rest of it forever.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING

from blogreader.errors import ParseError
from blogreader.reading import read_in_worker, serve_in_this_worker
from blogreader.spool import new_folder, remove, spooled, unspooled

if TYPE_CHECKING:
    from blogreader.enrich.at_fetch import FetchEnricher
    from blogreader.models import FetchResult, Source
    from blogreader.reading import Identities

RESTART_METHOD = "spawn"  # how a pool is started again mid-refresh (tests fork, to keep what they patched)
MAX_RESTARTS = 5  # pools started again in one refresh; past that the feeds left fail, each with its message


class WorkerCrashed(ParseError):
    """Reading a feed brought down the process that read it: it is skipped, the other feeds are read."""


class ParseWorkers:
    """`count` worker processes that run `reading.read_in_worker`, each with the run's enricher; `close` when done."""

    def __init__(self, count: int, enricher: FetchEnricher | None) -> None:
        self.count, self.enricher = count, enricher
        self.restarts = 0
        self.slots: dict[ProcessPoolExecutor, object] = {}  # each pool's slots: (pid, source id) per worker
        self.suspects: dict[ProcessPoolExecutor, set[int]] = {}  # each broken pool's feeds that were being read
        self.spool = new_folder()
        self.pool = self._started("fork")
        self.pool.submit(int).result()  # fork every worker now, before the event loop starts any thread

    def _started(self, method: str) -> ProcessPoolExecutor:
        context = mp.get_context(method)
        slots = context.Array("q", 2 * self.count)
        pool = ProcessPoolExecutor(max_workers=self.count, mp_context=context, initializer=serve_in_this_worker,
                                   initargs=(self.enricher, slots))
        self.slots[pool] = slots
        return pool

    async def read(self, source: Source, result: FetchResult, keep_private_links: bool, pack: bool,
                   known: Identities | None):
        """`read_in_worker(...)` in a worker; WorkerCrashed when the feed brought down the process reading it."""
        job = partial(spooled, self.spool, read_in_worker, source, result, keep_private_links, pack, known)
        loop = asyncio.get_running_loop()
        while True:
            pool = self.pool
            try:
                return unspooled(await loop.run_in_executor(pool, job))
            except BrokenProcessPool:
                suspects = self._replaced(pool, source)
            if source.id in suspects:
                return unspooled(await self._alone(job, source))

    def _replaced(self, broken: ProcessPoolExecutor, source: Source) -> set[int]:
        """The feeds being read when `broken` broke; the first caller to see it broken starts its successor."""
        if broken not in self.suspects:
            slots = self.slots.pop(broken)
            self.suspects[broken] = {slots[at + 1] for at in range(0, len(slots), 2) if slots[at + 1]}
            broken.shutdown(wait=False, cancel_futures=True)
            if self.restarts < MAX_RESTARTS:
                self.restarts += 1
                self.pool = self._started(RESTART_METHOD)
        if self.pool is broken:  # out of restarts: the workers keep dying, whatever they read
            raise WorkerCrashed(f"{source.url}: not read, since the parse worker processes died {self.restarts + 1} "
                                "times in this refresh (out of memory?); free some memory and fetch again")
        return self.suspects[broken]

    async def _alone(self, job, source: Source):
        """`job` in a process of its own, so that a feed that brings it down takes no other feed with it."""
        solo = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context(RESTART_METHOD),
                                   initializer=serve_in_this_worker, initargs=(self.enricher, None))
        try:
            return await asyncio.get_running_loop().run_in_executor(solo, job)
        except BrokenProcessPool:
            raise WorkerCrashed(f"{source.url}: reading this feed brought down the process reading it, twice, so it "
                                "was skipped and the other feeds were read; open it in a browser to check it, and "
                                "report it if it is a valid feed") from None
        finally:
            solo.shutdown(wait=False)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        remove(self.spool)

