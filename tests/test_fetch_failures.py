"""Fetch failures as a user meets them through the CLI (spec section 7): a failing source is recorded
with a clear message and the run goes on; nothing already stored is lost; 410 disables, 301 moves,
429/503 Retry-After is honoured across runs; the private-network guard explains itself."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"
RSS2_TITLE = "Gradient Notes"

# Small limits so failures are quick: rss2.xml (1,971 bytes) and atom.xml fit under max_bytes.
CONFIG = """\
starter_subscriptions = false

[fetch]
max_bytes = 2000
total_timeout = 1
connect_timeout = 1
max_retry_wait = 2
"""


@pytest.fixture
def library(home, cli, server):
    """A library with two fetched sources: 1 = rss2.xml at /feed.xml (3 entries), 2 = atom.xml at
    /other.xml. Returns the list of entry ids stored by that first, successful fetch."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    feed_url = server.serve_file("/feed.xml", FEEDS / "rss2.xml", etag='"rss2-v1"')
    other_url = server.serve_file("/other.xml", FEEDS / "atom.xml")
    for url in (feed_url, other_url):
        added = cli("add", url)
        assert added.code == 0, added.err
    first = cli("fetch")
    assert first.code == 0, first.err
    assert "failed" not in first.err
    sources = cli("sources", "--json").json
    assert [source["id"] for source in sources] == [1, 2]
    assert sources[0]["title"] == RSS2_TITLE and sources[0]["entries"] == 3
    assert all(source["error_count"] == 0 and source["last_error"] is None for source in sources)
    return entry_ids(cli)


def entry_ids(cli) -> list[int]:
    listed = cli("list", "--json", "--limit", "1000", "--all")
    assert listed.code == 0, listed.err
    return sorted(entry["id"] for entry in listed.json)


def source(cli, source_id: int = 1) -> dict:
    return next(row for row in cli("sources", "--json").json if row["id"] == source_id)


def _timeout(request):
    time.sleep(1.6)  # bounded; the client gave up after total_timeout = 1 s
    request.close_connection = True  # and answers nothing


FAILURES = {
    "404": (lambda server: server.serve("/feed.xml", b"not here", status=404, content_type="text/plain"),
            ["HTTP 404", "check the URL"]),
    "timeout": (lambda server: server.serve_handler("/feed.xml", _timeout), ["timed out after 1 s"]),
    "oversized": (lambda server: server.serve("/feed.xml", b"<rss>" + b"x" * 5000 + b"</rss>"),
                  ["2,000-byte cap", "max_bytes"]),
    "html-page": (lambda server: server.serve_file("/feed.xml", FEEDS / "not-a-feed.html", content_type="text/html"),
                  ["not a feed", "still the feed's address"]),
    "garbage": (lambda server: server.serve("/feed.xml", b"\x00\x01\xff garbage {{{ <<<"), ["not a feed"]),
    "truncated-json": (lambda server: server.serve("/feed.xml", b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
                                                   content_type="application/feed+json"), ["not a feed"]),
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_a_failing_source_is_recorded_and_the_run_goes_on(cli, server, library, kind):
    breaks, fragments = FAILURES[kind]
    breaks(server)
    other_hits = len(server.hits("/other.xml"))

    run = cli("fetch")

    assert run.code == 0, run.err
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    failed_lines = [line for line in run.err.splitlines() if line.startswith("failed:")]
    assert len(failed_lines) == 1, run.err
    assert RSS2_TITLE in failed_lines[0] and "(source 1)" in failed_lines[0]
    assert "2 source(s)" in run.out and "1 failed" in run.out
    assert len(server.hits("/other.xml")) == other_hits + 1  # the other source was still fetched

    recorded = source(cli, 1)
    assert recorded["error_count"] == 1
    for fragment in fragments:
        assert fragment in recorded["last_error"], recorded["last_error"]
    assert recorded["disabled"] is False
    assert source(cli, 2)["error_count"] == 0
    assert entry_ids(cli) == library  # nothing stored earlier was lost


def test_errors_accumulate_and_a_later_success_clears_them(cli, server, library):
    server.serve("/feed.xml", b"", status=500)
    cli("fetch")
    cli("fetch")
    failing = source(cli)
    assert failing["error_count"] == 2 and "HTTP 500" in failing["last_error"]

    server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    healed = cli("fetch")
    assert healed.code == 0 and "failed" not in healed.err
    recovered = source(cli)
    assert recovered["error_count"] == 0 and recovered["last_error"] is None
    assert entry_ids(cli) == library


def test_a_partly_readable_feed_keeps_what_it_can_and_records_the_problem(cli, server, library):
    server.serve_file("/feed.xml", FEEDS / "malformed.xml")
    run = cli("fetch")
    assert run.code == 0, run.err
    recorded = source(cli)
    assert "malformed" in recorded["last_error"]
    titles = {entry["title"] for entry in cli("list", "--json", "--limit", "1000").json}
    assert {"First post survives", "Second post survives too"} <= titles
    assert set(library) <= set(entry_ids(cli))


def test_fetching_a_named_source_that_fails_exits_1(cli, server, library):
    server.serve("/feed.xml", b"not here", status=404)
    other_hits = len(server.hits("/other.xml"))
    run = cli("fetch", "1")
    assert run.code == 1
    assert "failed:" in run.err and "(source 1)" in run.err and "HTTP 404" in run.err
    assert "named source(s) failed" in run.err
    assert "Traceback" not in run.err, run.err
    assert len(server.hits("/other.xml")) == other_hits  # only the named source was fetched
    assert source(cli)["error_count"] == 1
    assert entry_ids(cli) == library


def test_fetching_a_named_source_that_works_exits_0(cli, server, library):
    run = cli("fetch", "2")
    assert run.code == 0, run.err
    assert "1 source(s)" in run.out


def test_410_disables_the_source_and_later_fetches_skip_it(cli, server, library):
    server.serve("/feed.xml", b"gone", status=410, content_type="text/plain")
    run = cli("fetch")
    assert run.code == 0
    assert "failed:" in run.err and "410" in run.err
    gone = source(cli)
    assert gone["disabled"] is True and "410" in gone["last_error"] and gone["error_count"] == 1

    hits = len(server.hits("/feed.xml"))
    again = cli("fetch")
    assert again.code == 0
    assert "1 skipped" in again.out and "failed" not in again.err
    assert len(server.hits("/feed.xml")) == hits  # no request to a disabled source
    assert source(cli)["error_count"] == 1
    assert entry_ids(cli) == library


def _moved_permanently(location: str):
    def handler(request):
        request.send_response(301)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


def test_a_301_updates_the_source_url(cli, server, library):
    new_url = server.serve_file("/moved.xml", FEEDS / "rss2.xml")
    server.serve_handler("/feed.xml", _moved_permanently("/moved.xml"))
    run = cli("fetch")
    assert run.code == 0 and "failed" not in run.err
    moved = source(cli)
    assert moved["url"] == new_url
    assert moved["error_count"] == 0 and moved["entries"] == 3

    old_hits = len(server.hits("/feed.xml"))
    cli("fetch")
    assert len(server.hits("/feed.xml")) == old_hits  # the next fetch goes straight to the new URL
    assert len(server.hits("/moved.xml")) == 2
    assert entry_ids(cli) == library


def test_a_302_does_not_update_the_source_url(cli, server, library):
    old_url = server.url("/feed.xml")
    server.serve_file("/temporary.xml", FEEDS / "rss2.xml")

    def found(request):
        request.send_response(302)
        request.send_header("Location", "/temporary.xml")
        request.send_header("Content-Length", "0")
        request.end_headers()

    server.serve_handler("/feed.xml", found)
    assert cli("fetch").code == 0
    assert source(cli)["url"] == old_url


def test_a_301_to_an_unchanged_feed_still_updates_the_source_url(cli, server, library):
    # The first fetch stored ETag "rss2-v1"; the feed moves without changing.
    new_url = server.serve_file("/moved.xml", FEEDS / "rss2.xml", etag='"rss2-v1"')
    server.serve_handler("/feed.xml", _moved_permanently("/moved.xml"))
    run = cli("fetch")
    assert run.code == 0 and "failed" not in run.err
    assert server.hits("/moved.xml")[0].headers.get("if-none-match") == '"rss2-v1"'  # so it got a 304
    assert source(cli)["url"] == new_url


def test_429_with_a_long_retry_after_is_recorded_and_the_next_fetch_waits(cli, server, library):
    server.serve("/feed.xml", b"", status=429, headers={"Retry-After": "3600"})
    before = datetime.now(UTC)
    run = cli("fetch")
    assert run.code == 0
    assert "failed:" in run.err and "429" in run.err
    busy = source(cli)
    assert busy["retry_after"] is not None and "429" in busy["last_error"]
    retry_at = datetime.fromisoformat(busy["retry_after"].replace("Z", "+00:00"))
    assert 3500 <= (retry_at - before).total_seconds() <= 3700

    hits = len(server.hits("/feed.xml"))
    again = cli("fetch")
    assert again.code == 0
    assert "1 skipped" in again.out
    assert len(server.hits("/feed.xml")) == hits  # no new request while the server asked to wait
    assert len(server.hits("/other.xml")) >= 2  # the other source is still fetched
    assert entry_ids(cli) == library


def test_503_with_a_retry_after_date_is_recorded_and_capped_at_a_week(cli, server, library):
    soon = (datetime.now(UTC) + timedelta(hours=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    server.serve("/feed.xml", b"", status=503, headers={"Retry-After": soon})
    assert cli("fetch").code == 0
    down = source(cli)
    assert "503" in down["last_error"]
    assert down["retry_after"][:13] == (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H")

    from blogreader.fetch.client import retry_after_seconds

    assert retry_after_seconds("Fri, 31 Dec 2100 23:59:59 GMT") == 7 * 24 * 3600


def test_429_with_a_short_retry_after_is_waited_out_within_the_run(cli, server, library):
    calls = []

    def busy_once(request):
        calls.append(1)
        if len(calls) == 1:
            request.send_response(429)
            request.send_header("Retry-After", "1")
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        body = (FEEDS / "rss2.xml").read_bytes()
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    server.serve_handler("/feed.xml", busy_once)
    run = cli("fetch")
    assert run.code == 0 and "failed" not in run.err
    assert len(calls) == 2
    assert source(cli)["retry_after"] is None and source(cli)["error_count"] == 0


def test_an_absurd_retry_after_is_a_recorded_failure_not_a_crash(cli, server, library):
    server.serve("/feed.xml", b"", status=429, headers={"Retry-After": "999999999999"})
    # Only source 1 is fetched, so no other request is in flight when the run aborts.
    run = cli("fetch", "1")
    assert "internal error" not in run.err, run.err
    assert run.code == 1 and "named source(s) failed" in run.err
    assert "failed:" in run.err and "(source 1)" in run.err
    assert source(cli)["error_count"] == 1


def test_a_redirect_to_an_unparseable_location_is_a_recorded_failure_not_a_crash(cli, server, library):
    def bad_redirect(request):
        request.send_response(302)
        request.send_header("Location", "http://[oops/feed.xml")
        request.send_header("Content-Length", "0")
        request.end_headers()

    server.serve_handler("/feed.xml", bad_redirect)
    # Only source 1 is fetched, so no other request is in flight when the run aborts.
    run = cli("fetch", "1")
    assert "internal error" not in run.err, run.err
    assert run.code == 1 and "named source(s) failed" in run.err
    assert "failed:" in run.err and "(source 1)" in run.err
    assert source(cli)["error_count"] == 1


# --- the private-network guard through the CLI ---------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_add_of_a_private_address_is_refused_with_the_way_out(cli, server, home, host):
    server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    url = f"http://{host}:{server.port}/feed.xml"
    run = cli("add", url, allow_private=False)
    assert run.code != 0
    assert "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in run.err
    assert host in run.err
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    assert server.requests == []
    assert cli("sources", "--json").json == []
    # The way out works: the same command with private networks allowed.
    assert cli("add", url).code == 0


def test_fetch_of_a_private_source_without_the_allowance_fails_cleanly(cli, server, library):
    hits = len(server.requests)
    run = cli("fetch", allow_private=False)
    assert run.code == 0
    failed_lines = [line for line in run.err.splitlines() if line.startswith("failed:")]
    assert len(failed_lines) == 2, run.err
    assert all("BLOGREADER_ALLOW_PRIVATE_NETWORKS" in line for line in failed_lines)
    assert "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in run.err
    assert "Traceback" not in run.err, run.err
    assert len(server.requests) == hits  # nothing reached the server
    assert "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in source(cli)["last_error"]
    assert entry_ids(cli) == library


# --- no network at all ---------------------------------------------------------------------------


def test_with_no_network_the_failures_are_not_counted_against_the_sources(cli, server, home):
    """Two blogs on hosts that stop answering (nothing listens any more: the connection is refused, as when the
    machine is offline). Fetched alone, right after they answered, every source fails to connect, which says the
    network is down: the command says so, and nothing is counted, so a laptop offline for a weekend does not find
    every source backed off for days. Fetched beside a blog that still answers, or days after they last answered,
    the failures are the blogs' own, and count."""
    from blogreader.store import Store
    from tests.conftest import FixtureServer

    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    gone = [FixtureServer(), FixtureServer()]
    for blog in gone:
        assert cli("add", blog.serve_file("/feed.xml", FEEDS / "rss2.xml")).code == 0
    assert cli("add", server.serve_file("/feed.xml", FEEDS / "atom.xml")).code == 0
    assert cli("fetch").code == 0
    answered = {n: source(cli, n)["last_fetched"] for n in (1, 2)}
    for blog in gone:
        blog.close()

    for _ in range(2):
        run = cli("fetch", "1", "2")  # nothing answers: the network is down, not the blogs
        assert "no network" in run.err and "Traceback" not in run.err, run.err
    for n in (1, 2):
        assert source(cli, n)["error_count"] == 0  # not counted
        assert "cannot connect" in source(cli, n)["last_error"]  # and still there to be read
        assert source(cli, n)["last_fetched"] == answered[n]  # the fetch before, that worked

    run = cli("fetch")  # one blog still answers: the two that do not are failing
    assert run.err.count("failed:") == 2 and "no network" not in run.err, run.err
    assert [source(cli, n)["error_count"] for n in (1, 2, 3)] == [1, 1, 0]

    with Store.open(home / "blogreader.db") as store:  # both answered last days ago
        store.conn.execute("UPDATE sources SET error_count = 0, last_fetched = '2020-01-01T00:00:00Z'")
    run = cli("fetch", "1", "2")
    assert "no network" not in run.err and [source(cli, n)["error_count"] for n in (1, 2)] == [1, 1], run.err
