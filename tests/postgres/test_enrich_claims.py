"""New entries are enriched by whoever claims them first: runs in several processes (workers on several machines,
a `fetch` beside a `serve`) share a backlog a window at a time and never enrich one entry twice; a run killed
mid-window loses nothing. Each test runs on a SQLite file and on a fresh PostgreSQL schema."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from blogreader.clock import iso
from blogreader.config import load_settings
from blogreader.enrich import runner
from blogreader.enrich.windows import EntryWindows
from blogreader.store import Store
from blogreader.store.database import connect
from tests.postgres.at_once import run_at_once
from tests.postgres.test_store_engines import entry, open_store, source

DEADLINE = 120  # seconds the threads below may take on a loaded machine before the test fails (a hang)
TEXT = ("Policy gradients train the robot to walk. The critic estimates the value of each state, "
        "and the reward shapes the gait over rough ground in every episode of training. ") * 3


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    opened = open_store(request.param, request, tmp_path)
    yield opened
    opened.close()


def another(store: Store) -> Store:
    """A second connection to the same library, as another process would have."""
    if store.engine == "sqlite":
        return Store(connect(store.location), store.location)
    return Store.open(store.location)


def with_entries(store: Store, count: int) -> list[int]:
    feed = source(store, "a")
    return store.save_entries(feed, [entry(f"Walking robots, part {n}", f"https://a.example/{n}", f"{TEXT} Part {n}.")
                                     for n in range(count)]).ids


def test_claimers_at_once_take_every_entry_exactly_once(store):
    ids = with_entries(store, 60)
    now = datetime.now(UTC)
    taken: dict[str, list[int]] = {}
    claimers = {f"host:{n}:x": another(store) for n in range(4)}

    def claimer(owner: str) -> None:
        while window := claimers[owner].claim_unenriched(owner, now, 600, 4):
            taken.setdefault(owner, []).extend(window)

    try:
        run_at_once(claimer, [(owner,) for owner in claimers], DEADLINE)
    finally:
        for opened in claimers.values():
            opened.close()
    every = [entry_id for window in taken.values() for entry_id in window]
    assert sorted(every) == sorted(ids)  # each one once: no entry claimed twice, none left out


def test_runs_at_once_enrich_each_new_entry_once(store, tmp_path, monkeypatch):
    ids = with_entries(store, 40)
    settings = load_settings(tmp_path / "library")
    monkeypatch.setattr(runner, "WINDOW", 3)
    monkeypatch.setattr(runner, "PARALLEL_MIN", 10 ** 9)  # threads here; one process each, as two commands
    saved: dict[int, list[int]] = {}
    runs = [another(store), another(store)]
    for number, opened in enumerate(runs):
        def recording(updates, number=number, save=opened.save_enrichment):
            saved.setdefault(number, []).extend(update.id for update in updates)
            save(updates)

        opened.save_enrichment = recording
    try:
        run_at_once(lambda opened: runner.enrich_entries(opened, settings, only_unenriched=True),
                    [(opened,) for opened in runs], DEADLINE)
    finally:
        for opened in runs:
            opened.close()
    assert sorted(saved.get(0, []) + saved.get(1, [])) == sorted(ids)  # every entry once, by one run or the other
    assert store.conn.execute("SELECT count(*) FROM entries WHERE enriched_at IS NULL").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM enrich_claims").fetchone()[0] == 0  # handed back


def test_a_claim_holds_while_its_process_runs_and_a_dead_ones_is_taken_at_once(store, tmp_path):
    ids = with_entries(store, 5)
    settings = load_settings(tmp_path / "library")
    now = datetime.now(UTC)
    # A process on another machine (or this one, still running) holds the first two...
    assert store.claim_unenriched("elsewhere.example:1:aa", now, 600, 2) == ids[:2]
    report = runner.enrich_entries(store, settings, only_unenriched=True)
    assert report.enriched == 3
    unenriched = [row[0] for row in store.conn.execute("SELECT id FROM entries WHERE enriched_at IS NULL ORDER BY id")]
    assert unenriched == ids[:2]  # not taken from under it
    # ... until its claim runs out: then the next run takes them.
    store.conn.execute("UPDATE enrich_claims SET claimed_until = ?", (iso(now - timedelta(seconds=1)),))
    assert runner.enrich_entries(store, settings, only_unenriched=True).enriched == 2
    # A process of this host that is gone (killed mid-window) gives its claims up at once.
    store.conn.execute("UPDATE entries SET enriched_at = NULL WHERE id = ?", (ids[4],))
    gone = f"{socket.gethostname()}:{2 ** 22 + 12345}:dead"  # a pid above any this system hands out
    assert store.claim_unenriched(gone, datetime.now(UTC), 600, 5) == [ids[4]]
    assert runner.enrich_entries(store, settings, only_unenriched=True).enriched == 1
    assert store.conn.execute("SELECT count(*) FROM enrich_claims").fetchone()[0] == 0


def test_entries_asked_for_by_id_are_enriched_whoever_holds_them(store, tmp_path):
    ids = with_entries(store, 3)
    settings = load_settings(tmp_path / "library")
    store.claim_unenriched("elsewhere.example:1:aa", datetime.now(UTC), 600, 3)
    assert runner.enrich_entries(store, settings, ids[:2]).enriched == 2  # `enrich ID...`: the user asked
    windows = EntryWindows(store, None, False, 10)  # `enrich --all` claims nothing either
    assert windows.next() == ids and not windows.claiming
