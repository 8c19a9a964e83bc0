"""A hostile page cannot hold up the reading of its date: every metadata source is walked in linear time."""

from __future__ import annotations

import pytest
from trafilatura.utils import load_html

from blogreader.parse.page_dates import page_published
from tests.hostile.test_linear_time import LIMIT, growth

PAGES = {
    # 40,000 of these held one page for 143 s: an XPath union over every header's <time>s
    "sibling headers": "<header><h1>x</h1><time datetime='soon'>t</time></header>",
    "times in one header": "<time datetime='soon'></time><p>x</p>",
    "meta tags": "<meta name='date' content='soon'>",
    "itemprops": "<span itemprop='datePublished' content='soon'></span>",
}


def page(unit: str, count: int):
    wrap = ("<header>", "</header>") if unit.startswith("<time") else ("", "")
    return load_html(f"<html><head></head><body>{wrap[0]}{unit * count}{wrap[1]}</body></html>".encode())


@pytest.mark.parametrize("name", list(PAGES))
def test_page_dates_are_read_in_linear_time(name):
    unit = PAGES[name]
    assert page_published(page(unit, 50)) is None  # nothing there is a date
    assert growth(page_published, lambda n: page(unit, n), 1500) < LIMIT


def test_deep_json_ld_is_passed_over():
    tree = load_html(b"<html><head><script type='application/ld+json'>" + b"[" * 50_000 + b"]" * 50_000
                     + b"</script></head><body><p>datePublished</p></body></html>")
    assert page_published(tree) is None
