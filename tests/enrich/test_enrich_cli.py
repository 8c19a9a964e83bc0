"""Enrichment through the command line: fetch enriches, user data wins, teasers get full text."""

from __future__ import annotations

import re

from tests.conftest import FIXTURES, corpus_file
from tests.hostile.helpers import respond

FEEDS = FIXTURES / "feeds"


def test_fetch_enriches_and_no_enrich_leaves_it_for_later(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    fetched = cli("fetch", "--no-enrich")
    assert fetched.code == 0 and "enriched" not in fetched.out
    assert all(e["summary"] is None and e["category"] is None for e in cli("list", "--json").json)
    enriched = cli("enrich")
    assert enriched.code == 0 and "enriched 3 entries" in enriched.out
    entries = {e["title"]: e for e in cli("list", "--json").json}
    warmup = entries["Why warmup matters for Adam"]
    assert warmup["summary"] == "Learning-rate warmup keeps Adam's second-moment estimate from exploding early."
    assert warmup["summary_origin"] == "feed"
    sae = entries["Scaling laws for sparse autoencoders"]
    assert sae["summary_origin"] == "extractive" and sae["summary"]
    assert all(e["category"] and e["category_origin"] == "local" for e in entries.values())
    assert cli("enrich").out.startswith("enriched 0 entries")


def test_user_edits_survive_enrich_all(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    cli("fetch")
    entry = cli("list", "--json").json[0]
    cli("edit", str(entry["id"]), "--summary", "My own words.", "--category", "Optimizers")
    assert cli("enrich", "--all", "--summarizer", "extractive").code == 0
    shown = cli("show", str(entry["id"]), "--json").json
    assert shown["summary"] == "My own words." and shown["summary_origin"] == "user"
    assert shown["category"] == "Optimizers" and shown["category_origin"] == "user"
    names = [row["name"] for row in cli("categories", "--json").json]
    assert "Optimizers" in names and "Interpretability" in names


def test_promo_flag_can_be_overruled_and_stays_overruled(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    cli("fetch")
    entry = cli("list", "--json").json[0]
    cli("edit", str(entry["id"]), "--promo")
    assert entry["id"] not in [e["id"] for e in cli("list", "--json").json]
    cli("enrich", "--all")
    assert cli("show", str(entry["id"]), "--json").json["promo"] is True
    assert entry["id"] in [e["id"] for e in cli("list", "--all", "--json").json]


def test_a_teaser_item_gets_the_article_page_full_text(cli, server):
    article_url = server.serve_file("/posts/warmup", FIXTURES / "pages" / "article.html", content_type="text/html")
    feed = (FEEDS / "teaser.xml").read_text().replace("ARTICLE_URL", article_url)
    cli("add", server.serve("/teaser.xml", feed))
    assert cli("fetch").code == 0
    entry = cli("list", "--json").json[0]
    shown = cli("show", str(entry["id"]), "--json").json
    assert "calibrated variant matched the warmup run" in shown["text"]
    assert "Subscribe now" not in shown["text"]
    assert shown["word_count"] > 100
    assert len(server.hits("/posts/warmup")) == 1
    cli("fetch")
    assert len(server.hits("/posts/warmup")) == 1, "a known entry's page is not fetched again"


def test_a_teaser_whose_page_could_not_be_reached_is_completed_by_a_later_fetch(cli, server):
    """The article page could not be reached (here: the connection dropped) when the teaser was stored: the next
    fetch of the unchanged feed reads it, and the summary is made again from the full text. A page that is down for
    good is asked for MAX_PAGE_TRIES times, then left alone."""
    from blogreader.store.linked_pages import MAX_PAGE_TRIES

    page = respond(200, (FIXTURES / "pages" / "article.html").read_bytes(), {"Content-Type": "text/html"})
    up = []  # empty while the server is down

    def down_then_up(handler) -> None:
        if not up:  # the connection dropped with no answer
            handler.close_connection = True
            return
        page(handler)

    article_url = server.serve_handler("/posts/warmup", down_then_up)
    feed = (FEEDS / "teaser.xml").read_text().replace("ARTICLE_URL", article_url)
    cli("add", server.serve("/teaser.xml", feed))
    assert cli("fetch").code == 0
    entry = cli("list", "--json").json[0]
    teaser = cli("show", str(entry["id"]), "--json").json
    assert teaser["word_count"] < 30 and "calibrated variant" not in teaser["text"]
    assert (teaser["page_waiting"], teaser["page_failed_tries"]) == (True, 1)  # and `show` says so
    said = "full text: its page could not be reached (1 time); the next fetch tries again"
    assert said in cli("show", str(entry["id"])).out
    up.append(True)
    assert cli("fetch").code == 0  # the feed unchanged; the page answers now
    shown = cli("show", str(entry["id"]), "--json").json
    assert "calibrated variant matched the warmup run" in shown["text"] and shown["word_count"] > 100
    assert shown["page_waiting"] is False and "full text:" not in cli("show", str(entry["id"])).out
    assert shown["summary"] != teaser["summary"]  # made again from the article
    assert [e["id"] for e in cli("search", "calibrated", "--json").json] == [entry["id"]]
    asked = len(server.hits("/posts/warmup"))
    for _ in range(2):
        cli("fetch")
    assert len(server.hits("/posts/warmup")) == asked  # read: not asked for again
    # A copy of the whole post elsewhere is found by the completed text, as it would have been had it come whole.
    article = cli("show", str(entry["id"]), "--json").json["content_html"]
    mirror = feed.replace(article_url, "https://mirror.example/warmup").replace("teaser-1", "mirror-1")
    mirror = re.sub(r"<description>.*?</description>", lambda _: f"<description><![CDATA[{article}]]></description>",
                    mirror, flags=re.S)
    cli("add", server.serve("/mirror.xml", mirror))
    assert cli("fetch").code == 0
    copy = next(e for e in cli("list", "--all", "--json").json if e["id"] != entry["id"])
    assert cli("show", str(copy["id"]), "--json").json["duplicate_of"] == entry["id"]

    down = server.serve("/posts/down", "<html><body>Service unavailable</body></html>", content_type="text/html",
                        status=502)
    cli("add", server.serve("/teaser-2.xml", feed.replace(article_url, down).replace("teaser-1", "teaser-2")))
    for _ in range(MAX_PAGE_TRIES + 2):
        assert cli("fetch").code == 0
    assert len(server.hits("/posts/down")) == MAX_PAGE_TRIES
    given_up = max(e["id"] for e in cli("list", "--all", "--json").json)
    assert f"could not be reached ({MAX_PAGE_TRIES} times); given up" in cli("show", str(given_up)).out


def test_save_stores_one_article_with_summary_pick_star_and_note(cli, server):
    url = server.serve_file("/posts/warmup", FIXTURES / "pages" / "article.html", content_type="text/html")
    saved = cli("save", url, "--star", "--note", "read with the team")
    assert saved.code == 0, saved.err
    entry = cli("list", "--starred", "--json").json[0]
    assert entry["title"] == "Warmup, measured"
    assert entry["author"] == "Rae Okafor"
    assert entry["picked"] and entry["starred"] and entry["note"] == "read with the team"
    assert entry["summary"] and entry["category"]
    assert entry["source"] is None
    again = cli("save", url)
    assert again.code == 0 and f"saved {entry['id']}" in again.out
    assert len(cli("list", "--all", "--json").json) == 1


def test_unknown_backend_is_a_usage_error(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    cli("fetch", "--no-enrich")
    result = cli("enrich", "--summarizer", "magic")
    assert result.code == 2 and "unknown summarizer 'magic'" in result.err


def test_corpus_feed_offline_every_entry_summarized_and_filed_promos_hidden(cli, server):
    path = corpus_file("intoai-feed.xml")
    cli("add", server.serve_file("/feed", path))
    assert cli("fetch").code == 0
    everything = cli("list", "--all", "--limit", "500", "--json").json
    assert len([e for e in everything if e["kind"] == "post"]) == 12
    assert all(e["summary"] and e["category"] for e in everything)
    promos = [e for e in everything if e["promo"]]
    assert {e["title"] for e in promos} >= {"Your company can pay for Into AI (here's how)"}
    visible = {e["id"] for e in cli("list", "--json").json}
    assert not visible & {e["id"] for e in promos}
    banned = re.compile(r"read more|subscribe|https?://|before we begin|discount|sponsor", re.I)
    for summarizer in ("feed,extractive", "extractive"):
        cli("enrich", "--all", "--summarizer", summarizer)
        for entry in cli("list", "--all", "--limit", "500", "--json").json:
            assert not banned.search(entry["summary"]), entry["summary"]
            assert len(entry["summary"]) <= 300


def test_a_missing_llm_model_is_a_clear_error_and_entries_keep_the_offline_summary(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    cli("fetch", "--no-enrich")
    result = cli("enrich", "--summarizer", "llm:no-such-model-anywhere")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "no-such-model-anywhere" in result.err or "pip install 'blogreader[llm]'" in result.err
    entries = cli("list", "--json").json
    assert all(e["summary"] and e["summary_origin"] == "extractive" for e in entries)
