"""Pages over plain HTTP: bounded SQL per page, forms that work with no JavaScript, filters, previews."""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest
from fastapi.testclient import TestClient

from blogreader.models import NewEntry
from blogreader.store import Store
from blogreader.web.app import create_app
from tests.web.conftest import make_entry

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class QueryCounter:
    """Counts the SQL statements the app's connections run, from the moment they are open."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.lock = threading.Lock()

    def open(self, path) -> Store:
        store = Store.open(path)
        store.conn.set_trace_callback(self.record)
        return store

    def record(self, statement: str) -> None:
        # Statements SQLite runs inside one of ours (FTS5 reading its shadow tables) come as "-- ..." or name
        # the schema ('main'); they are the engine's work on our one query, not queries of the app.
        if statement.startswith("--") or "'main'." in statement:
            return
        with self.lock:
            self.statements.append(statement)

    def during(self, client: TestClient, path: str) -> list[str]:
        self.statements = []
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return list(self.statements)


@pytest.fixture
def client(library):
    app = create_app(library.settings, port=8080)
    counter = QueryCounter()
    app.state.stores.opener = counter.open
    with TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False) as test_client:
        test_client.counter = counter
        yield test_client


def _roundup(library, source_id: int, items: int) -> int:
    """A roundup post with `items` link entries under it."""
    roundup = make_entry(f"Top {items} papers", url=f"https://n.example/top{items}")
    [parent] = library.store.save_entries(source_id, [roundup]).ids
    links = [(rank, make_entry(f"Paper {rank} of {items}", url=f"https://arxiv.org/abs/2601.{items:02d}{rank:03d}"))
             for rank in range(1, items + 1)]
    library.store.save_items(parent, links)
    return parent


def _counts(client, library, entry_id: int, roundup_id: int) -> dict[str, int]:
    source_id = library.store.sources()[0].id
    pages = {"inbox": "/", "inbox filtered": f"/?category=Interpretability&source={source_id}&kind=post",
             "inbox page 2": "/?page=2&state=all", "entry": f"/entries/{entry_id}", "roundup": f"/entries/{roundup_id}",
             "collection": "/collection", "collection page 2": "/collection?page=2", "search": "/search?q=post",
             "sources": "/sources", "sources page 2": "/sources?page=2"}
    client.counter.during(client, "/")  # the first request opens the connection
    return {name: len(client.counter.during(client, path)) for name, path in pages.items()}


def test_queries_per_page_do_not_grow_with_the_library(library, client):
    source_id = library.source()
    ids = library.add(20, source_id=source_id)
    library.store.set_picked(ids[:5], True)
    small = _counts(client, library, ids[10], _roundup(library, source_id, 3))

    more = library.add(1980, source_id=source_id, url_base="https://example.org/more/")
    library.store.set_picked(more[:500], True)
    large = _counts(client, library, ids[10], _roundup(library, source_id, 40))

    assert small == large
    # An entry page asks one more: the state of the page it links to (whether its full text waits for it).
    entry_pages = {name: large.pop(name) for name in ("entry", "roundup")}
    assert max(entry_pages.values()) <= 7 and max(large.values()) <= 6, (entry_pages, large)
    # Counting stops at 1,000: past that the inbox says so instead of counting every row.
    assert "1000+ unread · page 1<" in client.get("/").text


def test_triage_with_plain_forms(library, client):
    source_id = library.source()
    first, second = library.add(2, source_id=source_id)
    inbox = client.get("/")
    token = CSRF.search(inbox.text).group(1)
    assert f'action="/entries/{first}/triage"' in inbox.text and 'name="next" value="/"' in inbox.text

    def post(path, **form):
        return client.post(path, data={"csrf_token": token, **form})

    answer = post(f"/entries/{first}/triage", action="read", next="/")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert f"entry-{first}" not in client.get("/").text  # read: out of the unread inbox
    assert f"entry-{first}" in client.get("/?state=all").text
    for action in ("pick", "star"):
        assert post(f"/entries/{second}/triage", action=action, next="/?page=1").headers["location"] == "/?page=1"
    assert post(f"/entries/{second}/note", text="  my take  ", next="/").status_code == 303
    entry = library.store.entry(second)
    assert (entry.picked, entry.starred, entry.note) == (True, True, "my take")

    # A redirect only ever goes back into this app.
    for bad in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert post(f"/entries/{second}/triage", action="unstar", next=bad).headers["location"] == f"/entries/{second}"
    assert post(f"/entries/{second}/triage", action="explode").status_code == 400
    assert post("/entries/999999/triage", action="read").status_code == 404

    # The page's script asks for JSON to update in place.
    answer = client.post(f"/entries/{second}/triage", data={"csrf_token": token, "action": "unpick"},
                         headers={"Accept": "application/json"})
    assert answer.json() | {"note": "my take"} == {"id": second, "read": False, "picked": False, "starred": False,
                                                  "note": "my take", "promo": False,
                                                  "summary": "What the post finds, in a sentence.",
                                                  "category": "Interpretability"}

    # Edit: only what changed becomes the user's; a blank field keeps its value.
    assert post(f"/entries/{second}/edit", title=entry.title, summary="", category="Interp").status_code == 303
    entry = library.store.entry(second)
    assert (entry.category, entry.category_origin) == ("Interp", "user")
    assert entry.summary == "What the post finds, in a sentence." and entry.summary_origin == "extractive"
    assert post(f"/entries/{second}/edit", summary="Mine.").status_code == 303
    assert (library.store.entry(second).summary, library.store.entry(second).summary_origin) == ("Mine.", "user")


def test_the_entry_page_shows_content_items_and_forms(library, client):
    source_id = library.source()
    roundup = _roundup(library, source_id, 3)
    page = client.get(f"/entries/{roundup}").text
    assert "Items in this roundup (3)" in page
    for rank in (1, 2, 3):
        assert f"Paper {rank} of 3" in page
    [item] = [entry.id for entry in library.store.children(roundup)[:1]]
    item_page = client.get(f"/entries/{item}").text
    assert re.search(rf'Recommended in\s*<a href="/entries/{roundup}">Top 3 papers</a>', item_page)
    for form in ("/triage", "/note", "/edit"):
        assert f'action="/entries/{item}{form}"' in item_page
    assert 'data-url="https://arxiv.org/abs/2601.03001"' in item_page


def test_the_entry_page_says_when_the_full_text_waits_for_its_page(library, client):
    """A teaser whose page could not be reached says so, in the words of `blogreader show`, and says when the page
    was given up; an ordinary entry says nothing of it, and with full_text off nothing waits."""
    from dataclasses import replace

    from blogreader.store.linked_pages import MAX_PAGE_TRIES

    source_id = library.source()
    [ordinary] = library.add(1, source_id=source_id)
    teaser_entry = make_entry("A teaser", url="https://example.org/posts/teaser", text="The opening lines, then more.")
    [teaser] = library.store.save_entries(source_id, [teaser_entry]).ids
    library.store.failed_pages([teaser])  # the page did not answer when the teaser was stored
    waiting = "full text: its page could not be reached (1 time); the next fetch tries again"
    assert waiting in unescape(client.get(f"/entries/{teaser}").text)
    assert "full text:" not in unescape(client.get(f"/entries/{ordinary}").text)

    off = create_app(replace(library.settings, enrich=replace(library.settings.enrich, full_text=False)), port=8080)
    with TestClient(off, base_url="http://127.0.0.1:8080") as without_full_text:
        assert "full text:" not in unescape(without_full_text.get(f"/entries/{teaser}").text)

    for _ in range(MAX_PAGE_TRIES - 1):  # each a later fetch's try
        library.store.failed_pages([teaser])
    given_up = f"full text: its page could not be reached ({MAX_PAGE_TRIES} times); given up"
    assert given_up in unescape(client.get(f"/entries/{teaser}").text)


def test_inbox_filters_and_pages(library, client):
    source_id = library.source()
    other = library.source("Lil'Log", "https://lilianweng.github.io/index.xml")
    library.add(60, source_id=source_id)
    library.add(3, source_id=other, url_base="https://lilianweng.github.io/p/", category="Agents")
    first = client.get("/").text
    assert "63 unread" in first and "page 1 of 2" in first and 'href="/?page=2"' in first
    assert first.count('<li class="entry') == 50
    second = client.get("/?page=2").text
    assert second.count('<li class="entry') == 13 and 'href="/"' in second
    agents = client.get("/?category=Agents").text
    assert agents.count('<li class="entry') == 3 and "Lil&#39;Log" in agents
    by_source = client.get(f"/?source={other}").text
    assert by_source.count('<li class="entry') == 3
    assert client.get("/?source=&category=&kind=").status_code == 200  # an empty filter form is no filter
    assert client.get("/?page=0").status_code == 400


def test_collection_previews_and_search(library, client):
    source_id = library.source()
    ids = library.add(3, source_id=source_id)
    library.store.set_starred([ids[0]], True)
    library.store.set_picked([ids[1]], True)
    library.store.set_note(ids[1], "Worth it | for the table")
    collection = client.get("/collection").text
    assert "Post number 0" in collection and "Post number 1" in collection and "Post number 2" not in collection
    readme = unescape(re.search(r'<pre class="preview">(.*?)</pre>', client.get("/preview/readme").text, re.S).group(1))
    assert "| Blog | Summary | Category |" in readme and "🌟 [Post number 0](https://example.org/posts/0)" in readme
    digest = client.get("/preview/digest").text
    assert "What caught my attention in W" in digest and "Worth it | for the table" in unescape(digest)
    assert client.get("/preview/digest?week=2026-W15").status_code == 200
    assert client.get("/preview/digest?week=last-week").status_code == 400
    assert "<feed" in unescape(client.get("/preview/feed").text)
    assert client.get("/preview/site").status_code == 404
    assert client.get("/collection?month=2026-13").status_code == 400
    assert client.get("/search?q=number").text.count('<li class="entry') == 3
    assert "no words to look for" in client.get("/search?q=%22%22").text
    assert not (library.home / "README.md").exists()  # a preview writes nothing


def test_sources_page_add_errors_and_remove(library, client, server):
    token = CSRF.search(client.get("/sources").text).group(1)
    refused = client.post("/sources", data={"csrf_token": token, "url": "not a url"})
    assert refused.status_code == 400 and "not a url" in refused.text and 'class="error"' in refused.text
    missing = client.post("/sources", data={"csrf_token": token, "url": server.url("/gone.xml")})
    assert missing.status_code == 502 and "404" in missing.text
    feed = server.serve("/feed.xml", "<rss version='2.0'><channel><title>Lab</title><item><title>One</title>"
                                     "<link>https://lab.example/1</link></item></channel></rss>")
    added = client.post("/sources", data={"csrf_token": token, "url": feed, "name": "My lab"})
    assert added.status_code == 303
    page = client.get(added.headers["location"]).text
    assert "Subscribed to My lab (feed)" in page
    source_id = library.store.source_by_url(feed).id
    fetching = client.post(f"/sources/{source_id}/fetch", data={"csrf_token": token})
    assert fetching.status_code == 303
    job = fetching.headers["location"].split("job=")[1]
    for _ in range(400):  # a background job: wait for it to finish
        if client.get(f"/jobs/{job}").json()["finished"]:
            break
        threading.Event().wait(0.05)
    assert library.store.source_entry_counts()[source_id] == 1
    library.store.record_fetch_failure(source_id, "https://lab.example/feed: timed out after 30 s")
    listing = client.get("/sources").text
    assert "error ×1" in listing and "timed out after 30 s" in listing
    confirm = client.get(f"/sources/{source_id}/remove").text
    assert "Remove My lab?" in confirm and "1 entries" in confirm
    removed = client.post(f"/sources/{source_id}/remove", data={"csrf_token": token})
    assert "Removed source" in client.get(removed.headers["location"]).text
    assert library.store.sources() == []


def test_an_entry_with_no_title_link_or_content_renders(library, client):
    [entry_id] = library.store.save_entries(None, [NewEntry(
        title="", url=None, canonical_url=None, guid="x", author=None, published=None, content_html="",
        text="", word_count=0, reading_minutes=1, feed_summary=None, content_hash="h")]).ids
    page = client.get(f"/entries/{entry_id}")
    assert page.status_code == 200 and "(untitled)" in page.text and "Open original" not in page.text
