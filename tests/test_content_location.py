"""A feed's Content-Location header is the base of its relative links, from the fetcher to the stored entry."""

from __future__ import annotations

from tests.conftest import FIXTURES
from tests.fetch.test_client import run_get

FEED = FIXTURES / "feeds" / "fidelity" / "relative-rss.xml"


def serve_feed(server, location: str) -> str:
    return server.serve_file("/feeds/latest.xml", FEED, content_type="application/rss+xml",
                             headers={"Content-Location": location})


def test_the_fetcher_passes_content_location_on(server):
    url = serve_feed(server, "/archive/2024/feed.xml")
    assert run_get(url).content_location == "/archive/2024/feed.xml"


def test_relative_links_resolve_against_content_location(cli, server):
    url = serve_feed(server, "/archive/2024/feed.xml")
    assert cli("add", url).code == 0
    assert cli("fetch").code == 0
    [entry] = cli("list", "--all", "--json").json
    assert entry["url"] == server.url("/archive/2024/posts/one.html")


def test_a_content_location_that_is_no_web_address_is_ignored(cli, server):
    url = serve_feed(server, "javascript:alert(1)//")
    assert cli("add", url).code == 0
    assert cli("fetch").code == 0
    [entry] = cli("list", "--all", "--json").json
    assert entry["url"] == server.url("/feeds/posts/one.html")
