"""Property: whatever the text, the md_* filters let a Markdown renderer make no link, image or HTML of it."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from blogreader.publish.common import BIDI_CONTROLS, md_cell, md_link, md_text

URL = "https://ok.example/post"
# Markdown's link, image, autolink, HTML and code syntax, and words that make them point somewhere.
PIECES = st.sampled_from(["[", "]", "(", ")", "!", "<", ">", "\\", "`", "|", ":", "@", "*", "_", "#", "-", "1.",
                          " ", "\n", "x", "evil.example", "//", "https://evil.example/p", "mailto:a@b.example",
                          "a@b.example", "img", "a href=", "src=", "&#91;", "&lt;", '"', "'", "\u202e", "é"])
TEXT = st.lists(PIECES, min_size=1, max_size=30).map("".join)


class _Active(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in ("p", "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "code", "h1", "h2"):
            self.found.append((tag, dict(attrs)))


def _active(markdown: str) -> list[tuple[str, dict]]:
    from markdown_it import MarkdownIt

    parser = _Active()
    parser.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    parser.close()
    return parser.found


@settings(max_examples=400, deadline=None)
@given(title=TEXT, summary=TEXT, category=TEXT)
def test_a_table_row_links_only_to_its_own_url(title, summary, category):
    table = "| Blog | Summary | Category |\n|---|---|---|\n"
    row = f"| {md_link(title, URL)} | {md_cell(summary)} | {md_cell(category)} |\n"
    assert _active(table + row) == [("a", {"href": URL})]
    assert not any(char in row for char in BIDI_CONTROLS)


@settings(max_examples=400, deadline=None)
@given(text=TEXT)
def test_a_paragraph_or_heading_makes_nothing_active(text):
    assert _active(f"# {md_text(text)}\n\n{md_text(text)}\n\n{md_text(text)} [Source]({URL})\n") == [
        ("a", {"href": URL})]
