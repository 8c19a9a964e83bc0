"""Shared workers on PostgreSQL (`bench/fetch.py --database URL`): K `blogreader worker` processes against one
library, beside SQLite's single process on the same feeds in the same run.

What it measures, on bench/fetch.py's generated feeds served from 127.0.0.1 by a server that counts every
request per feed path:

- for each worker count K (--workers, default 1,2,4): a fresh PostgreSQL schema subscribed to every feed,
  then K `blogreader worker` processes started at once; the time until every source has been fetched and
  handed back (fetched_seconds) and until every entry is also enriched (done_seconds: a worker enriches
  after each pass, so this is the whole job); feeds/s and entries/s over done_seconds; CPU microseconds
  per entry of the workers (with their children) and of the PostgreSQL server (its backends, read from
  /proc when the server is on this machine);
- baseline_sqlite_fetch: `blogreader fetch` (fetch, then enrich) on a SQLite library of the same feeds,
  timed to its exit, the same figures; baseline_sqlite_worker_1: one `blogreader worker` on SQLite, the
  same code path as the PostgreSQL runs;
- checks: every feed path requested exactly once (a feed fetched twice is listed), every entry stored
  once (entries = feeds x items and no guid twice), no source failed.

Why the looping `worker` and not `worker --once` or `fetch`: `worker --once` claims one batch (10 sources,
worker.BATCH) and exits; `fetch` claims its whole list in one UPDATE, so a second `fetch` started at the
same moment finds every source busy. The looping worker claims 10 due sources at a time with
FOR UPDATE SKIP LOCKED until none is due, which is how several share a library. The workers are stopped
with SIGTERM once everything is done.

    .venv/bin/python bench/fetch.py --database postgresql://postgres@127.0.0.1/postgres --feeds 2000
    .venv/bin/python bench/fetch.py --database ... --feeds 10000 --items 20 --workers 1,2,4   # the issue's size

Each run gets a schema of its own in the database named (dropped afterwards unless --keep-schemas).
One JSON object goes to stdout; progress to stderr. Exit status 1 when a check fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import fetch  # bench/fetch.py: the feed generator, the aiohttp app and the library settings
from pgserver import drop_schema, fresh_schema, server_cpu_probe, server_settings

ASKED = {"feeds": 10_000, "items": 20, "workers": [1, 2, 4]}  # issue 17's "done when"
RUN_TIMEOUT = 3600.0  # seconds one configuration may take before it is stopped and reported unfinished
POLL_SECONDS = 0.5


def log(message: str) -> None:
    print(f"[bench/workers] {message}", file=sys.stderr, flush=True)


# -- the counting feed server (its own process) -------------------------------------------------


async def _serve(conn, feeds: int, items: int, port_count: int) -> None:
    from aiohttp import web

    hits: Counter = Counter()

    @web.middleware
    async def count(request, handler):
        hits[request.path] += 1
        return await handler(request)

    routes = fetch.build_routes(feeds, items)
    app = fetch.make_app(routes, 0.0)
    app.middlewares.append(count)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ports = []
    for _ in range(port_count):
        sock = socket.create_server((fetch.HOST, 0), backlog=1024)
        await web.SockSite(runner, sock).start()
        ports.append(sock.getsockname()[1])
    conn.send({"ports": ports, "bytes": sum(len(body) for body, _, _ in routes.values())})
    while True:
        if conn.poll():
            message = conn.recv()
            if message == "stop":
                break
            if message == "hits":
                conn.send(dict(hits))
            elif message == "reset":
                hits.clear()
                conn.send(True)
        await asyncio.sleep(0.05)
    await runner.cleanup()


def server_main(conn, feeds: int, items: int, port_count: int) -> None:
    asyncio.run(_serve(conn, feeds, items, port_count))


class CountingServer:
    """bench/fetch.py's feed app in a process of its own, counting the requests for each feed path."""

    def __init__(self, feeds: int, items: int, port_count: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=server_main, args=(child, feeds, items, port_count), daemon=True)

    def __enter__(self) -> CountingServer:
        self._process.start()
        if not self._conn.poll(fetch.SERVER_START_TIMEOUT):
            raise RuntimeError("the feed server did not start")
        ready = self._conn.recv()
        self.ports, self.bytes = ready["ports"], ready["bytes"]
        return self

    def ask(self, message: str):
        self._conn.send(message)
        return self._conn.recv()

    def __exit__(self, *exc_info) -> None:
        self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()


# -- libraries ------------------------------------------------------------------------------------


def make_library(home: Path, urls: list[str], database: str | None) -> None:
    """A library folder that may fetch from 127.0.0.1, publishes nothing, fetches no article pages, and is
    subscribed to every feed; on PostgreSQL when `database` is given."""
    from blogreader.config import load_settings
    from blogreader.store import Store

    home.mkdir(parents=True)
    lines = ["allow_private_networks = true", "starter_subscriptions = false"]
    if database:
        lines.append(f"database = {json.dumps(database)}")
    lines += ["[enrich]", "full_text = false", "[publish]", "outputs = []"]
    (home / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(load_settings(home).database) as store:
        fetch.subscribe_all(store, urls)


def progress(home: Path, fetched: bool) -> int:
    """While a run lasts: sources not yet handed back; once there are none, entries not yet enriched."""
    from blogreader.config import load_settings
    from blogreader.store import Store

    sql = ("SELECT count(*) FROM entries WHERE enriched_at IS NULL" if fetched else
           "SELECT count(*) FROM sources WHERE next_poll_at IS NULL OR lease_owner IS NOT NULL")
    with Store.open(load_settings(home).database) as store:
        return store.conn.execute(sql).fetchone()[0]


def library_state(home: Path) -> dict:
    """Counts read from the library: sources not yet handed back, failures, entries, distinct guids, unenriched."""
    from blogreader.config import load_settings
    from blogreader.store import Store

    with Store.open(load_settings(home).database) as store:
        row = store.conn.execute(
            """SELECT (SELECT count(*) FROM sources WHERE next_poll_at IS NULL OR lease_owner IS NOT NULL),
                      (SELECT count(*) FROM sources WHERE error_count > 0),
                      (SELECT count(*) FROM entries),
                      (SELECT count(DISTINCT guid) FROM entries),
                      (SELECT count(*) FROM entries WHERE enriched_at IS NULL)""").fetchone()
    return dict(zip(("pending_sources", "failed_sources", "entries", "distinct_guids", "unenriched"), row))


# -- one configuration ------------------------------------------------------------------------------


def blogreader(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "blogreader", "--home", str(home), *args]


def run_config(name: str, home: Path, commands: list[list[str]], server: CountingServer, feeds: int, items: int,
               server_cpu=None, stop_when_done: bool = True) -> dict:
    """Start `commands` at once, wait until every source is handed back and every entry enriched (or the
    processes exit), stop them, and report times, rates, CPU and the checks."""
    server.ask("reset")
    env = {key: value for key, value in os.environ.items() if key != "BLOGREADER_DATABASE_URL"}
    logs = home / "logs"
    logs.mkdir()
    pg_before = server_cpu() if server_cpu else None
    started = time.perf_counter()
    procs = [subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=open(logs / f"{n}.out", "wb"),
                              stderr=subprocess.STDOUT, cwd=home) for n, command in enumerate(commands)]
    usage: dict[int, float] = {}
    fetched_at = done_at = None
    while time.perf_counter() - started < RUN_TIMEOUT:
        time.sleep(POLL_SECONDS)
        for proc in procs:
            if proc.pid not in usage:
                _reaped(proc, usage)
        left = progress(home, fetched_at is not None)
        now = time.perf_counter() - started
        if fetched_at is None and left == 0:
            fetched_at = now
            left = progress(home, True)
        if fetched_at is not None and left == 0 and stop_when_done:
            done_at = now
            break
        if len(usage) == len(procs):  # every process exited (a `fetch`, or workers that gave up)
            done_at = now
            break
    for proc in procs:
        if proc.pid not in usage:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 60
    while len(usage) < len(procs) and time.monotonic() < deadline:
        for proc in procs:
            if proc.pid not in usage:
                _reaped(proc, usage)
        time.sleep(0.05)
    for proc in procs:
        if proc.pid not in usage:
            proc.kill()
            _reaped(proc, usage, block=True)
    pg_cpu = (server_cpu() - pg_before) if server_cpu and pg_before is not None else None
    hits = server.ask("hits")
    state = library_state(home)
    paths = [fetch.feed_path(n) for n in range(feeds)]
    twice = [path for path in paths if hits.get(path, 0) > 1]
    never = [path for path in paths if hits.get(path, 0) == 0]
    entries = state["entries"]
    seconds = done_at if done_at is not None else time.perf_counter() - started
    worker_cpu = sum(usage.values())
    result = {
        "processes": len(procs),
        "fetched_seconds": round(fetched_at, 2) if fetched_at is not None else None,
        "done_seconds": round(seconds, 2),
        "feeds_per_s": fetch.rate(feeds, seconds),
        "entries_per_s": fetch.rate(entries, seconds),
        "feeds_per_s_to_fetched": fetch.rate(feeds, fetched_at) if fetched_at else None,
        "client_cpu_seconds": round(worker_cpu, 2),
        "client_cpu_us_per_entry": round(worker_cpu / max(1, entries) * 1e6, 1),
        "server_cpu_seconds": round(pg_cpu, 2) if pg_cpu is not None else None,
        "server_cpu_us_per_entry": round(pg_cpu / max(1, entries) * 1e6, 1) if pg_cpu is not None else None,
        "cpu_us_per_entry": round((worker_cpu + (pg_cpu or 0)) / max(1, entries) * 1e6, 1),
        "entries_stored": entries,
        "entries_expected": feeds * items,
        "distinct_guids": state["distinct_guids"],
        "unenriched": state["unenriched"],
        "failed_sources": state["failed_sources"],
        "requests": sum(hits.values()),
        "feeds_fetched_twice": len(twice),
        "feeds_fetched_twice_sample": twice[:10],
        "feeds_never_fetched": len(never),
        "exit_codes": sorted({proc.returncode for proc in procs}),
        "finished": done_at is not None,
    }
    if twice or never or result["failed_sources"]:
        result["log_tail"] = (logs / "0.out").read_text(errors="replace")[-1500:]
    log(f"{name}: {result['done_seconds']} s, {result['feeds_per_s']} feeds/s, {result['entries_per_s']} entries/s, "
        f"{result['cpu_us_per_entry']} us CPU/entry; twice {len(twice)}, never {len(never)}")
    return result


def _reaped(proc: subprocess.Popen, usage: dict[int, float], block: bool = False) -> bool:
    """Reap `proc` if it exited, recording its CPU seconds (with its children's) in `usage`."""
    pid, status, rusage = os.wait4(proc.pid, 0 if block else os.WNOHANG)
    if pid == 0:
        return False
    proc.returncode = os.waitstatus_to_exitcode(status)
    usage[proc.pid] = rusage.ru_utime + rusage.ru_stime
    return True


def checks(result: dict) -> dict:
    runs = {**{f"postgresql_workers_{k}": v for k, v in result["postgresql"].items()},
            "baseline_sqlite_fetch": result["baseline_sqlite_fetch"],
            **({"baseline_sqlite_worker_1": result["baseline_sqlite_worker_1"]}
               if "baseline_sqlite_worker_1" in result else {})}
    found = {}
    for name, run in runs.items():
        found[f"{name}_finished"] = run["finished"]
        found[f"{name}_no_feed_fetched_twice"] = run["feeds_fetched_twice"] == 0
        found[f"{name}_every_feed_fetched"] = run["feeds_never_fetched"] == 0
        found[f"{name}_every_entry_stored_once"] = (run["entries_stored"] == run["entries_expected"]
                                                    == run["distinct_guids"])
        found[f"{name}_no_source_failed"] = run["failed_sources"] == 0
    return found


def main(args) -> int:
    """Entry point from bench/fetch.py when --database is given."""
    try:
        counts = sorted({int(k) for k in args.workers.split(",")})
    except ValueError:
        counts = []
    if not counts or counts[0] < 1:
        print(f"bench/fetch.py: --workers must list worker counts such as 1,2,4, not {args.workers!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    load_at_start = round(os.getloadavg()[0], 2)
    server = server_settings(args.database)  # exits with a clear message when the server cannot be reached
    probe = server_cpu_probe(args.database)
    result: dict = {"benchmark": "fetch_workers", "asked": ASKED,
                    "ran": {"feeds": args.feeds, "items": args.items, "workers": counts, "ports": args.ports},
                    "cpu_count": os.cpu_count(),
                    "cpu_note": "with more workers than cores the runs measure contention, not scaling",
                    "load_avg_1m_at_start": load_at_start}
    result["postgresql_server"] = server
    log(f"generating {args.feeds} feeds x {args.items} items")
    with CountingServer(args.feeds, args.items, args.ports) as server, \
            tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp:
        urls = fetch.feed_urls(server.ports, args.feeds)
        result["served_mb"] = round(server.bytes / 1e6, 1)
        home = Path(tmp) / "sqlite-fetch"
        make_library(home, urls, None)
        log("baseline: blogreader fetch on SQLite")
        result["baseline_sqlite_fetch"] = run_config("sqlite fetch", home, [blogreader(home, "fetch")], server,
                                                     args.feeds, args.items, stop_when_done=False)
        if not args.no_sqlite_worker:
            home = Path(tmp) / "sqlite-worker"
            make_library(home, urls, None)
            log("baseline: one blogreader worker on SQLite")
            result["baseline_sqlite_worker_1"] = run_config(
                "sqlite worker x1", home, [blogreader(home, "worker", "--interval-seconds", "5")], server,
                args.feeds, args.items)
        result["postgresql"] = {}
        for k in counts:
            schema, url = fresh_schema(args.database)
            try:
                home = Path(tmp) / f"pg-{k}"
                make_library(home, urls, url)
                log(f"{k} blogreader worker(s) on PostgreSQL (schema {schema})")
                result["postgresql"][str(k)] = run_config(
                    f"postgresql x{k}", home, [blogreader(home, "worker", "--interval-seconds", "5")] * k, server,
                    args.feeds, args.items, server_cpu=probe)
            finally:
                if not args.keep_schemas:
                    drop_schema(args.database, schema)
    base = result["baseline_sqlite_fetch"]
    result["ratios"] = {
        f"postgresql_workers_{k}_vs_sqlite_fetch": {
            "feeds_per_s": round(run["feeds_per_s"] / base["feeds_per_s"], 2) if base["feeds_per_s"] else None,
            "cpu_us_per_entry": round(run["cpu_us_per_entry"] / base["cpu_us_per_entry"], 2)
            if base["cpu_us_per_entry"] else None}
        for k, run in result["postgresql"].items()}
    one = result["postgresql"].get("1")
    if one:
        result["ratios"]["scaling_vs_1_postgresql_worker"] = {
            k: round(run["feeds_per_s"] / one["feeds_per_s"], 2) for k, run in result["postgresql"].items()}
    result["checks"] = checks(result)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))
    return 0 if all(result["checks"].values()) else 1
