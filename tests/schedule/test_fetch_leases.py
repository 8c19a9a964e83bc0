"""`fetch` and `update` take part in the leases: a source another process is polling is left to it (and named),
what they refresh is leased meanwhile and handed back with its next poll planned. Real processes, a slow
loopback feed that answers only when the test lets it."""

from __future__ import annotations

import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from blogreader.store import Store
from tests.hostile.helpers import blogreader_process
from tests.schedule.helpers import QUIET_LIBRARY, dated_feed
from tests.schedule.test_processes import DEADLINE, rows, wait_for


class HeldFeed:
    """A feed whose first request waits until `release` is set (bounded by DEADLINE); counts requests."""

    def __init__(self, server, name: str) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.hits = 0
        self.in_flight = 0
        self.most_at_once = 0
        self.body = dated_feed(name, datetime.now(UTC), timedelta(days=1)).encode()
        self.url = server.serve_handler(f"/{name}.xml", self._handle)

    def _handle(self, request) -> None:
        with self.lock:
            self.hits += 1
            self.in_flight += 1
            self.most_at_once = max(self.most_at_once, self.in_flight)
        self.release.wait(DEADLINE)
        with self.lock:
            self.in_flight -= 1
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(self.body)))
        request.end_headers()
        request.wfile.write(self.body)


def patient_library(home):
    """The quiet library, with a fetch deadline longer than any wait on the held feed."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(QUIET_LIBRARY.replace("total_timeout = 5", f"total_timeout = {DEADLINE}"),
                                      encoding="utf-8")


def lease_of(home, source_id: int) -> str | None:
    return rows(home, "SELECT lease_owner FROM sources WHERE id = ?", (source_id,))[0][0]


def run(home, *args: str) -> subprocess.CompletedProcess:
    process = blogreader_process(home, *args)
    out, err = process.communicate(timeout=DEADLINE * 2)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize("rival", [["fetch"], ["update"], ["fetch", "1"]])
def test_fetch_or_update_leaves_a_source_another_fetch_holds(server, home, rival):
    patient_library(home)
    slow = HeldFeed(server, "slow")
    quick = server.serve("/quick.xml", dated_feed("quick", datetime.now(UTC), timedelta(hours=6)))
    with Store.open(home / "blogreader.db") as store:
        held = store.add_source(slow.url, "feed")[0]
    first = blogreader_process(home, "fetch", "--no-enrich")
    try:
        owner = wait_for(lambda: slow.hits and lease_of(home, held.id), "the first fetch to hold the slow feed")
        with Store.open(home / "blogreader.db") as store:  # subscribed after the first fetch took its sources
            other = store.add_source(quick, "feed")[0]
        second = run(home, *rival)
        assert lease_of(home, held.id) == owner  # still the first fetch's, all through the second run
    finally:
        slow.release.set()
        out, err = first.communicate(timeout=DEADLINE)
    assert first.returncode == 0, err
    assert "1 source(s): 1 with new entries (6 new)" in out
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    assert f"skipped: {slow.url} (source {held.id}): another process is fetching it now" in second.stderr
    assert "1 source(s) skipped: another process" in second.stdout
    if rival == ["fetch", "1"]:
        assert "0 source(s)" in second.stdout
        assert server.hits("/quick.xml") == []
    else:
        assert "1 source(s): 1 with new entries (6 new)" in second.stdout
        assert len(server.hits("/quick.xml")) == 1
    assert slow.hits == 1 and slow.most_at_once == 1
    states = {row[0]: row[1:] for row in rows(home, "SELECT id, lease_owner, next_poll_at, poll_reason FROM sources")}
    assert states[held.id][0] is None and states[held.id][1] and states[held.id][2] == "posts about every 1 day"
    if rival != ["fetch", "1"]:  # the second run planned the quick feed's next poll as it released it
        assert states[other.id][0] is None and states[other.id][2] == "posts about every 6 hours"


def test_a_worker_leaves_alone_what_a_fetch_holds_and_a_fetch_what_a_worker_holds(server, home):
    patient_library(home)
    slow = HeldFeed(server, "slow")
    with Store.open(home / "blogreader.db") as store:
        held = store.add_source(slow.url, "feed")[0]
    fetching = blogreader_process(home, "fetch", "--no-enrich")
    try:
        wait_for(lambda: slow.hits and lease_of(home, held.id), "the fetch to hold the slow feed")
        once = run(home, "worker", "--once")
    finally:
        slow.release.set()
        fetching.communicate(timeout=DEADLINE)
    assert once.returncode == 0, once.stderr
    assert "polled 0 source(s)" in once.stdout
    assert slow.hits == 1

    slow.release.clear()
    with Store.open(home / "blogreader.db") as store:  # due again, so the worker claims it at once
        store.conn.execute("UPDATE sources SET next_poll_at = NULL, etag = NULL, last_modified = NULL")
    looping = blogreader_process(home, "worker", "--interval-seconds", "1")
    try:
        wait_for(lambda: slow.hits == 2 and lease_of(home, held.id), "the worker to hold the slow feed")
        fetched = run(home, "fetch", str(held.id))
    finally:
        slow.release.set()
        wait_for(lambda: lease_of(home, held.id) is None, "the worker to release the slow feed")
        looping.terminate()
        looping.communicate(timeout=DEADLINE)
    assert fetched.returncode == 0, fetched.stderr
    assert f"skipped: slow (source {held.id}): another process is fetching it now" in fetched.stderr
    assert slow.hits == 2 and slow.most_at_once == 1


def test_a_fetch_renews_its_lease_while_a_slow_feed_answers(server, home):
    """With a lease far shorter than the fetch, no rival process gets the source: the lease is renewed."""
    patient_library(home)
    body = dated_feed("slow", datetime.now(UTC), timedelta(days=1)).encode()

    def slow(request) -> None:
        time.sleep(13)  # longer than two whole leases
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    with Store.open(home / "blogreader.db") as store:
        source = store.add_source(server.serve_handler("/slow.xml", slow), "feed")[0]
        from blogreader.config import load_settings
        from blogreader.worker import Worker

        fetching = threading.Thread(target=Worker(store, load_settings(home), owner="A", lease_seconds=6).fetch,
                                    args=([source],))
        fetching.start()
        with Store.open(home / "blogreader.db") as rival:
            deadline = time.monotonic() + DEADLINE
            while rival.poll_states()[source.id].lease_owner != "A":  # the rival tries only once A holds it
                assert fetching.is_alive() and time.monotonic() < deadline, "the fetch never claimed the source"
                time.sleep(0.01)
            taken = []
            while fetching.is_alive():
                taken += rival.claim_sources([source.id], "B", datetime.now(UTC).replace(microsecond=0), 60)
                time.sleep(0.05)
        fetching.join()
    # Only a claim made while A's fetch was under way counts: once A has stored the feed it hands the lease
    # back, and a claim in the moment before its thread ends is a fair one (the source is free by then).
    assert [claimed for claimed in taken if claimed.last_fetched is None] == []
    assert len(server.hits("/slow.xml")) == 1


def test_with_an_old_sqlite_fetch_still_works_without_leases(server, home, cli, monkeypatch):
    import sqlite3

    patient_library(home)
    feed = server.serve("/feed.xml", dated_feed("blog", datetime.now(UTC), timedelta(days=1)))
    assert cli("add", feed).code == 0
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    before = len(server.hits("/feed.xml"))
    done = cli("fetch", "--no-enrich")
    assert len(server.hits("/feed.xml")) == before + 1
    assert done.code == 0, done.err
    assert "1 source(s)" in done.out and "skipped" not in done.err
    assert rows(home, "SELECT count(*) FROM entries")[0][0] == 6
    assert rows(home, "SELECT count(*) FROM sources WHERE lease_owner IS NOT NULL")[0][0] == 0
