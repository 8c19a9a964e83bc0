"""One entry per post: the same feed twice, a page advertising it, the same item in two feeds."""

from __future__ import annotations

from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"


def test_adding_the_same_feed_twice_keeps_one_source(cli, server):
    url = server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    assert "added source 1" in cli("add", url).out
    again = cli("add", url)
    assert again.code == 0 and "already subscribed: source 1" in again.out
    assert len(cli("sources", "--json").json) == 1


def test_a_page_advertising_the_feed_subscribes_to_the_feed_once(cli, server):
    feed_url = server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    page_url = server.serve_file("/", FEEDS / "page-with-feed.html", content_type="text/html; charset=utf-8")
    via_page = cli("add", page_url)
    assert via_page.code == 0 and "added source 1 (feed): Gradient Notes" in via_page.out
    assert cli("sources", "--json").json[0]["url"] == feed_url
    direct = cli("add", feed_url)
    assert "already subscribed: source 1" in direct.out
    assert "already subscribed: source 1" in cli("add", page_url).out
    cli("fetch")
    assert len(cli("list", "--all", "--json").json) == 3


def test_an_item_in_two_feeds_is_one_entry_listed_under_both(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    cli("add", server.serve_file("/planet.xml", FEEDS / "syndicated.xml"))
    assert cli("fetch").code == 0
    entries = cli("list", "--all", "--json").json
    titles = [e["title"] for e in entries]
    assert titles.count("Why warmup matters for Adam") == 1
    assert len(entries) == 4
    shared = next(e for e in entries if e["title"] == "Why warmup matters for Adam")
    assert shared["source_id"] in (1, 2)  # the feed that stored it first, whichever finished first
    from_notes = {e["title"] for e in cli("list", "--source", "1", "--json").json}
    assert "Why warmup matters for Adam" in from_notes
    from_planet = {e["title"] for e in cli("list", "--source", "2", "--json").json}
    assert from_planet == {"Why warmup matters for Adam", "Only on the planet"}
    assert cli("fetch").code == 0
    assert len(cli("list", "--all", "--json").json) == 4


def test_refetching_a_changed_feed_updates_instead_of_duplicating(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    cli("fetch")
    changed = (FEEDS / "rss2.xml").read_text().replace("Scaling laws for sparse autoencoders", "Scaling laws for SAEs")
    server.serve("/feed.xml", changed)
    assert cli("fetch").code == 0
    titles = [e["title"] for e in cli("list", "--all", "--json").json]
    assert len(titles) == 3 and "Scaling laws for SAEs" in titles


def test_items_without_guid_or_link_are_not_duplicated_on_refetch(cli, server):
    body = (FEEDS / "malformed.xml").read_text()
    cli("add", server.serve("/broken.xml", body))
    cli("fetch")
    first = len(cli("list", "--all", "--json").json)
    server.serve("/broken.xml", body + "\n")  # a new body, the same items
    cli("fetch")
    assert len(cli("list", "--all", "--json").json) == first


def test_another_feed_claiming_the_same_link_cannot_rewrite_the_entry(cli, server):
    cli("add", server.serve_file("/feed.xml", FEEDS / "rss2.xml"))
    cli("fetch")
    hostile = (FEEDS / "syndicated.xml").read_text().replace(
        "Learning-rate warmup keeps Adam's second-moment estimate from exploding early.",
        "Totally different text planted by another feed.")
    cli("add", server.serve("/planet.xml", hostile))
    cli("fetch")
    warmup = next(e for e in cli("list", "--all", "--json").json if e["title"] == "Why warmup matters for Adam")
    shown = cli("show", str(warmup["id"]), "--json").json
    assert "second-moment" in shown["text"] and "planted" not in shown["text"]
    assert warmup["id"] in [e["id"] for e in cli("list", "--source", "2", "--json").json]
