"""Feeds read as faithfully as feedparser reads them: each test is one shape feedparser-rs alone got wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from blogreader.normalize.entry import normalize_entry, normalize_feed
from blogreader.parse.dates import MAX_DATE, parse_date
from blogreader.parse.feed_repairs import MAX_EXPANSION, expand_internal_entities
from blogreader.parse.feeds import parse_feed
from tests.conftest import FIXTURES

FIDELITY = FIXTURES / "feeds" / "fidelity"
URL = "https://feeds.example/dir/feed.xml"


def read(name: str, **options):
    return parse_feed((FIDELITY / name).read_bytes(), URL, **options)


def titles(feed) -> list[str]:
    return [normalize_entry(entry, feed.site_url).title for entry in feed.entries]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_atom_links_decode_their_xml_references():
    feed = read("atom-query-links.xml")
    first, second = feed.entries
    assert first.url == "https://grad.example.net/read?id=42&ref=feed"
    assert normalize_entry(first, feed.site_url).canonical_url == "https://grad.example.net/read?id=42&ref=feed"
    assert second.url == "https://grad.example.net/read?q=a%26b&page=2"  # a percent-escape is not decoded
    assert feed.site_url == "https://grad.example.net/?lang=en&view=home"
    assert feed.problem is None


def test_numeric_offsets_are_applied():
    feed = read("offsets.xml")
    assert [entry.published for entry in feed.entries] == [
        utc(2024, 3, 1, 15), utc(2024, 3, 1, 9), utc(2024, 3, 1, 10, 20), utc(2024, 3, 1, 4, 30)]


def test_plain_titles_keep_what_looks_like_tags():
    feed = read("plain-titles.xml")
    assert titles(feed) == ["Vec<T> and Option<String> in Rust", "Using <template> and <dialog>",
                            "AT&T and the 1 < 2 rule", "Bold move"]  # the last is HTML by feedparser's rule
    assert normalize_feed(feed).title == "Rust & Web Notes"


def test_atom_titles_follow_their_declared_type():
    feed = read("atom-title-types.xml")
    assert titles(feed) == ["Using <template> and <dialog>", "Sparse attention & you", "Shapes of Tensor<f32>"]
    assert normalize_feed(feed).title == "Markup <in> Titles"


def test_c1_controls_become_the_windows_1252_punctuation_they_stand_for():
    feed = read("cp1252-c1.xml")
    assert titles(feed) == ["Don’t panic", "Price: € 5"]
    first, second = (normalize_entry(entry, feed.site_url) for entry in feed.entries)
    assert first.text == "“Quoted” – a dash… and ’s"
    assert second.text == "It’s fine"


@pytest.mark.parametrize(("raw", "expected"), [
    ("Fri, 01 Mar 2024 10:00:00 MET", utc(2024, 3, 1, 9)),
    ("Fri, 01 Mar 2024 10:00:00 ET", utc(2024, 3, 1, 15)),
    ("Fri, 01 Mar 2024 10:00:00 CT", utc(2024, 3, 1, 16)),
    ("Fri, 01 Mar 2024 10:00:00 MT", utc(2024, 3, 1, 17)),
    ("Fri, 01 Mar 2024 10:00:00 PT", utc(2024, 3, 1, 18)),
    ("Fri, 01 Mar 2024 10:00:00 Etc/GMT", utc(2024, 3, 1, 10)),
    ("Fri, 01 Mar 2024 10:00:00 GMT-01:01", utc(2024, 3, 1, 11, 1)),
    ("Friday, 01 March 2024 10:00:00 GMT", utc(2024, 3, 1, 10)),
    ("Thu, 01 Jan 2004", utc(2004, 1, 1)),
    ("Sun Jul 15 01:16:00 +0000 2012", utc(2012, 7, 15, 1, 16)),
    ("Mon, 13 Feb, 2012 06:28:00 UTC", utc(2012, 2, 13, 6, 28)),
    ("03-12-31", utc(2003, 12, 31)),
    ("2024-03-01T10:00:00.75-0500", utc(2024, 3, 1, 15)),
    ("Fri, 01 Mar 2024 10:00:00 +0530", utc(2024, 3, 1, 4, 30)),
])
def test_real_world_date_shapes(raw, expected):
    assert parse_date(raw) == expected


def test_the_date_fixture_dates_every_item():
    feed = read("dates.xml")
    assert all(entry.published is not None for entry in feed.entries)
    assert feed.entries[-1].published == utc(2003, 12, 31)  # "03-12-31", not the year 3


def test_date_strings_are_bounded_and_garbage_is_undated():
    assert parse_date("Fri, 01 Mar 2024 10:00:00 GMT " + "x" * MAX_DATE) is None
    assert parse_date("2024-" + "1" * 100_000) is None
    assert parse_date("soon") is None and parse_date(None) is None and parse_date(12) is None


def test_rss_bodies_in_xhtml_body_fullitem_and_bare_content():
    feed = read("bodies.xml")
    texts = [normalize_entry(entry, feed.site_url).text for entry in feed.entries]
    assert texts == ["Body in an xhtml element.", "Body in a plain body element.",
                     "Body in a fullitem element.", "Body in a bare content element."]


def test_rss_in_a_prefixed_namespace_keeps_its_items():
    feed = read("prefixed-rss.xml")
    assert [entry.url for entry in feed.entries] == ["https://prefixed.example/1", "https://prefixed.example/2"]
    assert titles(feed) == ["First prefixed item", "Second prefixed item"]


def test_dublin_core_terms_dates_and_author():
    [entry] = read("dcterms.xml").entries
    assert entry.published == utc(2024, 2, 10, 8, 30)
    assert entry.updated == utc(2024, 2, 11, 8)
    assert entry.author == "Grace Hopper"


def test_atom_03_base64_text_is_decoded():
    feed = read("atom03-base64.xml")
    [entry] = feed.entries
    assert titles(feed) == ["Encoded title"]
    assert entry.content_html == "<p>Encoded <b>body</b>.</p>"


def test_xml_base_resolves_relative_links():
    feed = read("xml-base.xml")
    [entry] = feed.entries
    assert entry.url == "https://base.example/blog/posts/first.html"
    assert feed.site_url == "https://base.example/blog/home/"
    stored = normalize_entry(entry, feed.site_url)
    assert 'href="https://base.example/blog/posts/figures/one.png"' in stored.content_html


def test_content_location_is_the_base_of_relative_links():
    feed = read("relative-rss.xml", content_location="/feeds/main.xml")
    assert feed.entries[0].url == "https://feeds.example/feeds/posts/one.html"
    assert feed.site_url == "https://feeds.example/"
    assert read("relative-rss.xml").entries[0].url == "https://feeds.example/dir/posts/one.html"


def test_mixed_case_elements_are_read():
    feed = read("mixed-case.xml")
    [entry] = feed.entries
    assert titles(feed) == ["Mixed case item"]
    assert entry.url == "https://mixed.example/1" and entry.published == utc(2024, 3, 1, 10)
    assert feed.problem is None


def test_entities_of_the_internal_subset_are_expanded():
    feed = read("dtd-entities.xml")
    [entry] = feed.entries
    assert normalize_feed(feed).title == "Entity Weekly"
    assert titles(feed) == ["Notes by Ada Lovelace"]
    assert normalize_entry(entry, feed.site_url).text == "Written by Ada Lovelace for Entity Weekly."


def test_entity_expansion_is_bounded_and_never_nested():
    nested = b'<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r>&a;&b;</r>'
    assert expand_internal_entities(nested) == nested.replace(b"<r>&a;", b"<r>aaaa")
    many = b'<!DOCTYPE r [<!ENTITY x "' + b"x" * 200 + b'">]><r>' + b"&x;" * (MAX_EXPANSION // 200 + 1) + b"</r>"
    assert expand_internal_entities(many) == many
    external = b'<!DOCTYPE r [<!ENTITY s SYSTEM "file:///etc/passwd">]><r>&s;</r>'
    assert expand_internal_entities(external) == external


def test_a_numeric_json_feed_id_is_a_string():
    [entry] = read("numeric-id.json").entries
    assert entry.guid == "1017"
    assert entry.published == utc(2024, 3, 1, 15)


def test_description_is_the_rss_summary_when_both_are_given():
    [entry] = read("description-summary.xml").entries
    assert "The description element." in entry.summary_html


@pytest.mark.parametrize("version", ["0.93", "0.94", "2.01"])
def test_a_new_empty_feed_of_an_unknown_rss_version_is_a_feed(version):
    feed = read(f"empty-rss-{version}.xml")
    assert feed.entries == [] and feed.problem is None
    assert normalize_feed(feed).title == f"New Blog {version}"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf_16_and_32_without_a_bom(codec):
    text = (FIDELITY / "plain-titles.xml").read_text(encoding="utf-8").replace('encoding="utf-8"', f'encoding="{codec[:6]}"')
    feed = parse_feed(text.encode(codec), URL)
    assert titles(feed)[0] == "Vec<T> and Option<String> in Rust"
    assert feed.problem is None


def test_an_item_less_feed_has_no_false_problem():
    body = b'<?xml version="1.0"?><rss version="2.0"><Channel><Title>Quiet</Title></Channel></rss>'
    feed = parse_feed(body, URL)
    assert feed.entries == [] and feed.problem is None


@pytest.mark.parametrize(("codec", "words"), [
    ("koi8-r", "Нейронные сети учатся представлениям данных"),
    ("shift_jis", "機械学習の新しい論文を読みました。注意機構の解説です"),
    ("gb18030", "机器学习的新进展：注意力机制与大型语言模型的训练方法"),
])
def test_an_undeclared_legacy_charset_is_detected(codec, words):
    items = "".join(f"<item><title>{words} {n}</title><link>https://legacy.example/{n}</link>"
                    f"<description>{words}.</description></item>" for n in range(3))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{words}</title>{items}</channel></rss>'
    feed = parse_feed(body.encode(codec), URL, content_type="application/rss+xml")
    assert titles(feed) == [f"{words} {n}" for n in range(3)]


def test_a_latin_1_feed_is_still_read_as_windows_1252():
    words = "Café naïve, déjà vu: “quoted” ½ × ¼ — réseaux de neurones, modèles génératifs"
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>L</title><item><title>{words}</title></item></channel></rss>'
    assert titles(parse_feed(body.encode("cp1252"), URL)) == [words]


def test_atom_1_text_of_a_binary_type_is_decoded_from_base64():
    feed = read("atom10-base64.xml")
    first, second = feed.entries
    assert titles(feed) == ["Sparse attention notes", "Plain one"]
    stored = normalize_entry(first, feed.site_url)
    assert "Why &lt;kv-cache&gt; reuse <em>helps</em>" in stored.content_html
    assert first.url == "https://bin.example/posts/1" and first.updated == utc(2024, 5, 2, 8)
    assert "An XML body" in normalize_entry(second, feed.site_url).content_html  # an XML type is no base64


@pytest.mark.parametrize("location", ["javascript:alert(1)//", "file:///etc/passwd", "data:text/html,x", " "])
def test_a_content_location_that_is_no_web_address_is_ignored(location):
    feed = read("relative-rss.xml", content_location=location)
    assert feed.entries[0].url == "https://feeds.example/dir/posts/one.html"
    assert feed.site_url == "https://feeds.example/"
