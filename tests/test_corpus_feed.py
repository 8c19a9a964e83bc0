"""The real Substack feed of ../shared/corpus, served on 127.0.0.1: add, fetch, 304, list, search."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest

from blogreader.models import Entry
from tests.conftest import corpus_file

LAST_MODIFIED = "Sat, 04 Jul 2026 13:12:53 GMT"


@pytest.fixture
def corpus_feed(server):
    path = corpus_file("intoai-feed.xml")
    url = server.serve_file("/feed", path, content_type="application/rss+xml; charset=utf-8",
                            etag='"intoai-v1"', last_modified=LAST_MODIFIED)
    return url, path


def test_add_then_fetch_stores_every_item_as_the_feed_has_it(cli, corpus_feed):
    url, path = corpus_feed
    added = cli("add", url)
    assert added.code == 0, added.err
    assert "added source 1 (feed): Into AI" in added.out

    fetched = cli("fetch")
    assert fetched.code == 0, fetched.err
    assert "12 new" in fetched.out

    listed = cli("list", "--all", "--kind", "post", "--json").json
    expected = feedparser.parse(path.read_bytes()).entries
    assert len(listed) == len(expected) == 12
    by_url = {entry["url"]: entry for entry in listed}
    for item in expected:
        stored = by_url[item.link]
        assert stored["title"] == item.title
        published = datetime(*item.published_parsed[:6], tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert stored["published"] == published
        assert stored["source"] == "Into AI"
        assert stored["word_count"] > 50
        assert stored["reading_minutes"] == max(1, -(-stored["word_count"] // 220))


def test_second_fetch_is_conditional_gets_304_and_adds_nothing(cli, server, corpus_feed):
    url, _ = corpus_feed
    cli("add", url)
    cli("fetch")
    before = len(server.hits("/feed"))

    again = cli("fetch")

    assert again.code == 0
    assert "0 new" in again.out and "1 unchanged" in again.out
    request = server.hits("/feed")[before]
    assert request.headers["if-none-match"] == '"intoai-v1"'
    assert request.headers["if-modified-since"] == LAST_MODIFIED
    assert len(cli("list", "--all", "--kind", "post", "--json").json) == 12


def test_list_json_has_every_spec_field_and_nulls_before_enrichment(cli, corpus_feed):
    url, _ = corpus_feed
    cli("add", url)
    cli("fetch", "--no-enrich")
    entries = cli("list", "--kind", "post", "--json").json
    for entry in entries:
        assert set(Entry.LISTED) <= set(entry)
        assert entry["kind"] == "post"
        assert entry["summary"] is None and entry["category"] is None and entry["summary_origin"] is None
        assert entry["read"] is False and entry["picked"] is False
        assert entry["added"].endswith("Z")


def test_search_finds_an_entry_by_a_word_from_its_body(cli, corpus_feed):
    url, _ = corpus_feed
    cli("add", url)
    cli("fetch")
    hits = cli("search", "interconnects", "--json").json
    assert hits, "a word from the GPU post's body finds it"
    assert hits[0]["title"] == "NVIDIA GPU Ecosystem, Simply Explained"


def test_show_json_carries_sanitized_content_and_text(cli, corpus_feed):
    url, _ = corpus_feed
    cli("add", url)
    cli("fetch")
    first = cli("list", "--kind", "post", "--json").json[0]
    shown = cli("show", str(first["id"]), "--json").json
    assert isinstance(shown["items"], list)
    assert shown["text"] and "<" not in shown["text"][:200]
    assert "<script" not in shown["content_html"].lower()


def test_every_roundup_splits_into_ten_items_with_paper_links(cli, corpus_feed):
    url, _ = corpus_feed
    cli("add", url)
    cli("fetch")
    roundups = [e for e in cli("list", "--kind", "post", "--json").json if e["title"].startswith("This Week In AI Research")]
    assert len(roundups) == 5
    for roundup in roundups:
        items = cli("show", str(roundup["id"]), "--json").json["items"]
        assert len(items) == 10
        assert sorted(item["rank"] for item in items) == list(range(1, 11))
        for item in items:
            assert item["kind"] == "link" and item["url"].startswith("https://")
            assert "intoai.pub" not in item["url"] and "substackcdn" not in item["url"]
            assert not item["title"][0].isdigit() or not item["title"].split()[0].rstrip(".").isdigit()
            assert item["summary"] and item["category"]
