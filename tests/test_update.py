"""`update`, the main job: a new library gets the starter subscriptions, then everything is fetched."""

from __future__ import annotations

from blogreader.sources.opml import Outline, starter_outlines
from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"


def test_starter_opml_ships_well_known_feeds():
    outlines = starter_outlines()
    assert len(outlines) >= 10
    assert all(o.url.startswith("https://") and o.title for o in outlines)
    assert len({o.url for o in outlines}) == len(outlines)


def test_new_library_is_seeded_once_then_fetched(cli, server, monkeypatch):
    local = [Outline(server.serve_file("/a.xml", FEEDS / "rss2.xml"), "Gradient Notes", "Researchers"),
             Outline(server.serve_file("/b.xml", FEEDS / "atom.xml"), "Latent Space Diary", "Researchers")]
    monkeypatch.setattr("blogreader.sources.opml.starter_outlines", lambda: local)

    first = cli("update")
    assert first.code == 0, first.err
    assert "new library: 2 source(s) added" in first.out
    assert "2 source(s): 2 with new entries (5 new)" in first.out
    assert "Why warmup matters for Adam" in first.out

    cli("remove", "1")
    cli("remove", "2")
    second = cli("update")
    assert "new library" not in second.out, "the starter set is offered once, not after the user removed it"
    assert cli("sources", "--json").json == []


def test_unreachable_sources_are_reported_and_update_fails_when_every_source_failed(cli, server, home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text("starter_subscriptions = false\n[fetch]\ntotal_timeout = 2\n")
    cli("add", server.serve_file("/a.xml", FEEDS / "rss2.xml"))
    cli("add", server.serve_file("/b.xml", FEEDS / "atom.xml"))
    server.routes.pop("/b.xml")  # one source fails: the run is still a success
    result = cli("update")
    assert result.code == 0, result.err
    assert "failed: Latent Space Diary (source 2)" in result.err and "HTTP 404" in result.err
    assert "1 failed" in result.out
    server.routes.clear()  # now every path is a 404
    result = cli("update")
    assert result.code == 1
    assert "2 failed" in result.out
    assert "every source failed (2 of 2)" in result.err
