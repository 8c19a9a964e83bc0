"""Real `blogreader worker` processes sharing one library: one poll of a source at a time, and a killed worker's
sources picked up by another once its lease lapses."""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, datetime, timedelta

from blogreader.config import load_settings
from blogreader.store import Store
from blogreader.worker import Worker
from tests.hostile.helpers import blogreader_process
from tests.schedule.helpers import dated_feed, hanging_first_poll, library, library_rows

DEADLINE = 40  # seconds any wait below may take on a loaded machine before the test fails


def wait_for(condition, what: str):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def rows(home, sql: str, params=()) -> list[tuple]:
    return library_rows(home, sql, params)


class CountingFeeds:
    """Feeds that take a moment to answer, counting requests and how many are in flight per feed."""

    def __init__(self, server, count: int, delay: float) -> None:
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.in_flight: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}
        now = datetime.now(UTC)
        self.urls = []
        for number in range(count):
            path = f"/feed{number}.xml"
            body = dated_feed(f"blog{number}", now, timedelta(days=1)).encode()
            self.urls.append(server.serve_handler(path, self._handler(path, body, delay)))

    def _handler(self, path: str, body: bytes, delay: float):
        def handle(request) -> None:
            with self.lock:
                self.hits[path] = self.hits.get(path, 0) + 1
                self.in_flight[path] = self.in_flight.get(path, 0) + 1
                self.most_at_once[path] = max(self.most_at_once.get(path, 0), self.in_flight[path])
            time.sleep(delay)
            with self.lock:
                self.in_flight[path] -= 1
            request.send_response(200)
            request.send_header("Content-Type", "application/rss+xml")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        return handle


def test_two_workers_never_poll_the_same_source_at_once(server, home):
    library(home)
    feeds = CountingFeeds(server, count=14, delay=0.3)
    with Store.open(home / "blogreader.db") as store:
        for url in feeds.urls:
            store.add_source(url, "feed")
    workers = [blogreader_process(home, "worker", "--interval-seconds", "1") for _ in range(2)]
    try:
        wait_for(lambda: rows(home, "SELECT count(*) FROM sources WHERE next_poll_at IS NOT NULL "
                                    "AND lease_owner IS NULL")[0][0] == 14, "every source polled and released")
    finally:
        workers[0].send_signal(signal.SIGINT)
        workers[1].send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=DEADLINE) for worker in workers]
    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
        assert "worker stopped" in err and "Traceback" not in err
    assert feeds.hits == {f"/feed{number}.xml": 1 for number in range(14)}
    assert set(feeds.most_at_once.values()) == {1}
    polled = [int(line.split("polled ")[1].split()[0]) for out, _ in outputs for line in out.splitlines()]
    assert sum(polled) == 14  # every claim was of a source no other process held
    assert rows(home, "SELECT count(*) FROM entries")[0][0] == 14 * 6
    assert rows(home, "SELECT count(*) FROM sources WHERE lease_owner IS NOT NULL")[0][0] == 0


def test_a_killed_worker_loses_nothing_and_its_source_is_picked_up(server, home):
    library(home)
    now = datetime.now(UTC)
    steady = server.serve("/steady.xml", dated_feed("steady", now, timedelta(days=1)))
    release = threading.Event()
    requests = []
    slow_body = dated_feed("slow", now, timedelta(days=1)).encode()

    slow = hanging_first_poll(slow_body, release, requests, DEADLINE)  # until its worker has been killed

    with Store.open(home / "blogreader.db") as store:
        store.add_source(steady, "feed")
        assert Worker(store, load_settings(home)).run_once().new_entries == 6
        source = store.add_source(server.serve_handler("/slow.xml", slow), "feed")[0]

    doomed = blogreader_process(home, "worker", "--interval-seconds", "1", "--lease-seconds", "2")
    try:
        wait_for(lambda: requests, "the first worker to start polling the slow feed")
        [(owner, until)] = rows(home, "SELECT lease_owner, lease_until FROM sources WHERE id = ?", (source.id,))
        assert owner and until
    finally:
        doomed.kill()
        doomed.communicate(timeout=DEADLINE)
    assert doomed.returncode == -signal.SIGKILL
    release.set()

    survivor = blogreader_process(home, "worker", "--interval-seconds", "1")
    try:
        wait_for(lambda: rows(home, "SELECT count(*) FROM sources WHERE id = ? AND next_poll_at IS NOT NULL "
                                    "AND lease_owner IS NULL", (source.id,))[0][0], "the survivor to poll the feed")
    finally:
        survivor.send_signal(signal.SIGTERM)
        out, err = survivor.communicate(timeout=DEADLINE)
    assert survivor.returncode == 0, err
    assert len(requests) == 2
    assert rows(home, "SELECT count(*) FROM entries")[0][0] == 12  # the steady feed's entries are all still there
    with Store.open(home / "blogreader.db") as store:
        if store.engine == "sqlite":  # a SIGKILL mid-write leaves the file whole (PostgreSQL's WAL sees to its own)
            assert rows(home, "PRAGMA integrity_check") == [("ok",)]
    assert rows(home, "SELECT count(*) FROM sources WHERE lease_owner IS NOT NULL")[0][0] == 0
