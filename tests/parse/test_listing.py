"""Listing pages: each fixture gives exactly its posts; near-misses give nothing; nothing raises."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings, strategies as st

from blogreader.normalize.listing_entry import excerpt_summary, listing_entry
from blogreader.parse.listing import ListingItem, parse_listing
from tests.conftest import FIXTURES, corpus_file

LISTING = FIXTURES / "listing"
SPECS = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(LISTING.glob("*.json"))}
LISTINGS = [name for name, spec in SPECS.items() if spec["items"]]
NEAR_MISSES = [name for name, spec in SPECS.items() if not spec["items"]]


def parse_fixture(name: str) -> list[ListingItem]:
    return parse_listing((LISTING / f"{name}.html").read_bytes(), SPECS[name]["page_url"])


def as_dict(item: ListingItem) -> dict:
    return {
        "title": item.title, "url": item.url, "excerpt": item.excerpt,
        "published": item.published.isoformat() if item.published else None,
        "reading_minutes": item.reading_minutes, "word_count": item.word_count,
    }


def page(*blocks: str, url_prefix: str = "/posts/") -> bytes:
    """A small listing page around `blocks`, each an <article> body with {url} for its link."""
    articles = "".join(
        f'<article class="post">{block.format(url=f"{url_prefix}post-{n}/")}</article>' for n, block in enumerate(blocks)
    )
    return f'<html><head><meta charset="utf-8"></head><body><main>{articles}</main></body></html>'.encode()


def test_the_fixture_set_has_several_templates_and_near_misses():
    assert len(LISTINGS) >= 3 and len(NEAR_MISSES) >= 4
    assert all(len(SPECS[name]["items"]) >= 5 for name in LISTINGS)


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_fixture_gives_exactly_its_posts(name):
    items = parse_fixture(name)
    expected = SPECS[name]["items"]
    assert [item.url for item in items] == [entry["url"] for entry in expected]  # none missing, none extra, page order
    assert [as_dict(item) for item in items] == expected


@pytest.mark.parametrize("name", NEAR_MISSES)
def test_near_miss_is_not_a_listing(name):
    assert parse_fixture(name) == []


@pytest.mark.parametrize("name", LISTINGS)
def test_no_item_is_navigation_a_tag_an_author_or_another_site(name):
    host = urlsplit(SPECS[name]["page_url"]).hostname
    for item in parse_fixture(name):
        parts = urlsplit(item.url)
        assert parts.hostname == host and not parts.fragment
        assert not re.search(r"/(?:tags?|categor(?:y|ies)|author|page/\d+|about|archives?|search)(?:/|$)", parts.path)
        assert "read more" not in item.title.lower() and item.title == " ".join(item.title.split())
        assert item.excerpt is None or (item.excerpt == " ".join(item.excerpt.split()) and item.title not in item.excerpt)


def test_trailing_ellipsis_is_kept_and_counts_are_read():
    first = parse_fixture("hugo-papermod")[0]
    assert first.excerpt.endswith("simpler than the folklore suggests. ...")
    assert (first.reading_minutes, first.word_count) == (9, 1874)
    assert first.published == datetime(2026, 3, 3, tzinfo=UTC)
    assert parse_fixture("wordpress-classic")[0].excerpt.endswith("learned to exploit length…")
    assert parse_fixture("flat-headings")[0].word_count == 1204  # "1,204 words"


def test_time_datetime_with_an_offset_is_converted_to_utc():
    assert parse_fixture("wordpress-classic")[1].published == datetime(2026, 2, 6, 22, 40, tzinfo=UTC)


def test_relative_links_follow_base_href():
    blocks = "".join(f'<li class="p"><h3><a href="n{n}/">Post number {n}</a></h3><p>About topic {n}, briefly.</p></li>'
                     for n in range(3))
    body = f'<html><head><base href="/blog/2026/"></head><body><ul>{blocks}</ul></body></html>'.encode()
    items = parse_listing(body, "https://example.org/blog/")
    assert [item.url for item in items] == [f"https://example.org/blog/2026/n{n}/" for n in range(3)]


@pytest.mark.parametrize("written, expected", [
    ("March 3, 2026", datetime(2026, 3, 3, tzinfo=UTC)),
    ("2026-03-03", datetime(2026, 3, 3, tzinfo=UTC)),
    ("Mar 3, 2026", datetime(2026, 3, 3, tzinfo=UTC)),
    ("3 March 2026", datetime(2026, 3, 3, tzinfo=UTC)),
    ("Sept. 30th, 2025", datetime(2025, 9, 30, tzinfo=UTC)),
    ('<time datetime="2026-03-03T23:30:00-05:00">yesterday</time>', datetime(2026, 3, 4, 4, 30, tzinfo=UTC)),
])
def test_dates_in_the_usual_spellings(written, expected):
    block = '<h2><a href="{url}">A post about optimizers</a></h2><p class="meta">' + written + "</p><p>Short excerpt here.</p>"
    items = parse_listing(page(block, block, block), "https://example.org/")
    assert [item.published for item in items] == [expected] * 3


@pytest.mark.parametrize("written, minutes, words", [
    ("10 min · 1937 words", 10, 1937), ("1,937 words", None, 1937), ("5 min read", 5, None), ("12 minutes", 12, None),
])
def test_reading_time_and_word_count(written, minutes, words):
    block = '<h2><a href="{url}">A post about tokenizers</a></h2><p>An excerpt of the post, short.</p><div>' + written + "</div>"
    items = parse_listing(page(block, block, block), "https://example.org/")
    assert {(item.reading_minutes, item.word_count, item.excerpt) for item in items} == {
        (minutes, words, "An excerpt of the post, short.")}


def test_title_and_read_more_links_to_one_post_give_one_item():
    block = ('<h2><a href="{url}">Title of the post</a></h2><p>An excerpt that is long enough to count as one.</p>'
             '<p><a href="{url}">Continue reading →</a> <a href="{url}#comments">3 comments</a></p>')
    items = parse_listing(page(block, block, block, block), "https://example.org/")
    assert [(item.title, item.excerpt) for item in items] == [
        ("Title of the post", "An excerpt that is long enough to count as one.")] * 4


def test_a_post_shown_twice_is_listed_once():
    blocks = "".join(f'<li class="p"><h3><a href="/posts/{slug}/">A post about {slug}</a></h3><p>About {slug}, briefly.</p></li>'
                     for slug in ["a", "b", "a", "c"])
    items = parse_listing(f"<html><body><ul>{blocks}</ul></body></html>".encode(), "https://example.org/")
    assert [item.url for item in items] == [f"https://example.org/posts/{slug}/" for slug in "abc"]


def test_fewer_than_three_posts_is_not_a_listing():
    block = '<h2><a href="{url}">A post title</a></h2><p>An excerpt that says something useful.</p><p>Mar 3, 2026</p>'
    assert parse_listing(page(block, block), "https://example.org/") == []
    assert len(parse_listing(page(block, block, block), "https://example.org/")) == 3


def test_links_to_other_sites_are_not_posts():
    block = '<h2><a href="https://elsewhere.example.net{url}">A post title</a></h2><p>An excerpt, fine.</p><p>Mar 3, 2026</p>'
    assert parse_listing(page(block, block, block), "https://example.org/") == []


def test_declared_charset_is_honoured_and_undeclared_bytes_read_as_utf8():
    blocks = "".join(f'<div class="p"><h2><a href="/p/{n}/">Café notes {n}</a></h2><p>Crème brûlée, {n}.</p></div>'
                     for n in range(3))
    latin = f'<html><head><meta charset="windows-1252"></head><body>{blocks}</body></html>'.encode("cp1252")
    plain = f"<html><body>{blocks}</body></html>".encode()
    for body in (latin, plain):
        assert [item.title for item in parse_listing(body, "https://example.org/")] == [f"Café notes {n}" for n in range(3)]


@pytest.mark.parametrize("body", [b"", b"   ", b"\x00\xff\xfe", b"<html></html>", b"not html at all", b"<?xml version='1.0'?><rss/>"])
def test_empty_or_odd_bytes_give_nothing(body):
    assert parse_listing(body, "https://example.org/") == []


_FRAGMENTS = st.sampled_from([
    "<article class='post'>", "</article>", "<h2>", "</h2>", "<a href='/posts/x/'>", "<a href='/tags/y/'>",
    "<a href='http://[::1'>", "<a href='https://example.org:99999/p/'>", "</a>", "<p>", "</p>", "<time datetime='2026-02-30'>",
    "</time>", "<base href='//'>", "<nav>", "</nav>", "10 min · 1937 words", "Mar 3, 2026", "Read more →", "...", "&hellip;",
    "<li>", "</li>", "<ul class='post-list'>", "<br>", "<script>x<y</script>", "<meta charset='klingon'>",
])


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.lists(st.one_of(_FRAGMENTS, st.text(max_size=20)), max_size=60).map("".join)))
def test_never_raises(data):
    body = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    for item in parse_listing(body, "https://example.org/"):
        assert item.title and item.url.startswith("https://example.org/")


def test_listing_entry_fields():
    item = ListingItem(
        title="Tokenizers &amp; the  Model", url="https://Example.org/posts/tok/?utm_source=x",
        excerpt="BPE merges decide the step count. We retrained <four> models and compared them ...",
        published=datetime(2026, 2, 24, tzinfo=UTC), reading_minutes=11, word_count=2310,
    )
    entry = listing_entry(item)
    assert entry.title == "Tokenizers & the Model"
    assert entry.url == item.url and entry.canonical_url == "https://example.org/posts/tok/"
    assert entry.guid is None and entry.author is None and entry.published == item.published
    assert entry.content_html == "<p>BPE merges decide the step count. We retrained &lt;four&gt; models and compared them ...</p>"
    assert entry.text == item.excerpt
    assert entry.feed_summary == "BPE merges decide the step count."
    assert (entry.word_count, entry.reading_minutes) == (2310, 11)
    expected_hash = hashlib.blake2b(f"Tokenizers & the Model {item.excerpt}".encode(), digest_size=16).hexdigest()
    assert entry.content_hash == expected_hash and entry.teaser is False


def test_listing_entry_without_counts_or_excerpt():
    bare = listing_entry(ListingItem("A title", "https://example.org/p/1/", None, None, None, None))
    assert (bare.text, bare.content_html, bare.feed_summary, bare.word_count, bare.reading_minutes) == ("", "", None, 0, 1)
    counted = listing_entry(ListingItem("A title", "https://example.org/p/1/", "Five words in this excerpt.", None, None, None))
    assert (counted.word_count, counted.reading_minutes, counted.feed_summary) == (5, 1, "Five words in this excerpt.")


@pytest.mark.parametrize("excerpt, summary", [
    ("First sentence. Second one is cut ...", "First sentence."),
    ("First sentence. Second one is cut…", "First sentence."),
    ("Compare A vs. B, and the result is", "Compare A vs. B, and the result is"),
    ("No full stop at all ...", "No full stop at all"),
    ("Ends well!", "Ends well!"),
    ("…", None),
])
def test_excerpt_summary(excerpt, summary):
    assert excerpt_summary(excerpt) == summary


def _corpus_posts() -> list[tuple[str, str, int, int]]:
    """(title, excerpt, minutes, words) from the text of the corpus blog index."""
    paragraphs = [p.strip() for p in corpus_file("blog-index.txt").read_text(encoding="utf-8").split("\n\n") if p.strip()]
    posts = []
    for title, excerpt, meta in zip(paragraphs[::3], paragraphs[1::3], paragraphs[2::3]):
        minutes, words = re.fullmatch(r"(\d+)\s*min\s*·\s*(\d+)\s*words", meta).groups()
        posts.append((title, excerpt, int(minutes), int(words)))
    return posts


def test_corpus_blog_index_in_its_hugo_markup():
    """The corpus page's text, put back into Hugo list markup, comes out post for post."""
    from html import escape

    posts = _corpus_posts()
    entries = "".join(
        f'<article class="post-entry"><header class="entry-header"><h2>{escape(title)}</h2></header>'
        f'<div class="entry-content"><p>{escape(excerpt)}</p></div>'
        f'<footer class="entry-footer">{minutes} min&nbsp;·&nbsp;{words} words</footer>'
        f'<a class="entry-link" aria-label="post link to {escape(title)}" href="/posts/{n}/"></a></article>'
        for n, (title, excerpt, minutes, words) in enumerate(posts)
    )
    html = (f'<html><head><meta charset="utf-8"></head><body><header class="header"><nav><a href="/tags/">Tags</a></nav></header>'
            f'<main class="main">{entries}<footer class="page-footer"><nav class="pagination"><a href="/page/2/">Next »</a>'
            f"</nav></footer></main></body></html>")
    items = parse_listing(html.encode(), "https://blog.example.com/")
    assert len(posts) == 12
    assert [(i.title, i.excerpt, i.reading_minutes, i.word_count) for i in items] == [
        (" ".join(t.split()), " ".join(e.split()), m, w) for t, e, m, w in posts]
    assert all(item.published is None for item in items)  # "On January 20, 2025, ..." in an excerpt is not its date
    summaries = [listing_entry(item).feed_summary for item in items]
    assert all(s and not s.endswith(("...", "…")) and s[-1] in ".!?”’\"" for s in summaries)
