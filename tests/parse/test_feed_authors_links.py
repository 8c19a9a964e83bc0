"""Authors named as feedparser names them, and Atom links given as text: shapes feedparser-rs alone got wrong."""

from __future__ import annotations

import pytest

from blogreader.normalize.entry import normalize_entry
from blogreader.parse.feed_fields import MAX_AUTHOR, author_name
from blogreader.parse.feeds import parse_feed

URL = "https://notes.example/feed.xml"


def rss(item: str, namespaces: str = "") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"{namespaces}><channel><title>Attention Notes</title>'
            f"<link>https://notes.example/</link><item><title>Sparse heads</title>"
            f"<link>https://notes.example/sparse</link>{item}</item></channel></rss>").encode()


def stored_author(body: bytes) -> str | None:
    feed = parse_feed(body, URL)
    return normalize_entry(feed.entries[0], feed.site_url).author


@pytest.mark.parametrize("line", ["Ada Byron (ada@notes.example)", "ada@notes.example (Ada Byron)",
                                  "Ada Byron <ada@notes.example>", "Ada Byron (mailto:ada@notes.example)"])
def test_an_rss_author_line_is_stored_as_the_name_without_the_address(line):
    escaped = line.replace("<", "&lt;").replace(">", "&gt;")
    assert stored_author(rss(f"<author>{escaped}</author>")) == "Ada Byron"


def test_a_dublin_core_creator_with_an_address_is_named_too():
    body = rss("<dc:creator>Grace Hopper (grace@cobol.example)</dc:creator>",
               ' xmlns:dc="http://purl.org/dc/elements/1.1/"')
    assert stored_author(body) == "Grace Hopper"


def test_an_author_that_is_only_an_address_keeps_the_address():
    assert stored_author(rss("<author>editor@notes.example</author>")) == "editor@notes.example"


def test_a_name_with_parentheses_and_no_address_is_left_alone():
    assert stored_author(rss("<author>Kim Lee (guest editor)</author>")) == "Kim Lee (guest editor)"


def test_the_first_of_several_creators_is_the_author():
    body = rss("<dc:creator>Yann First</dc:creator><dc:creator>Léon Second</dc:creator>",
               ' xmlns:dc="http://purl.org/dc/elements/1.1/"')
    assert stored_author(body) == "Yann First"


def test_an_atom_author_is_its_name_element():
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Gradients</title>
      <entry><title>Clipping</title><link href="https://grad.example/clip"/><id>urn:grad:1</id>
      <updated>2024-04-01T00:00:00Z</updated>
      <author><name>Noam Writer</name><email>noam@grad.example</email></author></entry></feed>"""
    assert stored_author(body) == "Noam Writer"


def test_a_huge_author_line_is_read_in_bounded_time():
    line = "a" * 200_000 + "@"
    assert author_name({"author": line}) == line[:MAX_AUTHOR]


def test_an_atom_link_given_as_text_is_the_entry_link():
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Old style</title>
      <entry><title>Text link</title><id>urn:old:1</id><updated>2024-04-01T00:00:00Z</updated>
      <link rel="alternate" type="text/html">https://old.example/posts/text-link</link></entry></feed>"""
    feed = parse_feed(body, URL)
    assert [entry.url for entry in feed.entries] == ["https://old.example/posts/text-link"]


def test_an_atom_03_link_given_as_text_is_the_entry_link():
    body = b"""<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Older</title>
      <entry><title>Text link</title><id>urn:older:1</id><issued>2004-01-01T00:00:00Z</issued>
      <link rel="alternate" type="text/html">https://older.example/post</link></entry></feed>"""
    assert parse_feed(body, URL).entries[0].url == "https://older.example/post"


def test_an_atom_feed_whose_links_have_hrefs_stays_on_the_fast_parser():
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Fast</title>
      <entry><title>Has href</title><id>urn:fast:1</id><updated>2024-04-01T00:00:00Z</updated>
      <link rel="alternate" href="https://fast.example/a"/></entry></feed>"""
    from blogreader.parse.feed_repairs import feedparser_reads_better

    assert not feedparser_reads_better(body, "atom10", [{"link": "https://fast.example/a", "published": "x"}])
    assert parse_feed(body, URL).entries[0].url == "https://fast.example/a"
