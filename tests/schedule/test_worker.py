"""The worker on a fake clock against a loopback server: who is polled when, and what a pass leaves behind."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from blogreader.config import load_settings
from blogreader.store import Store
from blogreader.worker import Worker
from tests.schedule.helpers import dated_feed, library


@pytest.fixture
def store(home):
    library(home)
    with Store.open(home / "blogreader.db") as opened:
        yield opened


def worker(store, home, clock, owner="A", **options) -> Worker:
    return Worker(store, load_settings(home), owner=owner, clock=clock, rng=random.Random(3), **options)


def test_intervals_follow_how_often_each_blog_publishes(server, store, home, clock):
    daily = store.add_source(server.serve("/daily.xml", dated_feed("daily", clock.now, timedelta(days=1))), "feed")[0]
    weekly = store.add_source(server.serve("/weekly.xml", dated_feed("weekly", clock.now, timedelta(days=7))),
                              "feed")[0]
    first = worker(store, home, clock).run_once()
    assert (first.claimed, first.new_entries, first.failed) == (2, 12, 0)
    states = store.poll_states()
    assert states[daily.id].poll_interval == 6 * 3600
    assert states[weekly.id].poll_interval == 86400
    assert states[weekly.id].poll_reason == "posts about every 7 days"
    assert states[daily.id].lease_owner is None and states[daily.id].lease_until is None

    clock.advance(hours=5, minutes=59)
    assert worker(store, home, clock).run_once().claimed == 0
    clock.advance(minutes=2)
    assert worker(store, home, clock).run_once().claimed == 1
    assert (len(server.hits("/daily.xml")), len(server.hits("/weekly.xml"))) == (2, 1)
    clock.advance(hours=18)
    assert worker(store, home, clock).run_once().claimed == 2
    assert (len(server.hits("/daily.xml")), len(server.hits("/weekly.xml"))) == (3, 2)


def test_retry_after_holds_the_source_back(server, store, home, clock):
    url = server.serve("/busy.xml", b"slow down", status=429, headers={"Retry-After": "10800"})
    source = store.add_source(url, "feed")[0]
    assert worker(store, home, clock).run_once().failed == 1
    state = store.poll_states()[source.id]
    assert "Retry-After" in state.poll_reason
    assert state.next_poll_at >= (clock.now + timedelta(seconds=10799)).strftime("%Y-%m-%dT%H:%M:%SZ")
    clock.advance(hours=2, minutes=59)
    assert worker(store, home, clock).run_once().claimed == 0
    server.serve("/busy.xml", dated_feed("busy", clock.now, timedelta(days=1)))
    clock.advance(minutes=2)
    done = worker(store, home, clock).run_once()
    assert (done.claimed, done.failed, done.new_entries) == (1, 0, 6)
    assert len(server.hits("/busy.xml")) == 2


def test_a_failing_source_backs_off_and_says_why(server, store, home, clock, cli):
    source = store.add_source(server.serve("/broken.xml", b"oops", status=500), "feed")[0]
    waits = []
    for _ in range(5):
        assert worker(store, home, clock).run_once().failed == 1
        state = store.poll_states()[source.id]
        waits.append(state.poll_interval)
        clock.advance(seconds=state.poll_interval - 1)
        assert worker(store, home, clock).run_once().claimed == 0
        clock.advance(seconds=1)
    assert waits == [7200, 14400, 28800, 57600, 86400]  # doubling from the default, capped at max_backoff
    assert len(server.hits("/broken.xml")) == 5
    listed = cli("sources")
    assert "backing off after 5 failures in a row" in listed.out
    assert "next poll" in listed.out
    [row] = cli("sources", "--json").json
    assert row["poll_reason"] == "backing off after 5 failures in a row" and row["next_poll_at"]


def test_new_entries_are_enriched_and_published_and_a_quiet_pass_publishes_nothing(server, store, home, clock):
    store.add_source(server.serve("/daily.xml", dated_feed("daily", clock.now, timedelta(days=1))), "feed")
    first = worker(store, home, clock).run_once()
    assert first.published == ["readme"] and first.problems == []
    assert (home / "README.md").exists()
    summaries = store.conn.execute("SELECT summary FROM entries").fetchall()
    assert len(summaries) == 6 and all(row[0] for row in summaries)
    clock.advance(days=1)
    second = worker(store, home, clock).run_once()
    assert (second.claimed, second.new_entries, second.published) == (1, 0, [])


def test_a_lease_keeps_other_workers_off_until_it_expires(server, store, home, clock):
    source = store.add_source(server.url("/feed.xml"), "feed")[0]
    assert [s.id for s in store.claim_due_sources("A", clock.now, 60, 10)] == [source.id]
    assert store.claim_due_sources("B", clock.now, 60, 10) == []
    assert store.claim_source(source.id, "B", clock.now, 60) is None
    clock.advance(seconds=61)  # A died without releasing
    assert [s.id for s in store.claim_due_sources("B", clock.now, 60, 10)] == [source.id]
    assert not store.release_source(source.id, "A", clock.now, 60, "late")  # A's late release changes nothing
    assert store.poll_states()[source.id].lease_owner == "B"


def test_a_disabled_source_is_never_claimed(server, store, home, clock):
    source = store.add_source(server.serve("/gone.xml", b"gone", status=410), "feed")[0]
    assert worker(store, home, clock).run_once().failed == 1
    assert store.source(source.id).disabled
    assert "410" in store.poll_states()[source.id].poll_reason
    clock.advance(days=30)
    assert worker(store, home, clock).run_once().claimed == 0


def test_a_refresh_longer_than_the_lease_keeps_it(server, home):
    """The lease is renewed while a slow feed answers, so no other worker takes the source meanwhile."""
    import threading
    import time

    from tests.schedule.helpers import library as make_library

    make_library(home)
    body = dated_feed("slow", datetime.now(UTC), timedelta(days=1)).encode()

    def slow(request) -> None:
        time.sleep(9)  # longer than two whole leases
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    with Store.open(home / "blogreader.db") as first, Store.open(home / "blogreader.db") as rival:
        first.add_source(server.serve_handler("/slow.xml", slow), "feed")
        polling = threading.Thread(target=Worker(first, load_settings(home), owner="A", lease_seconds=4).run_once)
        polling.start()
        deadline = time.monotonic() + 30
        while rival.poll_states()[1].lease_owner != "A":  # the rival tries only once A holds the lease
            assert polling.is_alive() and time.monotonic() < deadline, "worker A never claimed the due source"
            time.sleep(0.01)
        taken = []
        while polling.is_alive():
            taken += rival.claim_due_sources("B", datetime.now(UTC).replace(microsecond=0), 60, 10)
            time.sleep(0.05)
        polling.join()
    assert taken == []
    assert len(server.hits("/slow.xml")) == 1


def test_an_old_sqlite_is_refused_with_a_way_out(store, clock, monkeypatch):
    import sqlite3

    from blogreader.errors import StoreError

    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    with pytest.raises(StoreError, match="needs SQLite 3.35 or newer.*run `blogreader update` from cron"):
        store.claim_due_sources("A", clock.now, 60, 10)


def test_a_pass_with_no_network_polls_again_soon_and_backs_off_from_no_one(server, store, home, clock):
    """Every source of a pass fails to connect, on hosts of their own: the machine is offline. No source is backed
    off (its failures in a row stay 0); each is polled again after the shortest interval, and says why."""
    from tests.conftest import FixtureServer

    gone = [FixtureServer(), FixtureServer()]
    ids = [store.add_source(blog.serve("/feed.xml", dated_feed(f"blog{n}", clock.now, timedelta(days=1))),
                            "feed")[0].id for n, blog in enumerate(gone)]
    assert worker(store, home, clock).run_once().failed == 0
    for blog in gone:
        blog.close()
    clock.advance(hours=7)
    assert worker(store, home, clock).run_once().failed == 2
    states = store.poll_states()
    settings = load_settings(home).schedule
    for source_id in ids:
        assert states[source_id].poll_interval == settings.min_interval
        assert states[source_id].poll_reason.startswith("no network at the last poll")
    assert [source.error_count for source in store.sources(ids)] == [0, 0]
