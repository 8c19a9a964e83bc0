"""The cheap screens before a roundup split: they pass every post the splitter splits, and turn away posts
that link only to their own publication."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from blogreader.normalize.sanitize import sanitize_html
from blogreader.roundups import split_roundup
from blogreader.roundups.screen import may_be_roundup
from tests.roundups.test_split import CASES, FIXTURES

OWN = "https://blog.example.com/"


def _post(*hrefs: str) -> str:
    items = "".join(f'<li><a href="{href}">Item {n}</a>: why it matters, in a sentence.</li>'
                    for n, href in enumerate(hrefs))
    return sanitize_html(f"<h2>This week</h2><ul>{items}</ul>", OWN + "posts/1")


def test_every_fixture_the_splitter_splits_passes_the_screen():
    for name, case in CASES.items():
        html = sanitize_html((FIXTURES / f"{name}.html").read_text(encoding="utf-8"), case.page_url)
        for publication in (case.publication_url, None):
            if split_roundup(html, case.page_url, publication):
                assert may_be_roundup(html, case.page_url, publication), name


def test_a_post_linking_only_to_its_own_blog_is_not_parsed():
    own = _post(OWN + "a", "https://www.blog.example.com/b", "https://notes.blog.example.com/c", "/d")
    assert not may_be_roundup(own, OWN + "posts/1", OWN)
    assert not split_roundup(own, OWN + "posts/1", OWN)


def test_links_leaving_the_publication_or_not_surely_read_pass():
    assert may_be_roundup(_post(OWN + "a", "https://arxiv.org/abs/1", "https://github.com/x/y"), OWN + "p", OWN)
    assert may_be_roundup(_post("https://arxiv.org/abs/1", "https://github.com/x/y"), None, None)
    # An address with an entity is left to the splitter, whatever it says.
    assert may_be_roundup(_post(OWN + "a?x=1&y=2", OWN + "b?x=1&y=2"), OWN + "p", OWN)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([OWN + "a", OWN + "b", "https://arxiv.org/abs/2", "https://github.com/o/r",
                                 "/local", "https://www.blog.example.com/c", "mailto:x@y.z", "https://blog.example.com.evil/"]),
                min_size=0, max_size=6))
def test_the_screen_never_turns_away_a_split(hrefs):
    html = _post(*hrefs)
    for page, publication in ((OWN + "posts/1", OWN), (OWN + "posts/1", None), (None, None)):
        if split_roundup(html, page, publication):
            assert may_be_roundup(html, page, publication)
