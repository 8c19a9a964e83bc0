"""OPML and JSON exports read back as the same subscriptions, and the same library."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.test_listing_sources import serve_listing

FEEDS = FIXTURES / "feeds"


def _library(cli, server) -> tuple[str, str]:
    feed = server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    page, _posts = serve_listing(server, "hugo-papermod")
    assert cli("add", feed, "--category", "Researchers").code == 0
    added = cli("add", page, "--name", "Papermod Notes", "--category", "Index pages")
    assert added.code == 0 and "(listing)" in added.out, added.out + added.err
    return feed, page


def test_opml_keeps_every_sources_kind_name_and_folder(cli, server, home, tmp_path):
    feed, page = _library(cli, server)
    opml = cli("export", "opml").out
    assert 'type="rss"' in opml and f'xmlUrl="{feed}"' in opml
    assert f'xmlUrl="{page}"' not in opml  # another reader must not take the page for a feed
    assert '<outline text="Index pages" title="Index pages">' in opml
    path = tmp_path / "subscriptions.opml"
    path.write_text(opml, encoding="utf-8")

    other = tmp_path / "other"
    imported = cli("--home", str(other), "import", str(path))
    assert imported.code == 0, imported.err
    before = {s["url"]: (s["kind"], s["title"], s["category"]) for s in cli("sources", "--json").json}
    after = {s["url"]: (s["kind"], s["title"], s["category"]) for s in cli("--home", str(other), "sources", "--json").json}
    assert after == before
    assert after[page] == ("listing", "Papermod Notes", "Index pages")
    fetched = cli("--home", str(other), "fetch", "--no-enrich")
    assert fetched.code == 0 and "0 failed" in fetched.out, fetched.out + fetched.err


def _comparable(text: str) -> dict:
    document = json.loads(text)
    document.pop("exported")
    return document


def test_a_json_export_loads_into_an_empty_library_as_the_same_library(cli, server, tmp_path):
    _library(cli, server)
    assert cli("fetch").code == 0
    ids = [entry["id"] for entry in cli("list", "--json").json]
    assert len(ids) >= 4
    cli("read", str(ids[0]))
    cli("star", str(ids[1]))
    cli("pick", str(ids[3]))
    cli("pick", str(ids[2]))
    cli("note", str(ids[2]), "worth a second read")
    cli("edit", str(ids[3]), "--category", "My shelf", "--title", "My title")
    exported = cli("export", "json")
    assert exported.code == 0
    path = tmp_path / "library.json"
    path.write_text(exported.out, encoding="utf-8")

    other = tmp_path / "other"
    loaded = cli("--home", str(other), "import", str(path))
    assert loaded.code == 0, loaded.err
    assert "library loaded: 2 source(s)" in loaded.out
    assert _comparable(cli("--home", str(other), "export", "json").out) == _comparable(exported.out)
    picked = cli("--home", str(other), "publish", "readme", "--out", "-").out
    assert picked.index("My title") < picked.index(cli("show", str(ids[2]), "--json").json["title"])
    assert [e["id"] for e in cli("--home", str(other), "search", "second", "read", "--json").json] == [ids[2]]

    again = cli("--home", str(other), "import", str(path))
    assert again.code == 2 and "empty library" in again.err
    path.write_text('{"blogreader": "1", "entries": [{"id": "x"}], "sources": []}', encoding="utf-8")
    broken = cli("--home", str(tmp_path / "third"), "import", str(path))
    assert broken.code == 2 and "nothing was imported" in broken.err
    assert cli("--home", str(tmp_path / "third"), "list", "--json").json == []
