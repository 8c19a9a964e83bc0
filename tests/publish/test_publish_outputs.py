"""Every published output against its golden file, and hostile titles that must not break any of them."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from tests.publish.support import GOLDEN, matches_golden, pick, store_picks, table_rows

PICKS = [
    pick("Untitled thoughts on evals", None, "2026-03-02T08:00:00Z", "Benchmarks age fast."),
    pick("Probes & controls", "https://probes.example.net/controls", "2026-03-15T12:00:00Z",
         "Control tasks separate what a probe learns from what the model knows.", "Interp"),
    pick("Kernels in C++ / CUDA", "https://kernels.example.com/post?id=7&lang=en", "2026-04-01T18:30:00Z",
         "Fusing the softmax saves a round trip to memory.", "C++ / CUDA"),
    pick("Attention sinks, explained", "https://sinks.example.org/", "2026-04-07T09:00:00Z",
         "The first token soaks up attention mass; keep it in the cache.", "Architecture", starred=True),
    pick("Scaling laws | a field guide", "https://scaling.example.org/guide", "2026-04-08T10:00:00Z",
         "Two regimes.\nOne curve.", "Scaling"),
]
NOTES = {"Attention sinks, explained": "The appendix is the real paper."}


@pytest.fixture
def library(home):
    store_picks(home, PICKS, NOTES)
    return home


def test_readme_matches_golden(cli, library):
    assert cli("publish", "readme").code == 0
    assert matches_golden((library / "README.md").read_text(encoding="utf-8"), "readme.md")


def test_digest_matches_golden(cli, library):
    result = cli("publish", "digest", "--week", "2026-W15")
    assert result.code == 0, result.err
    assert "2 entries" in result.out
    assert matches_golden((library / "digest-2026-W15.md").read_text(encoding="utf-8"), "digest-2026-W15.md")


def test_feed_matches_golden_and_parses_cleanly(cli, library):
    assert cli("publish", "feed").code == 0
    text = (library / "feed.xml").read_text(encoding="utf-8")
    assert matches_golden(text, "feed.xml")
    parsed = feedparser.parse(text.encode())
    assert parsed.bozo is False or parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries][:2] == ["Scaling laws | a field guide", "Attention sinks, explained"]
    assert parsed.entries[2].link == "https://kernels.example.com/post?id=7&lang=en"
    assert parsed.entries[1].tags[0].term == "Architecture"


def test_site_matches_golden_page_for_page(cli, library):
    assert cli("publish", "site").code == 0
    site = library / "site"
    written = sorted(str(path.relative_to(site)) for path in site.rglob("*") if path.is_file())
    assert written == [".blogreader-site.json", "categories.html", "categories/architecture.html",
                       "categories/c-cuda.html", "categories/interp.html", "categories/scaling.html",
                       "feed.xml", "index.html", "starred.html"]
    for name in written[1:]:
        assert matches_golden((site / name).read_text(encoding="utf-8"), f"site/{name}"), name


def test_republishing_unchanged_output_writes_nothing(cli, library):
    cli("publish", "readme")
    before = (library / "README.md").stat().st_mtime_ns
    again = cli("publish", "readme")
    assert "unchanged" in again.out and (library / "README.md").stat().st_mtime_ns == before


HOSTILE = "Evil | title <script>alert(1)</script> ]](javascript:x) [x\nsecond line & <b>bold</b>"


@pytest.fixture
def hostile(home):
    store_picks(home, [
        pick(HOSTILE, "https://evil.example.com/a?x=1&y=<2>", "2026-04-07T09:00:00Z",
             "Summary | with <img src=x onerror=alert(1)> and\nnewline", "Cat | <script>"),
        pick("Plain neighbour", "https://ok.example.com/", "2026-04-07T10:00:00Z", "Fine.", "Safe"),
    ], {HOSTILE: "Note with <script>alert(2)</script>\nand ]( pipes |"})
    return home


def test_hostile_title_cannot_break_the_markdown_table(cli, hostile):
    assert cli("publish", "readme").code == 0
    text = (hostile / "README.md").read_text(encoding="utf-8")
    rows = table_rows(text)
    assert len(rows) == 2 and all(len(cells) == 3 for _month, cells in rows)
    assert "<script" not in text.replace("\\<script", "") and "<img" not in text.replace("\\<img", "")
    assert rows[1][1][0] == "[Plain neighbour](https://ok.example.com/)"
    from blogreader.imports.curated import find_link, split_row

    line = next(line for line in text.splitlines() if line.startswith("| [Evil"))
    title_cell = split_row(line)[0]
    text_part, url = find_link(title_cell)
    assert url == "https://evil.example.com/a?x=1&y=%3C2%3E"
    assert "javascript" in text_part and text_part.count("\\[") == 1  # the fake link stays text


def test_hostile_title_cannot_break_the_digest(cli, hostile):
    assert cli("publish", "digest", "--week", "2026-W15").code == 0
    text = (hostile / "digest-2026-W15.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(headings) == 2 and "second line" in headings[0]
    assert "<script" not in text.replace("\\<script", "")


def test_hostile_title_cannot_break_the_atom_feed(cli, hostile):
    assert cli("publish", "feed").code == 0
    parsed = feedparser.parse((hostile / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 2
    evil = parsed.entries[1]
    assert evil.title == " ".join(HOSTILE.split())
    assert evil.link == "https://evil.example.com/a?x=1&y=<2>"
    assert evil.tags[0].term == "Cat | <script>"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)


def test_hostile_title_cannot_break_the_site(cli, hostile):
    assert cli("publish", "site").code == 0
    for page in sorted((hostile / "site").rglob("*.html")):
        parsed = _Elements()
        parsed.feed(page.read_text(encoding="utf-8"))
        assert "script" not in parsed.tags and "img" not in parsed.tags and "b" not in parsed.tags, page
        assert not any(name.startswith("on") for name, _value in parsed.attributes), page
        assert not any((value or "").lower().startswith("javascript") for _name, value in parsed.attributes), page
    index = _Elements()
    index.feed((hostile / "site" / "index.html").read_text(encoding="utf-8"))
    assert "Evil | title <script>alert(1)</script> ]](javascript:x) [x second line & <b>bold</b>" in index.text
    category_pages = sorted(p.name for p in (hostile / "site" / "categories").iterdir())
    assert category_pages == ["cat-script.html", "safe.html"]


def test_the_atom_feed_of_an_empty_collection_is_still_valid(cli, home):
    result = cli("publish", "feed")
    assert result.code == 0 and "nothing is picked yet" in result.err
    assert not feedparser.parse((home / "feed.xml").read_bytes()).bozo


def test_the_site_works_from_the_file_system(cli, library):
    cli("publish", "site")
    site = library / "site"
    for page in site.rglob("*.html"):
        links = _Elements()
        links.feed(page.read_text(encoding="utf-8"))
        for name, value in links.attributes:
            if name == "href" and value and not value.startswith(("http://", "https://", "#")):
                target = (page.parent / value.split("#")[0]).resolve()
                assert target.is_file() and target.is_relative_to(site.resolve()), (page, value)
        assert "script" not in links.tags


def golden_files() -> list[Path]:
    return sorted(GOLDEN.rglob("*"))
