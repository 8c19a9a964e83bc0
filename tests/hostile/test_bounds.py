"""Bounds on the expensive parsers that read remote documents.

- A teaser's article page of several MB of nested markup: trafilatura took minutes and gigabytes on
  it, in the event loop, so every other source of the refresh waited. Expected: only the first 2 MB are
  read, in a worker process with a time budget; the other sources finish while it is read; the entry
  keeps its teaser and the source records why.
- Many teasers to large pages: all of a feed's pages were fetched and held at once (25 per feed).
  Expected: a few at a time, each read as it arrives.
- An <rss> with no <channel> and 600,000 items goes to feedparser, which has no entry limit.
  Expected: at most MAX_FEED_ENTRIES entries, a problem on the source, memory that does not grow with
  the items.
- A feed of items with neither link nor guid is matched by content hash; the lookup uses its index.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from blogreader.config import DATABASE_NAME, load_settings
from blogreader.parse import article_workers
from blogreader.parse.article import MAX_ARTICLE_BYTES
from blogreader.parse.feeds import MAX_FEED_ENTRIES
from blogreader.pipeline import NEW, refresh
from blogreader.store import Store
from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import entries, item, rss, sources, write_config

WORDS = "Sparse autoencoders find features in the residual stream of a language model. "
TEASER = "<p>The start of a post about features.</p><p>Read more</p>"


def dense_page(size: int) -> bytes:
    """`size` bytes of nested markup with links and text: the kind of page trafilatura is slowest on."""
    unit = ("<div class='c'><section><div><p>Some words of text that go on and on, about models and data. "
            "<a href='/x'>a link</a> <b>bold</b> <span><i>nested</i></span></p></div></section></div>")
    return ("<html><head><title>Huge</title></head><body><article><h1>Huge</h1>"
            + unit * (size // len(unit)) + "</article></body></html>").encode()


def padded_page(size: int, title: str = "Big page") -> bytes:
    """An article at the top of `size` bytes, the rest a script: large to fetch, cheap to read."""
    article = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
               f"<p>{WORDS * 40}</p><p>{WORDS * 40}</p></article>")
    return (article + "<script>var data = '" + "x" * (size - len(article)) + "';</script></body></html>").encode()


def after(delay: float, body: bytes):
    """A handler that answers `body` after `delay` seconds (bounded: it always answers)."""

    def handler(request) -> None:
        time.sleep(delay)
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


def run_refresh(home):
    """`fetch` as the library runs it, with the order in which sources finished."""
    finished: list[str] = []
    with Store.open(home / DATABASE_NAME) as store:
        report = refresh(store, store.sources(), load_settings(home), on_progress=lambda o: finished.append(o.source.url))
    return report, finished


def test_a_huge_teaser_page_does_not_hold_up_other_sources(cli, server, home, monkeypatch):
    write_config(home, max_bytes=10_000_000, total_timeout=10)
    monkeypatch.setattr(article_workers, "BUDGET_SECONDS", 2.0)  # a 2 MB dense page takes several times this
    page = server.serve("/pages/huge.html", dense_page(6_000_000), content_type="text/html")
    teaser = server.serve("/teaser.xml", rss(item("Huge post", "huge-1", TEASER, link=page)))
    others = [server.serve_handler(f"/feeds/{n}.xml", after(0.3, rss(item(f"Post {n}", f"p{n}", f"<p>{WORDS * 20}</p>"),
                                                                      title=f"Feed {n}").encode()))
              for n in range(5)]
    for url in [teaser, *others]:
        assert cli("add", url).code == 0

    report, finished = run_refresh(home)

    # Every other source was stored while the page was still being read (the event loop was never held).
    assert finished[-1] == teaser, finished
    assert {outcome.source.url: outcome.status for outcome in report.outcomes} == {url: NEW for url in [teaser, *others]}
    [source] = [row for row in sources(cli) if row["url"] == teaser]
    problem = source["last_error"] or ""
    assert page in problem and ("took over 2 s" in problem or f"over {MAX_ARTICLE_BYTES:,} bytes" in problem), source
    [huge] = [row for row in entries(cli) if row["title"] == "Huge post"]
    if "took over 2 s" in problem:
        assert "The start of a post" in cli("show", str(huge["id"]), "--json").json["text"]  # the teaser, kept


def test_a_large_teaser_page_is_read_up_to_the_cap(cli, server, home):
    write_config(home, max_bytes=10_000_000, total_timeout=10)
    page = server.serve("/pages/big.html", padded_page(3_000_000), content_type="text/html")
    feed = server.serve("/teaser.xml", rss(item("Big post", "big-1", TEASER, link=page)))
    assert cli("add", feed).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    [entry] = entries(cli)
    assert cli("show", str(entry["id"]), "--json").json["text"].count("Sparse autoencoders") >= 40  # the full text
    [source] = sources(cli)
    assert f"{page}: the page is over {MAX_ARTICLE_BYTES:,} bytes" in (source["last_error"] or ""), source


def test_article_pages_are_held_a_few_at_a_time(cli, server, home):
    """Two feeds of 25 teasers each, to 1.5 MB pages: peak memory is a few pages, not all 50."""
    write_config(home, max_bytes=10_000_000, total_timeout=20)
    size = 1_500_000
    for feed in range(2):
        items = "".join(item(f"Post {feed}-{n}", f"f{feed}-{n}", TEASER,
                             link=server.serve(f"/pages/{feed}/{n}.html", padded_page(size, f"Page {feed} {n}"),
                                               content_type="text/html"))
                        for n in range(25))
        assert cli("add", server.serve(f"/feed{feed}.xml", rss(items, title=f"Feed {feed}"))).code == 0

    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        report, _ = run_refresh(home)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()

    assert report.count(NEW) == 2
    full = [row for row in entries(cli) if row["word_count"] > 300]
    assert len(full) == 50  # every page was read
    assert peak < 15 * size, f"{peak / size:.1f} pages' worth of memory at the peak"


def test_a_feed_of_600000_items_without_a_channel_is_read_up_to_the_cap(cli, server, home):
    write_config(home, max_bytes=50_000_000, total_timeout=60)
    body = ("<?xml version='1.0'?><rss version='2.0'>"
            + "".join(f"<item><title>{n}</title><description>{n}</description></item>" for n in range(600_000))
            + "</rss>").encode()
    url = server.serve("/many.xml", body)
    assert cli("add", url).code == 0

    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        fetched = cli("fetch", "--no-enrich")
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()

    assert fetched.code == 0, fetched.err
    assert len(entries(cli)) == MAX_FEED_ENTRIES
    [source] = sources(cli)
    assert f"more than {MAX_FEED_ENTRIES:,} entries" in (source["last_error"] or ""), source
    # The body is held about twice (download, charset check); 600,000 parsed entries took many times more.
    assert peak < 8 * len(body), f"peak {peak / len(body):.1f} times the body"


def test_items_without_link_or_guid_are_matched_through_the_content_hash_index(cli, server, home):
    write_config(home)
    body = rss("".join(f"<item><title>Note {n}</title><description>&lt;p&gt;Note number {n}.&lt;/p&gt;</description></item>"
                       for n in range(300)))
    url = server.serve("/notes.xml", body)
    assert cli("add", url).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    assert len(entries(cli)) == 300

    from blogreader.normalize.entry import normalize_entry
    from blogreader.parse.feeds import parse_feed

    again = [normalize_entry(parsed, url) for parsed in parse_feed(body.encode(), url).entries]
    assert all(entry.guid is None and entry.canonical_url is None for entry in again)
    with Store.open(home / DATABASE_NAME) as store:
        [source] = store.sources()
        for analyzed in (False, True):  # with the planner's statistics too, as a restored backup may carry
            if analyzed:
                store.conn.execute("ANALYZE")
            statements: list[str] = []
            store.conn.set_trace_callback(statements.append)
            saved = store.save_entries(source.id, again)
            store.conn.set_trace_callback(None)
            assert saved.new_ids == [] and len(set(saved.ids)) == 300  # each found again, by its text
            lookups = [sql for sql in statements if "content_hash =" in sql and sql.lstrip().upper().startswith("SELECT")]
            assert len(lookups) == 1  # one statement for the whole feed, with every item's hash
            if store.engine != "sqlite":  # PostgreSQL's planner weighs index and scan by its own statistics
                continue
            steps = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + lookups[0])]
            # Each hash of the list is one look-up in the index; the only scan is of the list itself.
            assert any("entries_by_content_hash" in step for step in steps), steps
            assert all(step.startswith("SCAN j ") for step in steps if step.startswith("SCAN")), steps


@pytest.fixture(autouse=True)
def _no_stray_workers():
    """Every article worker a test started is stopped by the end of its refresh."""
    yield
    proc = Path("/proc")
    if not proc.is_dir():
        return
    mine = str(os.getpid())
    workers = []
    for stat in proc.glob("[0-9]*/stat"):
        try:
            parent = stat.read_text().rsplit(")", 1)[1].split()[1]
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        if parent == mine and b"article_workers" in command:
            workers.append(stat.parent.name)
    assert not workers, workers
