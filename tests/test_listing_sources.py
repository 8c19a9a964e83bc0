"""Blog index pages with no feed as sources: `add` detects them, `fetch` re-reads them."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES

LISTING = FIXTURES / "listing"


def serve_listing(server, name: str, path: str = "/") -> tuple[str, list[dict]]:
    """Serve a listing fixture as if the blog lived on the test server; returns its URL and expected items."""
    case = json.loads((LISTING / f"{name}.json").read_text())
    site = case["page_url"].rstrip("/")
    local = server.url("")
    html = (LISTING / f"{name}.html").read_text().replace(site, local)
    for item in case["items"]:
        item["url"] = item["url"].replace(site, local)
    return server.serve(path, html, content_type="text/html; charset=utf-8"), case["items"]


def test_a_listing_page_becomes_a_source_and_fetch_adds_its_posts(cli, server):
    url, expected = serve_listing(server, "hugo-papermod")
    added = cli("add", url)
    assert added.code == 0, added.err
    assert "added source 1 (listing)" in added.out
    assert cli("sources", "--json").json[0]["kind"] == "listing"

    fetched = cli("fetch")
    assert fetched.code == 0, fetched.err
    entries = {e["url"]: e for e in cli("list", "--all", "--limit", "100", "--json").json}
    assert set(entries) == {item["url"] for item in expected}
    for item in expected:
        entry = entries[item["url"]]
        assert entry["title"] == item["title"]
        assert entry["summary_origin"] == "feed" and entry["summary"]
        assert entry["summary"].split()[:5] == item["excerpt"].split()[:5]
        if item["word_count"]:
            assert entry["word_count"] == item["word_count"]
        if item["published"]:
            assert entry["published"][:10] == item["published"][:10]


def test_refetching_a_listing_adds_only_new_posts(cli, server):
    url, expected = serve_listing(server, "jekyll-minima")
    cli("add", url)
    cli("fetch")
    first = len(cli("list", "--all", "--json").json)
    assert first == len(expected)
    html = server.routes["/"].body.decode().replace("</ul>", (
        '<li><span class="post-meta">Mar 30, 2026</span><h3><a class="post-link" href="/2026/03/30/new-post.html">'
        "A brand new post about sparse attention</a></h3><p>Fresh excerpt about attention sparsity patterns.</p></li></ul>"
    ), 1)
    server.serve("/", html, content_type="text/html")
    assert cli("fetch").code == 0
    titles = [e["title"] for e in cli("list", "--all", "--json").json]
    assert len(titles) == first + 1 and "A brand new post about sparse attention" in titles


def test_a_listed_roundup_post_is_fetched_in_full_and_split(cli, server):
    url, expected = serve_listing(server, "hugo-papermod")
    roundup = (FIXTURES / "roundups" / "numbered_substack_desc.html").read_text()
    post_path = expected[0]["url"].replace(server.url(""), "")
    server.serve(post_path, f"<html><head><title>Roundup</title></head><body><article>{roundup}</article></body></html>",
                 content_type="text/html")
    cli("add", url)
    assert cli("fetch").code == 0
    post = next(e for e in cli("list", "--all", "--json").json if e["url"] == expected[0]["url"])
    items = cli("show", str(post["id"]), "--json").json["items"]
    assert len(items) == 10


def test_a_page_that_is_neither_feed_nor_listing_is_saved_as_an_article(cli, server):
    article = server.serve_file("/posts/warmup", FIXTURES / "pages" / "article.html", content_type="text/html")
    added = cli("add", article)
    assert added.code == 0, added.err
    assert "saved article" in added.out
    assert cli("sources", "--json").json == []
    assert [e["title"] for e in cli("list", "--json").json] == ["Warmup, measured"]


def test_a_listing_that_stops_listing_is_a_recorded_error(cli, server):
    url, _ = serve_listing(server, "ghost-cards")
    cli("add", url)
    cli("fetch")
    kept = len(cli("list", "--all", "--json").json)
    server.serve("/", "<html><body><p>Under maintenance.</p></body></html>", content_type="text/html")
    result = cli("fetch")
    assert result.code == 0
    source = cli("sources", "--json").json[0]
    assert "no longer lists any posts" in source["last_error"] and source["error_count"] == 1
    assert len(cli("list", "--all", "--json").json) == kept
