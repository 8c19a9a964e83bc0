"""The other runs of bench/fetch.py: the default `fetch` (with enrichment), the bare download of the same feeds
as a whole process, the plain feedparser loop, and the peak memory of a process with all its children.

Each `measure_*` runs inside a measuring child of bench/fetch.py (a fresh interpreter), so what it reports is
its own: the imports it needs, the memory it takes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

# The bare download: one aiohttp session, as many requests at once as BlogReader allows, bodies read and
# dropped. Run as a process of its own, start-up and imports included, as a user would time a script.
_DOWNLOAD_SCRIPT = """
import asyncio, sys, aiohttp
async def main(urls):
    connector = aiohttp.TCPConnector(limit=64, limit_per_host=2)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(url):
            async with session.get(url) as response:
                return len(await response.read())
        sizes = await asyncio.gather(*(one(url) for url in urls))
    print(len(sizes), sum(sizes))
asyncio.run(main(sys.stdin.read().split()))
"""


class TreeMemory:
    """The peak of the memory of this process and all its descendants together, sampled every `every` seconds
    from /proc (a worker's own peak is not enough: the parse workers live beside the writer).

    Memory is counted as PSS, each shared page split between the processes that share it: forked workers
    share the writer's pages, and adding their RSS would count those pages once per process. `peak_rss_kb`
    is that naive sum, kept beside it."""

    def __init__(self, every: float = 0.05) -> None:
        self.every, self.peak_kb, self.peak_rss_kb = every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)

    @property
    def peak_rss_mb(self) -> float:
        return round(self.peak_rss_kb / 1024, 1)

    def _sample(self) -> None:
        root = os.getpid()
        while not self._stop.is_set():
            sizes = [_memory_kb(pid) for pid in _tree(root)]
            self.peak_kb = max(self.peak_kb, sum(pss for pss, _ in sizes))
            self.peak_rss_kb = max(self.peak_rss_kb, sum(rss for _, rss in sizes))
            self._stop.wait(self.every)


def _tree(root: int) -> list[int]:
    """`root` and every process descended from it."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            parents[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a process in KB; (0, 0) once it has gone."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Pss", "Rss"):
                found[name] = int(rest.split()[0])
    except OSError:
        pass
    return found.get("Pss", 0), found.get("Rss", 0)


@contextmanager
def subscribed_library(urls: list[str], prefix: str, watch_memory: bool = True):
    """A fresh library in a temp folder subscribed to every feed, with the memory of this process and its
    children watched (or None): (store, settings, memory).

    The watch reads /proc every 50 ms from a thread of this process: beside a fetch it took 150 µs of CPU an
    entry stored, and the GIL while it parsed, so a run that is timed is not watched."""
    os.environ["BLOGREADER_ALLOW_PRIVATE_NETWORKS"] = "1"
    from fetch import blogreader_settings, subscribe_all

    from blogreader.store import Store

    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, (TreeMemory() if watch_memory else nullcontext()) as memory:
        settings = blogreader_settings(Path(tmp) / "library")
        store = Store.open(settings.database_path)
        try:
            subscribe_all(store, urls)
            yield store, settings, memory
        finally:
            store.close()


def default_fetch(store, settings) -> tuple[float, float]:
    """The default `fetch` of a fresh library, as `blogreader fetch` does without --no-enrich: refresh (enriching
    new posts as it parses them, in versions that do), then enrich every entry left (summaries, categories, promo
    flags); (refresh seconds, enrich seconds)."""
    import inspect

    from blogreader.pipeline import enrich_new, refresh

    as_parsed = {"enrich": True} if "enrich" in inspect.signature(refresh).parameters else {}
    started = time.perf_counter()
    refresh(store, store.sources(), settings, **as_parsed)
    fetched = time.perf_counter()
    enrich_new(store, settings)  # ... and what is left (roundups and their items)
    return fetched - started, time.perf_counter() - fetched


def measure_default_fetch(urls: list[str], items: int, feed_bytes: int = 0) -> dict:
    """The default `fetch`, timed on a fresh library, first in this interpreter (its imports counted)."""
    with subscribed_library(urls, "blogreader-bench-default-", watch_memory=False) as (store, settings, _):
        refreshing, enriching = default_fetch(store, settings)
        enriched, stored = store.conn.execute(
            "SELECT count(*) FILTER (WHERE summary IS NOT NULL AND category IS NOT NULL), count(*) FROM entries"
        ).fetchone()
    return {
        "default_fetch_seconds": round(refreshing + enriching, 3),
        "default_fetch_feeds_per_s": round(len(urls) / (refreshing + enriching), 1),
        "refresh_seconds": round(refreshing, 3),
        "enrich_seconds": round(enriching, 3),
        "entries_stored": stored,
        "entries_enriched": enriched,
    }


def measure_default_fetch_memory(urls: list[str], items: int, feed_bytes: int = 0) -> dict:
    """The default `fetch` again, on another fresh library, for the peak memory of all its processes together."""
    with subscribed_library(urls, "blogreader-bench-default-memory-") as (store, settings, memory):
        default_fetch(store, settings)
    return {"peak_rss_all_processes_mb": memory.peak_mb, "peak_rss_all_processes_naive_sum_mb": memory.peak_rss_mb}


def measure_first_fetch_memory(urls: list[str], items: int, feed_bytes: int = 0) -> dict:
    """The first `fetch --no-enrich` again, for the peak memory of the writer and its parse workers together."""
    from blogreader.pipeline import refresh

    with subscribed_library(urls, "blogreader-bench-memory-") as (store, settings, memory):
        refresh(store, store.sources(), settings)
    return {"peak_rss_all_processes_mb": memory.peak_mb, "peak_rss_all_processes_naive_sum_mb": memory.peak_rss_mb}


def measure_bare_download(urls: list[str], items: int, feed_bytes: int = 0) -> dict:
    """Download every feed and keep nothing, in a process of its own: the floor a fetch can approach."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _DOWNLOAD_SCRIPT], input="\n".join(urls), capture_output=True,
                          text=True, timeout=600, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the bare download failed: {done.stderr.strip()[-500:]}")
    count, size = map(int, done.stdout.split())
    return {"seconds": round(seconds, 3), "feeds": count, "bytes": size}


def measure_feedparser(urls: list[str], items: int, feed_bytes: int = 0) -> dict:
    """A naive reader: feedparser.parse(url) on each feed in turn, then again with its ETag."""
    import feedparser
    from fetch import CpuClock, peak_rss_mb, rate

    started, clock = time.perf_counter(), CpuClock()
    results = [feedparser.parse(url) for url in urls]
    first_seconds = time.perf_counter() - started
    first_cpu = sum(clock.read())
    etags = [result.get("etag") for result in results]
    started = time.perf_counter()
    again = [feedparser.parse(url, etag=etag) for url, etag in zip(urls, etags)]
    again_seconds = time.perf_counter() - started
    parsed = sum(len(result.entries) for result in results)
    return {
        "feeds": len(urls),
        "first_fetch_feeds_per_s": rate(len(urls), first_seconds),
        "first_fetch_seconds": round(first_seconds, 3),
        "entries_parsed": parsed,
        "first_fetch_cpu_us_per_entry": round(first_cpu / max(1, parsed) * 1e6, 1),
        "entries_expected": len(urls) * items,
        "refetch_feeds_per_s": rate(len(urls), again_seconds),
        "refetch_seconds": round(again_seconds, 3),
        "refetch_not_modified": sum(1 for result in again if result.get("status") == 304),
        "peak_rss_mb": peak_rss_mb(),
    }
