"""Workers sharing one PostgreSQL library: due sources are claimed with FOR UPDATE SKIP LOCKED and a lease, so
any number of claimers (threads, processes, machines) take each source exactly once and never wait on each
other; a worker killed holding a claim loses nothing, and once its lease lapses another picks the source up."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg

from blogreader.config import load_settings
from blogreader.store import Store
from blogreader.worker import Worker
from tests.postgres.at_once import run_at_once
from tests.schedule.helpers import FakeClock, dated_feed, hanging_first_poll, library

DEADLINE = 60  # seconds a wait below may take on a loaded machine before the test fails (a hang, not a speed)
LEASE = 600.0


def add_sources(url: str, count: int) -> list[int]:
    with Store.open(url) as store:
        return [store.add_source(f"https://blog{number}.example/feed.xml", "feed")[0].id for number in range(count)]


def leases(url: str) -> dict[int, str | None]:
    with Store.open(url) as store:
        return {row[0]: row[1] for row in store.conn.execute("SELECT id, lease_owner FROM sources")}


def test_threads_each_with_its_own_connection_claim_every_source_exactly_once(postgres_schema_url):
    url = postgres_schema_url
    ids = add_sources(url, 150)
    now = datetime.now(UTC)
    claimed: dict[str, list[int]] = {}
    stores = {f"host:{number}:t": Store.open(url) for number in range(8)}

    def claimer(owner: str) -> None:
        mine = claimed.setdefault(owner, [])
        while got := stores[owner].claim_due_sources(owner, now, LEASE, 3):
            mine += [source.id for source in got]

    try:
        run_at_once(claimer, [(owner,) for owner in stores], DEADLINE)
    finally:
        for store in stores.values():
            store.close()
    every = [source_id for mine in claimed.values() for source_id in mine]
    assert Counter(every) == Counter(ids)  # each source once, none left out
    held = leases(url)
    assert all(held[source_id] == owner for owner, mine in claimed.items() for source_id in mine)


CLAIMER = """
import json, sys
from datetime import datetime
from blogreader.store import Store

url, now, owner = sys.argv[1], datetime.fromisoformat(sys.argv[2]), sys.argv[3]
with Store.open(url) as store:
    print("ready", flush=True)
    sys.stdin.readline()  # every claimer starts at once
    claimed = []
    while got := store.claim_due_sources(owner, now, 600, 2):
        claimed += [source.id for source in got]
print(json.dumps(claimed), flush=True)
"""


def test_processes_claiming_at_once_take_every_source_exactly_once(postgres_schema_url):
    url = postgres_schema_url
    ids = add_sources(url, 120)
    now = datetime.now(UTC).isoformat()
    processes = [subprocess.Popen([sys.executable, "-c", CLAIMER, url, now, f"machine{number}:1:p"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for number in range(6)]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=DEADLINE) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert all(process.returncode == 0 for process in processes), [err for _out, err in outputs]
    claimed = {f"machine{number}:1:p": json.loads(out) for number, (out, _err) in enumerate(outputs)}
    assert Counter(source_id for mine in claimed.values() for source_id in mine) == Counter(ids)
    held = leases(url)
    assert all(held[source_id] == owner for owner, mine in claimed.items() for source_id in mine)


def test_a_claim_passes_over_sources_another_transaction_is_claiming_without_waiting(postgres_schema_url):
    url = postgres_schema_url
    ids = add_sources(url, 10)
    now = datetime.now(UTC)
    with psycopg.connect(url) as rival:  # a claimer caught mid-transaction, holding five rows
        rival.execute("SELECT id FROM sources WHERE id = ANY(%s) FOR UPDATE", (ids[:5],))
        done: list = []
        with Store.open(url) as store:
            claim = threading.Thread(target=lambda: done.append(store.claim_due_sources("me:1:x", now, LEASE, 100)))
            claim.start()
            claim.join(DEADLINE)
            assert not claim.is_alive(), "the claim waited for the other transaction's locks"
            assert sorted(source.id for source in done[0]) == ids[5:]
            rival.rollback()  # the rival gave up: those five are free again, and due
            assert sorted(source.id for source in store.claim_due_sources("me:1:x", now, LEASE, 100)) == ids[:5]


def test_explicit_claims_and_due_claims_never_share_a_source(postgres_schema_url):
    url = postgres_schema_url
    ids = add_sources(url, 40)
    now = datetime.now(UTC)
    with Store.open(url) as fetcher, Store.open(url) as worker:
        named = fetcher.claim_sources(ids[::2], "fetch:1:a", now, LEASE)
        due = worker.claim_due_sources("worker:1:b", now, LEASE, 100)
        assert fetcher.claim_source(ids[1], "fetch:1:a", now, LEASE) is None  # the worker holds it
    assert [source.id for source in named] == ids[::2]
    assert sorted(source.id for source in due) == ids[1::2]


WORKER = """
import sys
from pathlib import Path
from blogreader.config import load_settings
from blogreader.store import Store
from blogreader.worker import Worker

url, home, owner = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
with Store.open(url) as store:
    Worker(store, load_settings(home), owner=owner, lease_seconds=3).run_once()
"""


def test_a_worker_killed_holding_a_claim_loses_nothing_and_its_lease_lapses_to_another(
        postgres_schema_url, server, tmp_path):
    url = postgres_schema_url
    home = library(tmp_path / "library")
    body = dated_feed("slow", datetime.now(UTC), timedelta(days=1)).encode()
    release = threading.Event()
    requests: list[float] = []

    slow = hanging_first_poll(body, release, requests, DEADLINE)  # until its worker has been killed

    with Store.open(url) as store:
        source = store.add_source(server.serve_handler("/slow.xml", slow), "feed")[0]
    # Another machine's worker: this host cannot tell whether it lives, so only its lease's end frees the source.
    doomed = subprocess.Popen([sys.executable, "-c", WORKER, url, str(home), "elsewhere:4242:dead"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**_environment(), "BLOGREADER_ALLOW_PRIVATE_NETWORKS": "1"})
    try:
        end = time.monotonic() + DEADLINE
        while not requests and time.monotonic() < end and doomed.poll() is None:
            time.sleep(0.05)
        assert requests, doomed.stderr.read() if doomed.poll() is not None else "the worker never polled"
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=DEADLINE)
    assert doomed.returncode == -signal.SIGKILL
    release.set()

    with Store.open(url) as store:
        [(owner, until)] = store.conn.execute("SELECT lease_owner, lease_until FROM sources").fetchall()
        assert owner == "elsewhere:4242:dead" and until
        assert store.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
        clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
        survivor = Worker(store, load_settings(home), owner="here:1:alive", clock=clock)
        assert survivor.run_once().claimed == 0  # the lease still holds: nobody polls the source twice
        assert len(requests) == 1
        clock.now = datetime.fromisoformat(until.replace("Z", "+00:00")) + timedelta(seconds=1)
        polled = survivor.run_once()
        assert polled.claimed == 1 and polled.new_entries == 6 and len(requests) == 2
        assert store.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 6
        [(owner, next_poll)] = store.conn.execute("SELECT lease_owner, next_poll_at FROM sources WHERE id = ?",
                                                  (source.id,)).fetchall()
        assert owner is None and next_poll


def _environment() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "BLOGREADER_DEBUG"}
