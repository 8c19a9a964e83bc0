"""Clearing the inbox over plain HTTP and from the CLI: bulk read with undo, counts, views, grouping, hidden
entries, rendered previews and the Publish button, honest wording."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient

from blogreader.web.app import create_app
from tests.web.test_pages import QueryCounter, _roundup

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def client(library):
    app = create_app(library.settings, port=8080)
    counter = QueryCounter()
    app.state.stores.opener = counter.open
    with TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False) as test_client:
        test_client.counter = counter
        test_client.token = TOKEN.search(test_client.get("/").text).group(1)
        yield test_client


def _post(client, path: str, **form):
    return client.post(path, data={"csrf_token": client.token, **form})


def _unread(library, ids) -> list[int]:
    return [entry_id for entry_id in ids if not library.store.entry(entry_id).read]


def test_bulk_read_by_selection_page_filter_date_and_position_with_undo(library, client):
    lab = library.source()
    blog = library.source("Lil'Log", "https://lilianweng.github.io/index.xml")
    ids = library.add(6, source_id=lab)  # newest first, an hour apart, category Interpretability
    others = library.add(3, source_id=blog, url_base="https://lilianweng.github.io/p/", category="Agents")

    answer = _post(client, "/read", scope="selection", ids=[str(ids[1]), str(ids[2])], next="/?page=2")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/?marked=2&undo=")
    assert _unread(library, ids) == [ids[0], ids[3], ids[4], ids[5]]
    shown = client.get(answer.headers["location"]).text
    assert "Marked 2 entries read." in shown and ">Undo</button>" in shown
    undo = re.search(r'name="token" value="([^"]+)"', shown).group(1)
    assert _post(client, "/read/undo", token=undo, next="/").headers["location"] == "/?restored=2"
    assert _unread(library, ids) == ids
    # Only the last bulk action can be undone, and only once.
    assert _post(client, "/read/undo", token=undo).status_code == 400

    # Mark read up to here: this entry and everything older, within the filter (one source's entries).
    answer = _post(client, "/read", scope="upto", upto=str(ids[3]), source=str(lab), next=f"/?source={lab}")
    assert answer.headers["location"].startswith(f"/?source={lab}&marked=3&undo=")
    assert _unread(library, ids) == ids[:3] and _unread(library, others) == others

    # Older than a date, by category: Agents posts are from 2026-04-01 00:00 back by the hour.
    assert _post(client, "/read", scope="before", before="2026-04-01", category="Agents").status_code == 303
    assert _unread(library, others) == [others[0]]
    assert _post(client, "/read", scope="before", before="yesterday-ish").status_code == 400

    # Everything, then a page whose entries were read already.
    answer = _post(client, "/read", scope="all", next="/")
    assert re.match(r"/\?marked=4&undo=", answer.headers["location"])
    assert "Nothing to mark" in client.get("/?marked=0").text
    assert _post(client, "/read", scope="page").status_code == 400  # no ids: says what to do
    assert "no entries were selected" in _post(client, "/read", scope="page").text
    assert _post(client, "/read", scope="explode").status_code == 400
    assert _post(client, "/read", scope="upto", upto="999999").status_code == 404
    # The form only ever sends the browser back into this app.
    assert _post(client, "/read", scope="all", next="https://evil.example/").headers["location"] == "/?marked=0"
    assert client.post("/read", data={"scope": "all"}).status_code == 403  # no CSRF token


def test_counts_beside_the_inbox_and_roundups_grouped(library, client):
    lab = library.source()
    blog = library.source("Lil'Log", "https://lilianweng.github.io/index.xml")
    library.add(4, source_id=lab)
    library.add(2, source_id=blog, url_base="https://lilianweng.github.io/p/", category="Agents")
    roundup = _roundup(library, lab, 7)
    page = client.get("/").text
    counts = dict(re.findall(r'data-source="(\d+)">(\d+)<', page))
    assert counts == {str(lab): "5", str(blog): "2"}  # the roundup counts once, its 7 links not at all
    assert dict(re.findall(r'data-category="([^"]+)">(\d+)<', page)) == {"Agents": "2", "Interpretability": "4"}
    # The roundup's items are listed under it, five and "2 more", not as rows of the inbox.
    assert page.count('<li class="entry') == 7
    assert "7 links in this roundup</a>, 7 unread" in page and "and 2 more unread" in page
    assert 'class="entry' not in re.search(r'<div class="roundup-items">.*?</div>', page, re.S).group(0)
    assert client.get("/?kind=link").text.count('<li class="entry') == 7  # asked for, links are listed
    assert "7 unread" in client.get("/").text and "14 unread" not in client.get("/").text
    library.store.set_read(library.store.children(roundup)[0:1] and [library.store.children(roundup)[0].id], True)
    assert "7 links in this roundup</a>, 6 unread" in client.get("/").text


def test_compact_view_is_remembered_and_oldest_first(library, client):
    ids = library.add(3, source_id=library.source())
    compact = client.get("/?view=compact")
    assert 'class="entries compact"' in compact.text and "blogreader_view=compact" in compact.headers["set-cookie"]
    again = client.get("/").text  # the cookie remembers the choice
    assert 'class="entries compact"' in again and 'class="summary"' not in again
    assert 'href="/?view=summary" id="toggle-view"' in again
    assert 'class="entries compact"' not in client.get("/?view=summary").text
    oldest = client.get("/?order=oldest").text
    assert [int(i) for i in re.findall(r'id="entry-(\d+)"', oldest)] == ids[::-1]
    newest = client.get("/").text
    assert [int(i) for i in re.findall(r'id="entry-(\d+)"', newest)] == ids


def test_hidden_view_restores_promotions_and_duplicates(library, client):
    ids = library.add(3, source_id=library.source())
    library.store.set_promo([ids[0]], True)
    library.store.conn.execute("UPDATE entries SET duplicate_of = ? WHERE id = ?", (ids[2], ids[1]))
    hidden = client.get("/hidden").text
    assert "Hidden as a promotion" in hidden and "Hidden as a duplicate of" in hidden
    assert f'action="/hidden/{ids[0]}/restore"' in hidden and 'data-key="u"' in hidden
    assert f'id="entry-{ids[0]}"' not in client.get("/").text
    answer = _post(client, f"/hidden/{ids[0]}/restore", next="/hidden")
    assert answer.headers["location"] == f"/hidden?restored={ids[0]}"
    assert f'id="entry-{ids[0]}"' in client.get("/").text
    assert library.store.entry(ids[0]).promo is False
    _post(client, f"/hidden/{ids[1]}/restore")
    assert library.store.entry(ids[1]).duplicate_of is None
    assert "Nothing is hidden" in client.get("/hidden").text
    assert _post(client, "/hidden/999999/restore").status_code == 404


def test_opening_an_entry_reads_it_unless_the_setting_says_no(library, client, home):
    ids = library.add(2, source_id=library.source())
    page = client.get(f"/entries/{ids[0]}").text
    assert library.store.entry(ids[0]).read and "Mark unread" in page
    (home / "config.toml").write_text("starter_subscriptions = false\n[web]\nmark_read_on_open = false\n")
    from blogreader.config import load_settings

    client.app.state.settings = load_settings(home)
    client.get(f"/entries/{ids[1]}")
    assert not library.store.entry(ids[1]).read
    (home / "config.toml").write_text("[web]\nmark_read_on_open = \"yes\"\n")
    from blogreader.errors import ConfigError

    with pytest.raises(ConfigError, match="mark_read_on_open must be true or false"):
        load_settings(home)


def test_honest_wording(library, client):
    [entry_id] = library.add(1, source_id=library.source())
    page = client.get(f"/entries/{entry_id}").text
    assert ">Mark as promotion</button>" in page
    _post(client, f"/entries/{entry_id}/triage", action="promo")
    assert ">Clear promotion mark</button>" in client.get(f"/entries/{entry_id}").text
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "the BlogReader web app has no page at this address" in missing.text
    gone = client.get("/entries/999999").text
    assert "no entry with id 999999" in gone and "`blogreader" not in gone
    head = client.head("/")
    assert head.status_code == 200 and head.content == b""


def test_previews_are_rendered_and_sanitized_and_publish_writes(library, client):
    source_id = library.source()
    ids = library.add(2, source_id=source_id)
    library.store.edit(ids[0], title="Evil <script>alert(1)</script> [x](javascript:alert(2)) **bold**")
    library.store.set_picked(ids, True)
    library.store.set_note(ids[1], "<img src=x onerror=alert(3)> worth it")
    readme = client.get("/preview/readme").text
    rendered = re.search(r'<section class="rendered".*?</section>', readme, re.S).group(0)
    assert "<table>" in rendered and '<a href="https://example.org/posts/1"' in rendered
    assert "<script" not in rendered and 'href="javascript' not in rendered and "<img" not in rendered
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;" in rendered and "<strong>bold</strong>" in rendered
    assert "<pre class=\"preview\">" in readme  # the text itself is still there, under a fold
    digest = client.get("/preview/digest").text
    assert '<section class="rendered"' in digest
    feed = client.get("/preview/feed").text
    items = re.findall(r'<li>\s*<h2><a href="([^"]+)"', feed)
    assert sorted(items) == ["https://example.org/posts/0", "https://example.org/posts/1"]
    assert "<script" not in re.search(r'<ol class="feed-entries">.*?</ol>', feed, re.S).group(0)

    assert client.post("/publish/readme", data={}).status_code == 403  # CSRF
    answer = _post(client, "/publish/readme")
    written = library.home / "README.md"
    assert answer.status_code == 200 and f"Published readme: {written} (2 entries, written)." in unescape(answer.text)
    assert written.read_text(encoding="utf-8") == unescape(
        re.search(r'<pre class="preview">(.*?)</pre>', answer.text, re.S).group(1))
    assert "unchanged" in _post(client, "/publish/readme").text
    _post(client, "/publish/feed")
    assert (library.home / "feed.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert "no picks in 2020-W10; nothing written" in _post(client, "/publish/digest", week="2020-W10").text
    assert _post(client, "/publish/site").status_code == 404


def test_queries_of_the_new_pages_do_not_grow_with_the_library(library, client):
    source_id = library.source()

    def counts():
        pages = {"compact": "/?view=compact", "oldest": "/?order=oldest", "hidden": "/hidden",
                 "links": "/?kind=link", "preview": "/preview/readme"}
        client.counter.during(client, "/")
        return {name: len(client.counter.during(client, path)) for name, path in pages.items()}

    ids = library.add(10, source_id=source_id)
    library.store.set_promo(ids[:2], True)
    small = counts()
    more = library.add(1500, source_id=source_id, url_base="https://example.org/more/")
    library.store.set_promo(more[:300], True)
    _roundup(library, source_id, 30)
    assert counts() == small
    assert max(small.values()) <= 6, small


def test_cli_read_in_bulk(library, cli):
    lab = library.source()
    blog = library.source("Lil'Log", "https://lilianweng.github.io/index.xml")
    ids = library.add(4, source_id=lab, start=datetime(2026, 3, 10, tzinfo=UTC))
    others = library.add(3, source_id=blog, url_base="https://lilianweng.github.io/p/", category="Agents",
                         start=datetime(2026, 3, 1, 1, tzinfo=UTC))
    done = cli("read", "--source", "Lil'Log", "--before", "2026-03-01")
    assert (done.code, done.out) == (0, "marked 1 entry read\n")  # 01:00 and 00:00 are on the day; 23:00 the day before is before it
    done = cli("read", "--category", "agents", "--source", str(blog))
    assert done.code == 0, done.err
    assert done.out == "marked 2 entries read\n" and _unread(library, others) == []
    assert cli("read", "--category", "Interpretability", "--before", "2026-03-09").out == "marked 0 entries read\n"
    assert cli("read", "--all").out == "marked 4 entries read\n" and _unread(library, ids) == []
    assert cli("read", str(ids[0])).out == f"read: {ids[0]}\n"
    for bad in (("read",), ("read", "1", "--all"), ("read", "--before", "someday")):
        result = cli(*bad)
        assert result.code == 2 and "Traceback" not in result.err, bad
    assert "say what to mark read" in cli("read").err
    assert "not a date" in cli("read", "--before", "someday").err
    missing = cli("read", "--source", "nowhere")
    assert missing.code != 0 and "no source 'nowhere'" in missing.err
