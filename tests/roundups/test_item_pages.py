"""A roundup item that is a bare link (a title and an address, no words of the roundup's own) is summed up from the
page it links to, fetched as a teaser's page is: the summary says what the linked post says, and it shows under the
roundup since it is no roundup's words. An item with a blurb keeps the blurb and its page is not fetched; a page
that fails leaves the item a bare link."""

from __future__ import annotations

from dataclasses import replace
from html import escape

import pytest

from blogreader.config import load_settings
from blogreader.pipeline import enrich_new, refresh
from blogreader.store import Store
from tests.hostile.helpers import respond

ISSUE = "https://weekly.example/issues/7"

# Each linked post: its title, its finding (the sentence a summary should give) and two paragraphs about method.
POSTS = {
    1: ("Pruning attention heads", "Pruning half of the attention heads of a small model keeps its accuracy on "
        "every benchmark we ran."),
    2: ("Synthetic proofs for provers", "Training on synthetic proofs doubles the number of theorems a small "
        "prover closes in one attempt."),
    3: ("Learned cache eviction", "A learned cache eviction policy cuts the memory of long-context serving by a "
        "third at equal latency."),
    4: ("Fresher preference data", "Reward models trained on fresher preference data drift less as the policy "
        "improves during training."),
}
# A page that holds no article: a site that needs a script to show anything.
WALLED = ("<html><body><main><h1>Something went wrong</h1><p>This site needs JavaScript to run. Please enable it in your "
          "browser settings, or try another browser, to continue.</p><p>Help · Terms · Privacy</p></main></body></html>")
METHOD = ("Section {n} lists every run with its seed, its data and its hardware. The appendix reports the variance "
          "over five seeds, and the code and checkpoints are public. Runs that failed are reported with the reason. ")


def _page(n: int) -> str:
    title, finding = POSTS[n]
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{finding} We show why, and where it stops working.</p><p>{METHOD.format(n=2)}</p>"
            f"<p>{METHOD.format(n=3)}</p><p>{METHOD.format(n=4)}</p><p>{METHOD.format(n=5)}</p>"
            f"<p>{METHOD.format(n=6)}</p></article></body></html>")


def _issue(server) -> str:
    # The third is linked with a mailing platform's tracking: its page is fetched at its canonical address.
    tracked = {3: "?utm_source=weekly&amp;utm_medium=email"}
    bare = "".join(f'<li><a href="{server.url(f"/posts/{n}")}{tracked.get(n, "")}">{POSTS[n][0]}</a></li>'
                   for n in (1, 2, 3))
    missing = f'<li><a href="{server.url("/posts/gone")}">A post that is gone</a></li>'
    walled = f'<li><a href="{server.url("/posts/walled")}">A post behind a script</a></li>'
    with_blurb = (f'<li><a href="{server.url("/posts/4")}">{POSTS[4][0]}</a> The curator says this one is the '
                  f"week's best read, for its careful ablations.</li>")
    return f"<p>This week's reads.</p><ul>{bare}{missing}{walled}{with_blurb}</ul>"


@pytest.fixture
def library(tmp_path, monkeypatch):
    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    settings = load_settings(tmp_path / "library")
    store = Store.open(settings.database_path)
    yield store, settings
    store.close()


def _subscribe(server, store, title: str, link: str, description: str) -> None:
    """Subscribe `store` to a feed of one item, served at /weekly.xml; `description` is its HTML."""
    item = (f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
            f"<description>{escape(description)}</description></item>")
    store.add_source(server.serve("/weekly.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Weekly'
                                                 f"</title><link>https://weekly.example/</link>{item}</channel></rss>"),
                     "feed")


def _fetch(server, store, settings) -> list:
    for n in POSTS:
        server.serve(f"/posts/{n}", _page(n), content_type="text/html; charset=utf-8")
    server.serve("/posts/walled", WALLED, content_type="text/html; charset=utf-8")
    _subscribe(server, store, "Weekly 7", ISSUE, _issue(server))
    refresh(store, store.sources(), settings)
    enrich_new(store, settings)
    roundup = store.conn.execute("SELECT id FROM entries WHERE kind = 'post'").fetchone()[0]
    return store.children(roundup)


def test_a_bare_item_is_summed_up_from_the_page_it_links_to(server, library):
    store, settings = library
    children = {child.url.split("?")[0].rsplit("/", 1)[1]: child for child in _fetch(server, store, settings)}
    assert sorted(children) == ["1", "2", "3", "4", "gone", "walled"]
    for n in (1, 2, 3):
        work = store.entry(children[str(n)].id)
        assert work.word_count > 50 and POSTS[n][1] in work.text
        assert POSTS[n][1] in children[str(n)].summary  # shown under the roundup: no roundup's words
        assert children[str(n)].text == ""  # the roundup said nothing of it, and still says nothing
    # The page's words (not its title's) are searchable as the item's.
    assert children["1"].id in {entry.id for entry in store.search("benchmark", limit=None)}
    # The item with a blurb keeps it, and its page was never fetched; the page that is gone leaves a bare link.
    assert "week's best read" in children["4"].text and not server.hits("/posts/4")
    assert store.entry(children["gone"].id).word_count == 0 and len(server.hits("/posts/gone")) == 1
    # A page with no article in it (a script wall) is read but taken for nothing.
    assert store.entry(children["walled"].id).word_count == 0 and len(server.hits("/posts/walled")) == 1


def test_without_full_text_no_item_page_is_fetched(server, library):
    store, settings = library
    settings = replace(settings, enrich=replace(settings.enrich, full_text=False))
    children = _fetch(server, store, settings)
    assert len(children) == 6 and not any(server.hits(f"/posts/{n}") for n in (1, 2, 3))
    assert all(store.entry(child.id).word_count == 0 for child in children if "/posts/4" not in child.url)


def test_items_a_run_left_are_read_by_the_next_ones_and_a_failed_page_is_not_asked_for_again(server, library,
                                                                                          monkeypatch):
    """At most MAX_PAGES_PER_FEED pages per feed and run (two here): the next refresh, with the feed unchanged,
    reads the items the first left, and a page that failed or held no article is not fetched again."""
    store, settings = library
    monkeypatch.setattr("blogreader.fulltext.MAX_PAGES_PER_FEED", 2)
    children = {child.url.split("?")[0].rsplit("/", 1)[1]: child for child in _fetch(server, store, settings)}
    read = {name for name, child in children.items() if store.entry(child.id).word_count > 0}
    assert read == {"1", "2", "4"}  # two pages read, and the item with a blurb has its words
    for _ in range(3):  # the feed unchanged: the items the first run left, two a run
        refresh(store, store.sources(), settings)
    enrich_new(store, settings)
    assert POSTS[3][1] in store.entry(children["3"].id).summary
    assert all(len(server.hits(f"/posts/{name}")) == 1 for name in ("1", "2", "3", "gone", "walled"))
    assert store.entry(children["gone"].id).word_count == 0  # tried once, still a bare link
    waiting = store.conn.execute("SELECT count(*) FROM entries WHERE kind = 'link' AND page_tried_at IS NULL")
    assert waiting.fetchone()[0] == 1  # only the item with a blurb, whose page is never wanted


def test_a_page_that_could_not_be_reached_is_asked_for_again_by_later_runs_a_few_times(server, library):
    """A page whose server answered with a server error may answer later: the item
    waits for the next refreshes of its (unchanged) feed, up to MAX_PAGE_TRIES tries in all; a page that is gone
    (404) is not asked for again."""
    from blogreader.store.linked_pages import MAX_PAGE_TRIES

    store, settings = library
    html = {"Content-Type": "text/html; charset=utf-8"}
    failing, page = respond(500, b"Internal error", html), respond(200, _page(1).encode(), html)
    answered = []

    def fail_twice(handler) -> None:  # a server error twice (one request a run), then the page
        answered.append(handler.path)
        (failing if len(answered) <= 2 else page)(handler)

    server.serve_handler("/posts/flaky", fail_twice)
    server.serve("/posts/down", "<html><body>Bad gateway</body></html>", content_type="text/html", status=502)
    links = "".join(f'<li><a href="{server.url(path)}">{title}</a></li>' for path, title in
                    (("/posts/flaky", POSTS[1][0]), ("/posts/down", "A post on a server that is down"),
                     ("/posts/gone", "A post that is gone")))
    _subscribe(server, store, "Weekly 8", ISSUE, f"<p>Reads.</p><ul>{links}</ul>")
    for _ in range(MAX_PAGE_TRIES + 2):  # the feed unchanged after the first run
        refresh(store, store.sources(), settings)
    enrich_new(store, settings)
    roundup = store.conn.execute("SELECT id FROM entries WHERE kind = 'post'").fetchone()[0]
    children = {child.url.rsplit("/", 1)[1]: store.entry(child.id) for child in store.children(roundup)}
    assert POSTS[1][1] in children["flaky"].text and POSTS[1][1] in children["flaky"].summary  # read on its third try
    assert len(server.hits("/posts/flaky")) == 3
    assert len(server.hits("/posts/down")) == MAX_PAGE_TRIES and children["down"].word_count == 0  # then given up
    assert len(server.hits("/posts/gone")) == 1 and children["gone"].word_count == 0
    waiting = store.waiting_items(store.sources()[0].id, [], 10)
    assert waiting == []  # nothing left to try


def _teaser_of_a_page_that_is_down(server, library, path: str, title: str, page: str, opening: str):
    """A feed of one teaser whose page at `path` answers HTTP 502 until the list returned holds something, refreshed
    once: (the post's id, that list)."""
    store, settings = library
    html = {"Content-Type": "text/html; charset=utf-8"}
    answer, down, up = respond(200, page.encode(), html), respond(502, b"down", html), []
    server.serve_handler(path, lambda handler: (answer if up else down)(handler))
    _subscribe(server, store, title, server.url(path), opening)
    refresh(store, store.sources(), settings)
    return store.conn.execute("SELECT id FROM entries WHERE kind = 'post'").fetchone()[0], up


def test_a_roundup_teaser_completed_by_a_later_run_is_split(server, library):
    """A feed that gives a roundup's opening lines only: its page is read for the whole issue, and was down when
    the teaser was stored. The next refresh of the unchanged feed reads it, and the issue is split into its
    items as it would have been had the page answered the first time."""
    store, settings = library
    blurbs = {n: f"The curator says this one is worth the time, for reason {n}: careful ablations and open code."
              for n in POSTS}
    items = "".join(f'<li><a href="https://papers.example/{n}">{POSTS[n][0]}</a> {blurbs[n]}</li>' for n in POSTS)
    roundup, up = _teaser_of_a_page_that_is_down(
        server, library, "/issues/9", "Weekly 9",
        f"<html><head><title>Weekly 9</title></head><body><article><h1>Weekly 9</h1><p>This week's reads, four papers "
        f"on making models cheaper and better.</p><ul>{items}</ul></article></body></html>",
        "This week's reads, four papers on making models… Read more")
    assert store.children(roundup) == []  # a teaser: nothing to split yet
    up.append(True)
    refresh(store, store.sources(), settings)
    children = store.children(roundup)
    assert [child.url for child in children] == [f"https://papers.example/{n}" for n in POSTS]
    assert blurbs[2] in children[1].text


def test_a_teaser_completed_by_a_later_run_is_read_for_the_paper_it_discusses(server, library):
    """The same for a post about one paper: once its page is read, the post is linked to the paper it discusses."""
    store, settings = library
    paper = "https://arxiv.org/abs/2401.01234"
    body = (f'<p>This post walks through <a href="{paper}">a new paper on pruning</a>, which shows that half of the '
            f'attention heads can go. <a href="{paper}">The paper</a> measures it on every benchmark we know.</p>'
            + "".join(f"<p>{METHOD.format(n=n)}</p>" for n in range(2, 7)))
    post, up = _teaser_of_a_page_that_is_down(
        server, library, "/posts/pruning", "Pruning heads",
        f"<html><body><article><h1>Pruning heads</h1>{body}</article></body></html>",
        "This post walks through a new paper on pruning… Read more")
    assert store.discussions_of(post).discusses == []
    up.append(True)
    refresh(store, store.sources(), settings)
    assert [discussion.url for discussion in store.discussions_of(post).discusses] == [paper]
