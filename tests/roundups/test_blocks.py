"""The flat blocks every roundup shape reads: text outside any paragraph is read too, in its place."""

from __future__ import annotations

import lxml.html

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
