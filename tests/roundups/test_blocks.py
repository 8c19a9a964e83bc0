"""The flat blocks every roundup shape reads: text outside any paragraph is read too, in its place."""

from __future__ import annotations

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from blogreader.roundups.blocks import _paths, read_blocks


def test_text_outside_paragraphs_is_read_in_document_order():
    html = ('<div><div>Card title <a href="https://x.example/a">A</a></div><div>Only div text</div></div>'
            'Loose <b>text</b><p>A paragraph</p>text after it'
            '<ul><li>Intro <b>bold</b><p>inner paragraph</p>after the paragraph</li></ul><section>section text</section>')
    blocks = read_blocks(html, "https://pub.example/p/1")
    assert [block.text for block in blocks] == ["Card title A", "Only div text", "Loose text", "A paragraph",
                                                "text after it", "Intro bold", "inner paragraph",
                                                "after the paragraph", "section text"]
    assert blocks[0].links[0].href == "https://x.example/a"
    assert {block.list_parent for block in blocks[5:8]} == {blocks[6].list_parent} != {None}


def test_control_characters_in_loose_text_are_dropped_not_raised():
    assert [block.text for block in read_blocks("<p>a</p>b\x1fc\x0bd", None)] == ["a", "bcd"]


def test_block_paths_are_the_ones_lxml_gives():
    html = "<h2>A</h2><ul><li>1</li><li>2<ul><li>2.1</li></ul></li></ul><p>x</p><p>y</p><table><tr><td>c</td></tr></table>"
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    tree = root.getroottree()
    assert {element: tree.getpath(element) for element in root.iter()} == _paths(root)


WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "科技", "x1"])


def inline(depth: int = 0):
    """Text and inline elements (links, emphasis) holding only inline content, as valid HTML nests them."""
    text = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)
    if depth >= 2:
        return text
    wrapped = st.tuples(st.sampled_from(["a", "b", "em", "span"]), st.lists(inline(depth + 1), min_size=1, max_size=3))
    return st.one_of(text, wrapped.map(lambda pair: (f'<{pair[0]} href="https://x.example/a">' if pair[0] == "a"
                                                      else f"<{pair[0]}>") + " ".join(pair[1]) + f"</{pair[0]}>"))


def flow(depth: int = 0):
    """Blocks (paragraphs, headings, lists, divs, sections) and loose inline runs between them, nested a little."""
    leaf = st.one_of(
        st.tuples(st.sampled_from(["p", "h2", "blockquote"]), st.lists(inline(), min_size=1, max_size=3))
        .map(lambda pair: f"<{pair[0]}>{' '.join(pair[1])}</{pair[0]}>"),
        inline())
    if depth >= 2:
        return leaf
    container = st.tuples(st.sampled_from(["div", "section", "li-list"]), st.lists(flow(depth + 1), min_size=1, max_size=4))
    return st.one_of(leaf, container.map(lambda pair: f"<ul><li>{' '.join(pair[1])}</li></ul>" if pair[0] == "li-list"
                                         else f"<{pair[0]}>{' '.join(pair[1])}</{pair[0]}>"))


@settings(max_examples=300, deadline=None)
@given(st.lists(flow(), min_size=1, max_size=5))
def test_every_word_of_the_post_is_in_exactly_one_block_in_order(parts):
    html = " ".join(parts)
    expected = " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())
    assert " ".join(block.text for block in read_blocks(html, None)) == expected
