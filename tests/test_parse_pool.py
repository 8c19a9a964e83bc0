"""A parse worker that dies under a feed (a crash in a parser's C code, the out-of-memory killer) takes no other feed
with it: the refresh starts the pool again, reads the feed it was reading alone, and records that feed as failed
only when it brings that process down too."""

from __future__ import annotations

import os
import signal

import pytest

from blogreader import parse_pool, reading, spool
from blogreader.config import load_settings
from blogreader.pipeline import PARALLEL_SOURCES, refresh
from blogreader.store import Store

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the parse workers are forked processes")


def rss(n: int, items: int = 2) -> str:
    posts = "".join(
        f"<item><title>Post {i} of feed {n}</title><link>https://blog{n}.example.com/{i}</link>"
        f"<description>&lt;p&gt;{' '.join(f'feed{n}post{i}word{k}' for k in range(60))}&lt;/p&gt;</description></item>"
        for i in range(items))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{posts}</channel></rss>'


@pytest.fixture
def library(tmp_path, monkeypatch, server):
    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    (tmp_path / "spool").mkdir()
    monkeypatch.setattr(spool, "MEMORY_FOLDER", str(tmp_path / "spool"))  # where the results pass
    settings = load_settings(tmp_path / "library")
    store = Store.open(settings.database_path)
    for n in range(PARALLEL_SOURCES):  # enough to parse in worker processes
        store.add_source(server.serve(f"/{n}.xml", rss(n)), "feed")
    yield store, settings
    store.close()


def dying_on(monkeypatch, tmp_path, doomed) -> object:
    """Make a parse worker kill itself when it reads a source `doomed(url)` names; returns the file where each
    death is noted (forked workers inherit the patch; a pool started with `spawn` does not)."""
    deaths = tmp_path / "deaths"
    deaths.touch()
    refreshing = os.getpid()
    read = reading.read_source

    def read_source(source, *args, **kwargs):
        if doomed(source.url) and os.getpid() != refreshing:
            with deaths.open("a") as file:
                file.write(f"{source.url}\n")
            os.kill(os.getpid(), signal.SIGKILL)
        return read(source, *args, **kwargs)

    monkeypatch.setattr(reading, "read_source", read_source)
    return deaths


def test_a_worker_killed_under_a_feed_loses_no_feed(library, monkeypatch, tmp_path):
    store, settings = library
    deaths = dying_on(monkeypatch, tmp_path, lambda url: url.endswith("/7.xml"))
    report = refresh(store, store.sources(), settings)  # the new pool is spawned: the feed reads fine there
    assert deaths.read_text().split("\n")[0].endswith("/7.xml")  # the first pool did break under it
    assert report.count("failed") == 0 and report.new_entries == 2 * PARALLEL_SOURCES
    assert len(store.search("feed7post1word5")) == 1 and len(store.search("feed8post0word9")) == 1
    assert list((tmp_path / "spool").iterdir()) == []


def test_a_feed_that_brings_down_every_process_reading_it_fails_alone(library, monkeypatch, tmp_path):
    store, settings = library
    monkeypatch.setattr(parse_pool, "RESTART_METHOD", "fork")  # the new processes die on it too
    dying_on(monkeypatch, tmp_path, lambda url: url.endswith("/7.xml"))
    report = refresh(store, store.sources(), settings)
    failed = [outcome for outcome in report.outcomes if outcome.status == "failed"]
    assert [outcome.source.url.rsplit("/", 1)[1] for outcome in failed] == ["7.xml"]
    assert "brought down the process reading it" in failed[0].error and "report it" in failed[0].error
    assert store.source(failed[0].source.id).last_error == failed[0].error
    assert report.new_entries == 2 * (PARALLEL_SOURCES - 1)
    assert list((tmp_path / "spool").iterdir()) == []  # the results' folder goes with the refresh


def test_workers_that_keep_dying_fail_the_feeds_left_each_with_its_message(library, monkeypatch, tmp_path):
    store, settings = library
    monkeypatch.setattr(parse_pool, "RESTART_METHOD", "fork")
    monkeypatch.setattr(parse_pool, "MAX_RESTARTS", 2)
    dying_on(monkeypatch, tmp_path, lambda url: True)
    report = refresh(store, store.sources(), settings)  # returns: no internal error, no hang
    assert report.count("failed") == PARALLEL_SOURCES and report.new_entries == 0
    errors = {outcome.error.split(": ", 1)[1] for outcome in report.outcomes}
    assert errors <= {"not read, since the parse worker processes died 3 times in this refresh (out of memory?); "
                      "free some memory and fetch again",
                      "reading this feed brought down the process reading it, twice, so it was skipped and the other "
                      "feeds were read; open it in a browser to check it, and report it if it is a valid feed"}
    assert all(source.last_error for source in store.sources())
