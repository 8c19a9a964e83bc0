"""Fetch benchmark: BlogReader's refresh against a naive sequential feedparser reader.

What it measures, on generated RSS 2.0 feeds served from 127.0.0.1:

- BlogReader first fetch: a fresh library subscribed to every feed, then one
  `pipeline.refresh` (fetch, parse, sanitize, store); feeds/s and the number of entries stored.
- BlogReader re-fetch: `refresh` again on the same library; every feed answers 304.
- Baseline: `feedparser.parse(url)` on each feed in turn, then again with the ETag, on a
  subset of the feeds (it is slow); feeds/s.
- The default `fetch` (refresh, enriching new posts as it parses them, then the enrich pass for what is left:
  roundups and their items) on another fresh library, and a bare
  aiohttp download of every feed as a process of its own (bench/fetch_runs.py): the floor a fetch approaches.
- Peak RSS of the BlogReader run and of the baseline, each measured in its own child process, and the peak
  of a BlogReader run's processes together (the writer and its parse workers), for the first and the
  default fetch, each in a run of its own: the watch reads /proc from a thread beside the writer, and no
  timed run carries its cost.
- CPU microseconds per entry of both (BlogReader's main process and its parse workers), and the speed-up
  as a ratio of CPU: on a busy machine wall time counts the other work too.
- The library's size per 1,000 entries, and its ratio to the bytes of the feeds served.

The server is aiohttp.web in its own process, listening on several ports of 127.0.0.1 so that
BlogReader's per-host politeness limit (2 requests per host:port) acts as it would across many
blogs rather than serialising every request to one host. On loopback a request costs no wait,
so by default this is a contest of CPU per feed; `--latency-ms` adds a delay to every response
to stand in for the network round trips a sequential reader waits out.

Run it from the project folder:

    .venv/bin/python bench/fetch.py            # 1000 feeds x 20 items, baseline on 100 feeds
    .venv/bin/python bench/fetch.py --quick    # 100 feeds, baseline on 20: a smoke run
    .venv/bin/python bench/fetch.py --latency-ms 100   # as if every feed were 100 ms away
    .venv/bin/python bench/fetch.py --description-only # the whole post in <description> (library size)
    .venv/bin/python bench/fetch.py --rounds 3  # each timing three times side by side, the median round reported

One JSON object goes to stdout; progress goes to stderr. Exit status 1 when a check fails
(for example fewer entries stored than served).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from children import run_in_child  # sibling modules of this script
from fetch_runs import (measure_bare_download, measure_default_fetch, measure_default_fetch_memory, measure_feedparser,
                        measure_first_fetch_memory)
from fetch_report import TARGETS, checks, median_round, ratio, targets_met
from feedserver import (HOST, SERVER_START_TIMEOUT, WORDS, FeedServer, build_routes, feed_path,  # noqa: F401 - bench/workers.py and
                        feed_urls, make_app, make_feed, sentence)  # bench/web_postgres.py use them as fetch.*

CHILD_TIMEOUT = 1800.0  # seconds a measuring child may run before it is stopped



def log(message: str) -> None:
    print(f"[bench/fetch] {message}", file=sys.stderr, flush=True)


# -- measuring children -------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size (ru_maxrss is in KB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class CpuClock:
    """CPU seconds of this process, and of its children that have exited (parse workers), since it started.

    On a busy machine wall time measures the other work as much as ours; CPU time does not."""

    def __init__(self) -> None:
        self.own, self.children = cpu_seconds(), cpu_seconds(resource.RUSAGE_CHILDREN)

    def read(self) -> tuple[float, float]:
        return cpu_seconds() - self.own, cpu_seconds(resource.RUSAGE_CHILDREN) - self.children


def library_bytes(path: Path) -> int:
    """The library's files on disk: the database with its write-ahead log folded in."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(file.stat().st_size for file in path.parent.iterdir() if file.name.startswith(path.name))


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def blogreader_settings(home: Path):
    """Settings of a fresh library that may fetch from 127.0.0.1, and only from there.

    Items link to invented hosts, so fetching article pages for teasers is off.
    """
    from dataclasses import replace

    from blogreader.config import load_settings

    settings = load_settings(home)
    return replace(
        settings,
        allow_private_networks=True,
        fetch=replace(settings.fetch, allow_private_networks=True),
        enrich=replace(settings.enrich, full_text=False),
    )


def subscribe_all(store, urls: list[str]) -> None:
    for n, url in enumerate(urls):
        store.add_source(url, "feed", title=f"Blog {n}")


def timed_refresh(store, settings):
    from blogreader.pipeline import refresh

    started = time.perf_counter()
    report = refresh(store, store.sources(), settings)
    return report, time.perf_counter() - started


def cpu_refresh(store, settings):
    """timed_refresh, with the CPU seconds of the main process and of the parse workers."""
    clock = CpuClock()
    report, seconds = timed_refresh(store, settings)
    own, workers = clock.read()
    return report, seconds, own, workers


def first_failure(report) -> str | None:
    failed = [outcome.error for outcome in report.outcomes if outcome.status == "failed"]
    return failed[0] if failed else None


class Stopwatch:
    """Wraps a function and adds up the time spent in it."""

    def __init__(self, function) -> None:
        self.function, self.seconds, self.calls = function, 0.0, 0

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


def timed_near_duplicates() -> tuple[Stopwatch, float]:
    """Time the near-duplicate step of saving (shingles, MinHash bands, candidate lookup, linking); and the
    seconds its library takes to import, once per process, kept apart."""
    import blogreader.store.entries as entries

    started = time.perf_counter()
    import numpy  # noqa: F401 - imported here so the per-entry figure does not carry it (band keys need it)

    imported = time.perf_counter() - started
    entries.link_near_duplicate = watch = Stopwatch(entries.link_near_duplicate)
    return watch, imported


def measure_blogreader(urls: list[str], items: int, feed_bytes: int = 0) -> dict:
    """First fetch and re-fetch of every feed into a fresh library in a temp folder."""
    os.environ["BLOGREADER_ALLOW_PRIVATE_NETWORKS"] = "1"
    from blogreader.store import Store

    near_duplicates, import_seconds = timed_near_duplicates()

    feeds = len(urls)
    with tempfile.TemporaryDirectory(prefix="blogreader-bench-") as tmp:
        settings = blogreader_settings(Path(tmp) / "library")
        store = Store.open(settings.database_path)
        try:
            subscribe_all(store, urls)
            first, first_seconds, main_cpu, worker_cpu = cpu_refresh(store, settings)
            stored = store.conn.execute("select count(*) from entries").fetchone()[0]
            searchable = store.conn.execute("select count(*) from entries_fts").fetchone()[0]
            again, again_seconds = timed_refresh(store, settings)
        finally:
            store.close()
        size = library_bytes(settings.database_path)
    return {
        "first_fetch_feeds_per_s": rate(feeds, first_seconds),
        "first_fetch_seconds": round(first_seconds, 3),
        "entries_stored": stored,
        "entries_expected": feeds * items,
        "first_fetch_failed": first.count("failed"),
        "first_fetch_error_sample": first_failure(first),
        # Cost per stored entry: the whole first fetch, and the near-duplicate step within it.
        "first_fetch_us_per_entry": round(first_seconds / max(1, stored) * 1e6, 1),
        "entries_searchable": searchable,
        # CPU per stored entry, which a busy machine does not inflate as it does wall time: the main process
        # (the one writer) and the parse workers.
        "first_fetch_cpu_us_per_entry": round((main_cpu + worker_cpu) / max(1, stored) * 1e6, 1),
        "first_fetch_main_cpu_us_per_entry": round(main_cpu / max(1, stored) * 1e6, 1),
        "first_fetch_cpu_seconds": round(main_cpu + worker_cpu, 2),
        "library_kb_per_1000_entries": round(size / max(1, stored) * 1000 / 1024, 1),
        "library_to_feed_bytes": round(size / feed_bytes, 2) if feed_bytes else None,
        "near_duplicate_us_per_entry": round(near_duplicates.seconds / max(1, near_duplicates.calls) * 1e6, 1),
        "near_duplicate_import_ms": round(import_seconds * 1000, 1),
        "refetch_feeds_per_s": rate(feeds, again_seconds),
        "refetch_seconds": round(again_seconds, 3),
        "refetch_unchanged": again.count("unchanged"),
        "peak_rss_mb": peak_rss_mb(),
    }


MEASURES = {"blogreader": measure_blogreader, "feedparser": measure_feedparser, "default": measure_default_fetch,
            "memory": measure_first_fetch_memory, "default_memory": measure_default_fetch_memory,
            "download": measure_bare_download}


class LoopbackGuard:
    """An audit hook that refuses every name lookup and connection not aimed at 127.0.0.1."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def __call__(self, event: str, args: tuple) -> None:
        if event == "socket.getaddrinfo":
            host = args[0]
        elif event == "socket.connect" and isinstance(args[1], tuple):
            host = args[1][0]
        else:
            return
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if host is not None and host != HOST:
            self.blocked.append(f"{event} {host}")
            raise PermissionError(f"bench/fetch only talks to {HOST}, not {host}")


def child_main(conn, name: str, urls: list[str], items: int, feed_bytes: int = 0) -> None:
    guard = LoopbackGuard()
    sys.addaudithook(guard)
    result = MEASURES[name](urls, items, feed_bytes)
    result["non_loopback_blocked"] = len(guard.blocked)
    conn.send(result)


def run_child(name: str, urls: list[str], items: int, feed_bytes: int = 0) -> dict:
    """Run one measurement in a fresh interpreter, so its peak RSS is its own."""
    return run_in_child(child_main, (name, urls, items, feed_bytes), name, CHILD_TIMEOUT)


# -- the run --------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    load_at_start = round(os.getloadavg()[0], 2)
    log(f"generating {args.feeds} feeds x {args.items} items and starting the server on {args.ports} port(s)")
    latency = args.latency_ms / 1000
    with FeedServer(args.feeds, args.items, args.ports, latency, lifetime=2 * CHILD_TIMEOUT + 60,
                    description_only=args.description_only) as server:
        urls = feed_urls(server.ports, args.feeds)
        baseline_urls = urls[: min(args.baseline_feeds, args.feeds)]
        rounds: dict[str, list[dict]] = {"blogreader": [], "feedparser": [], "default": []}
        for number in range(1, args.rounds + 1):  # each round times ours beside the plain loop, under one load
            log(f"round {number} of {args.rounds}: BlogReader's first fetch and re-fetch ({server.bytes / 1e6:.1f} MB)")
            rounds["blogreader"].append(run_child("blogreader", urls, args.items, server.bytes))
            log(f"round {number}: the feedparser baseline on {len(baseline_urls)} feeds")
            rounds["feedparser"].append(run_child("feedparser", baseline_urls, args.items))
            log(f"round {number}: the default fetch (with enrichment) on a fresh library")
            rounds["default"].append(run_child("default", urls, args.items))
        ours = median_round(rounds["blogreader"], "first_fetch_seconds")
        theirs = median_round(rounds["feedparser"], "first_fetch_seconds")
        default = median_round(rounds["default"], "default_fetch_seconds")
        log("measuring the peak memory of the first fetch's processes together")
        ours.update(run_child("memory", urls, args.items))
        log("measuring the peak memory of the default fetch's processes together")
        memory = run_child("default_memory", urls, args.items)
        default["non_loopback_blocked"] += memory.pop("non_loopback_blocked")
        default.update(memory)
        log("measuring a bare download of every feed, as a process of its own")
        download = run_child("download", urls, args.items)
    result = {
        "benchmark": "fetch",
        "feeds": args.feeds,
        "items_per_feed": args.items,
        "served_mb": round(server.bytes / 1e6, 1),
        "server_ports": args.ports,
        "server_latency_ms": args.latency_ms,
        "description_only": args.description_only,
        "blogreader": ours,
        "default_fetch": default,
        "baseline_feedparser": theirs,
        "bare_download": download,
        "ratios": {
            "first_fetch_speedup": ratio(ours["first_fetch_feeds_per_s"], theirs["first_fetch_feeds_per_s"]),
            "refetch_speedup": ratio(ours["refetch_feeds_per_s"], theirs["refetch_feeds_per_s"]),
            # CPU per entry, the plain loop's over ours: what the speed-up is on a machine with no other work.
            "first_fetch_cpu_speedup": ratio(theirs["first_fetch_cpu_us_per_entry"], ours["first_fetch_cpu_us_per_entry"]),
            "first_fetch_main_cpu_speedup": ratio(theirs["first_fetch_cpu_us_per_entry"],
                                                  ours["first_fetch_main_cpu_us_per_entry"]),
            "default_fetch_speedup": ratio(default["default_fetch_feeds_per_s"], theirs["first_fetch_feeds_per_s"]),
            # how many times the bare download's whole process the first fetch takes (the stretch goal: 2)
            "first_fetch_to_bare_download": ratio(ours["first_fetch_seconds"], download["seconds"]),
        },
        "targets": TARGETS,
        # With --rounds N, the figures above are each measurement's median round; every round is listed here.
        "rounds": {
            "first_fetch_seconds": [found["first_fetch_seconds"] for found in rounds["blogreader"]],
            "first_fetch_cpu_us_per_entry": [found["first_fetch_cpu_us_per_entry"] for found in rounds["blogreader"]],
            "plain_loop_seconds": [found["first_fetch_seconds"] for found in rounds["feedparser"]],
            "plain_loop_cpu_us_per_entry": [found["first_fetch_cpu_us_per_entry"] for found in rounds["feedparser"]],
            "default_fetch_seconds": [found["default_fetch_seconds"] for found in rounds["default"]],
        },
        "cpu_count": os.cpu_count(),
        "load_avg_1m_at_start": load_at_start,  # other work on the machine skews every rate
    }
    result["targets_met"] = targets_met(result)
    result["checks"] = checks(result, args.feeds)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=1000, help="feeds to serve and fetch (default 1000)")
    parser.add_argument("--items", type=int, default=20, help="items per feed (default 20)")
    parser.add_argument("--baseline-feeds", type=int, default=100,
                        help="feeds the slow sequential feedparser baseline fetches (default 100)")
    parser.add_argument("--ports", type=int, default=32,
                        help="127.0.0.1 ports the server listens on, feeds spread over them (default 32)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="delay the server adds to every response, like a network round trip (default 0)")
    parser.add_argument("--description-only", action="store_true",
                        help="each item's whole post in <description>, no content:encoded (as many feeds are)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 feeds, baseline on 20")
    parser.add_argument("--rounds", type=int, default=1,
                        help="times to repeat the first fetch, the plain loop and the default fetch, side by side; "
                             "each figure is then its median round (default 1)")
    parser.add_argument("--database", help="a PostgreSQL address: time shared workers there (bench/workers.py)")
    parser.add_argument("--workers", default="1,2,4", help="with --database: worker counts (default 1,2,4)")
    parser.add_argument("--no-sqlite-worker", action="store_true", help="with --database: no 1-worker SQLite run")
    parser.add_argument("--keep-schemas", action="store_true", help="with --database: keep each run's schema")
    args = parser.parse_args(argv)
    if args.quick:
        args.feeds, args.baseline_feeds = 100, 20
    for name in ("feeds", "items", "baseline_feeds", "ports", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0 <= args.latency_ms <= 10_000:
        parser.error("--latency-ms must be between 0 and 10000")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.database:
        from workers import main as workers_main  # bench/workers.py

        return workers_main(args)
    result = run(args)
    print(json.dumps(result, indent=2))
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
