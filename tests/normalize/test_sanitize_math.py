"""Formulas (MathML) and drawings (SVG) survive the sanitizer; whatever in them could run or fetch does not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from blogreader.normalize.entry import normalize_entry
from blogreader.normalize.sanitize import sanitize_html
from blogreader.models import ParsedEntry
from tests.hostile.helpers import inert_html_problems


def test_an_inline_formula_keeps_its_text_and_markup():
    clean = sanitize_html("<p>The softmax of <math>x+y</math> is used.</p>")
    assert clean == "<p>The softmax of <math>x+y</math> is used.</p>"
    stored = normalize_entry(ParsedEntry(title="t", url="https://m.example/1",
                                         content_html="<p>The softmax of <math>x+y</math> is used.</p>"), None)
    assert stored.text == "The softmax of x+y is used."


def test_katex_output_keeps_math_and_its_tex_annotation():
    katex = ('<span class="katex"><math display="block"><semantics><mrow><msup><mi>e</mi><mi>x</mi></msup>'
             '<mo stretchy="false">/</mo><mfrac linethickness="1"><mn>1</mn><mn>2</mn></mfrac></mrow>'
             '<annotation encoding="application/x-tex">e^x / \\frac12</annotation></semantics></math></span>')
    clean = sanitize_html(katex)
    assert '<math display="block">' in clean and "<msup><mi>e</mi><mi>x</mi></msup>" in clean
    assert '<mo stretchy="false">/</mo>' in clean and '<mfrac linethickness="1">' in clean
    assert '<annotation encoding="application/x-tex">' in clean


@pytest.mark.parametrize("hostile", [
    '<math><mi href="javascript:alert(1)" xlink:href="javascript:alert(2)">x</mi></math>',
    '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>',
    '<math><maction actiontype="statusline"><mi>x</mi><mtext>status</mtext></maction></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<svg onload="alert(1)"><script>alert(1)</script><path d="M0 0" onclick="alert(1)"/></svg>',
    '<svg><foreignObject><iframe src="https://evil.example/"></iframe></foreignObject></svg>',
    '<svg><use href="https://evil.example/x.svg#a"/><image href="https://evil.example/x.png"/></svg>',
    '<svg><animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onclick" to="alert(1)"/></svg>',
    '<svg><rect width="5" height="5" fill="url(https://evil.example/p.svg#g)" style="position:fixed"/></svg>',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
])
def test_nothing_active_gets_through(hostile):
    clean = sanitize_html(hostile)
    assert not inert_html_problems(clean), clean
    for word in ("javascript", "onerror", "onload", "onclick", "evil.example", "<script", "<style", "foreignobject"):
        assert word not in clean.lower(), clean
    assert sanitize_html(clean) == clean


def test_a_simple_drawing_keeps_its_shapes_and_text():
    svg = ('<svg viewBox="0 0 10 10" width="100"><g stroke="black"><path d="M0 0L10 10" fill="none"/>'
           '<circle cx="5" cy="5" r="2" fill="#c00"/></g><text x="1" y="9">attention</text></svg>')
    clean = sanitize_html(svg)
    assert '<svg viewBox="0 0 10 10" width="100">' in clean and '<circle cx="5" cy="5" r="2" fill="#c00">' in clean
    assert '<text x="1" y="9">attention</text>' in clean


_PIECES = st.sampled_from([
    "<math>", "</math>", "<mi>", "</mi>", "<mo>", "<mfrac>", "</mfrac>", "<mtext>", "<annotation-xml>", "<mglyph>",
    "<svg>", "</svg>", "<path d='M0 0'>", "<text>", "<foreignObject>", "<style>", "</style>", "<table>", "<p>", "</p>",
    "<img src=x onerror=alert(1)>", "<a href='javascript:x'>", "x+y", "&lt;", "<!--", "-->", "<title>", "<noscript>",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_math_and_svg_tag_soup_is_a_fixed_point_and_inert(html):
    clean = sanitize_html(html)
    assert sanitize_html(clean) == clean
    assert not inert_html_problems(clean), clean
