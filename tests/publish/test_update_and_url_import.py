"""`update` publishes the configured outputs; a text file of URLs is saved as articles."""

from __future__ import annotations

import feedparser

from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"
PAGES = FIXTURES / "publish" / "pages"


def test_update_fetches_then_publishes_readme_and_feed_and_says_what_changed(cli, server, home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text("starter_subscriptions = false\n", encoding="utf-8")
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    first = cli("update")
    assert first.code == 0, first.err
    assert "published readme: " in first.out and "README.md (0 entries, written)" in first.out
    assert "published feed: " in first.out and "feed.xml (0 entries, written)" in first.out

    entry = next(e for e in cli("list", "--json").json if e["title"] == "Why warmup matters for Adam")
    cli("star", str(entry["id"]))
    second = cli("update")
    assert "README.md (1 entries, written)" in second.out and "feed.xml (1 entries, written)" in second.out
    readme = (home / "README.md").read_text(encoding="utf-8")
    assert "| 🌟 [Why warmup matters for Adam](https://notes.example.org/posts/warmup?utm_source=rss&utm_medium=feed) |" in readme
    feed = feedparser.parse((home / "feed.xml").read_bytes())
    assert not feed.bozo and feed.entries[0].title == "Why warmup matters for Adam"

    third = cli("update")
    assert "README.md (1 entries, unchanged)" in third.out and "feed.xml (1 entries, unchanged)" in third.out


def test_update_publishes_the_outputs_config_lists_even_with_no_sources(cli, home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text(
        'starter_subscriptions = false\n[publish]\noutputs = ["site", "digest"]\n', encoding="utf-8")
    result = cli("update")
    assert result.code == 0, result.err
    assert "published site: " in result.out and "published digest: " in result.out
    assert (home / "site" / "index.html").is_file()
    assert not (home / "README.md").exists()


def test_a_bad_publish_setting_is_a_clear_config_error(cli, home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text('[publish]\noutputs = ["readme", "pdf"]\n', encoding="utf-8")
    result = cli("publish", "readme")
    assert result.code == 2 and "outputs must be a list drawn from readme, digest, feed, site" in result.err


def test_a_text_file_of_urls_is_saved_as_articles_and_failures_are_reported(cli, server, tmp_path):
    first = server.serve_file("/posts/probing", PAGES / "probing.html", content_type="text/html")
    second = server.serve_file("/posts/kv-cache", PAGES / "kv-cache.html", content_type="text/html")
    missing = server.url("/posts/gone")
    urls = tmp_path / "reading.txt"
    urls.write_text(f"# to read\n{first}\n\n- {second}\n{missing}\n", encoding="utf-8")

    result = cli("import", str(urls))
    assert result.code == 0, result.err
    assert "2 article(s) saved, 1 failed" in result.out and f"{missing}: " in result.out and "404" in result.out
    saved = {e["title"]: e for e in cli("list", "--json").json}
    assert set(saved) == {"What linear probes can and cannot tell you", "Sizing the KV cache"}
    assert all(e["source_id"] is None and e["summary"] for e in saved.values())

    again = cli("import", str(urls))  # saving again finds the same entries
    assert "2 article(s) saved" in again.out and len(cli("list", "--json").json) == 2


def test_a_url_file_where_nothing_can_be_saved_exits_1(cli, server, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(server.url("/nothing") + "\n", encoding="utf-8")
    result = cli("import", str(urls))
    assert result.code == 1 and "no URL could be saved" in result.err


def test_a_file_that_is_neither_is_refused_with_what_is_expected(cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("just some words\nand more\n", encoding="utf-8")
    result = cli("import", str(notes))
    assert result.code == 2 and "curated Markdown list" in result.err and "text file of URLs" in result.err
