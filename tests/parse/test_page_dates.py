"""Dates of web pages come from their metadata, never from a year or date written in their text."""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from blogreader.parse.article import extract_article
from blogreader.parse.page_dates import page_published
from tests.conftest import FIXTURES
from tests.test_listing_sources import serve_listing

DATES = FIXTURES / "pages" / "dates"
URL = "https://norms.example/posts/code-review-norms/"


def published(name: str) -> datetime | None:
    return extract_article((DATES / name).read_bytes(), URL).published


@pytest.mark.parametrize(("name", "expected"), [
    ("meta-published.html", datetime(2024, 6, 11, 18, 5, tzinfo=UTC)),  # article:published_time, -04:00 applied
    ("json-ld.html", datetime(2023, 11, 20, tzinfo=UTC)),  # datePublished inside an @graph
    ("header-time.html", datetime(2024, 4, 2, 7, 30, tzinfo=UTC)),  # the header's <time>, not the footer's
    ("dc-date.html", datetime(2022, 8, 15, tzinfo=UTC)),
    ("implausible-meta.html", datetime(2020, 5, 6, tzinfo=UTC)),  # a year-2999 published_time is passed over
])
def test_a_page_is_dated_by_its_metadata(name, expected):
    assert published(name) == expected


def test_citations_and_dates_in_the_text_never_date_a_page():
    # "(Bicchieri, 2005)", "(Smith and Ortiz, 2019)" and "on March 3, 2021" are what the post is about
    assert published("citations-only.html") is None


def test_metadata_is_read_in_order_of_trust():
    page = lxml.html.fromstring(
        '<html><head><meta name="date" content="2021-01-01">'
        '<meta property="article:published_time" content="2023-05-05T10:00:00Z">'
        '<script type="application/ld+json">{"datePublished": "2019-09-09"}</script></head>'
        '<body><article><header><h1>T</h1><time datetime="2018-08-08">x</time></header></article></body></html>')
    assert page_published(page) == datetime(2023, 5, 5, 10, tzinfo=UTC)


@pytest.mark.parametrize("script", ['{"datePublished": ', "[" * 100_000, '{"@graph": "x"}', '"2020-01-01"'])
def test_broken_or_hostile_json_ld_is_passed_over(script):
    page = lxml.html.fromstring(f'<html><head><script type="application/ld+json">{script}</script></head>'
                                '<body><p>datePublished 2020</p></body></html>')
    assert page_published(page) is None


@pytest.mark.parametrize("command", ["save", "add"])
def test_a_saved_page_without_metadata_has_no_date(cli, server, command):
    url = server.serve_file("/posts/norms", DATES / "citations-only.html", content_type="text/html")
    result = cli(command, url)
    assert result.code == 0, result.err
    [entry] = cli("list", "--all", "--json").json
    assert entry["published"] is None  # it sorts by when it was saved, not by 2005


def test_a_listed_post_without_a_date_takes_its_page_s_published_time(cli, server):
    url, expected = serve_listing(server, "hugo-deepdives")
    first = expected[0]
    assert first["published"] is None  # the listing itself gives no date
    server.serve_file(first["url"].replace(server.url(""), ""), DATES / "meta-published.html",
                      content_type="text/html")
    assert cli("add", url).code == 0
    assert cli("fetch").code == 0
    entries = {e["url"]: e for e in cli("list", "--all", "--limit", "100", "--json").json}
    assert entries[first["url"]]["published"].startswith("2024-06-11T18:05")
    assert entries[expected[1]["url"]]["published"] is None  # its page could not be fetched
