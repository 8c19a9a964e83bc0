"""`save` of a feed URL stores nothing and says to subscribe with `add`; a feed line in a URL list is named."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"


@pytest.mark.parametrize(("name", "content_type"), [
    ("rss2.xml", "application/rss+xml"),  # by its declared type
    ("atom.xml", "text/xml"),  # a generic XML type: read as a feed to tell
    ("feed.json", "application/json"),
    ("rss1.rdf", ""),  # no type at all
])
def test_saving_a_feed_suggests_add_and_stores_nothing(cli, server, name, content_type):
    url = server.serve(f"/{name}", (FEEDS / name).read_bytes(), content_type=content_type)
    result = cli("save", url)
    assert result.code == 2, result.err
    assert f"this is a feed, not an article; nothing was saved; subscribe with: blogreader add {url}" in result.err
    assert "Traceback" not in result.err
    assert cli("list", "--all", "--json").json == []


def test_an_article_is_still_saved_and_an_xml_looking_page_served_as_html_is_an_article(cli, server):
    url = server.serve("/post", (FIXTURES / "pages" / "article.html").read_bytes(), content_type="text/html")
    saved = cli("save", url)
    assert saved.code == 0, saved.err
    assert len(cli("list", "--all", "--json").json) == 1


def test_a_feed_in_a_url_list_is_named_with_the_add_command(cli, server, tmp_path):
    article = server.serve("/post", (FIXTURES / "pages" / "article.html").read_bytes(), content_type="text/html")
    feed = server.serve("/feed.xml", (FEEDS / "rss2.xml").read_bytes(), content_type="application/rss+xml")
    path = tmp_path / "urls.txt"
    path.write_text(f"{article}\n{feed}\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 0  # as for a page that fails to load: the others saved, each failure named
    assert "1 article(s) saved, 1 failed" in result.out + result.err
    assert f"{feed}: {feed}: this is a feed, not an article" in result.out + result.err
    assert f"blogreader add {feed}" in result.out + result.err


def test_global_options_after_the_command_and_an_unquoted_note(cli, server, home, tmp_path):
    from blogreader.cli import global_options_first

    assert global_options_first(["list", "--home", "lib", "--json"]) == ["--home", "lib", "list", "--json"]
    url = server.serve("/post", (FIXTURES / "pages" / "article.html").read_bytes(), content_type="text/html")
    entry_id = str(cli("save", url).out.split()[1].rstrip(":"))
    assert cli("note", entry_id, "worth", "a", "second", "read").code == 0
    assert cli("show", entry_id, "--json").json["note"] == "worth a second read"
