"""The screen before reading which papers a post discusses passes every post that links a work, however the
address is written (case, subdomains, character references, links relative to a paper's own page)."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from blogreader.dedupe.discussed import _links, discussed_works, may_link_a_work

ADDRESSES = [
    "https://arxiv.org/abs/2401.01234", "http://WWW.ARXIV.ORG/pdf/2401.01234v2",
    "https://export.arxiv.org/abs/hep-th/9901001",
    "https://huggingface.co/papers/2401.01234", "https://hf.co/papers/2401.01234",
    "https://doi.org/10.1145/3442188.3445922", "https://dl.acm.org/doi/10.1145/3442188.3445922",
    "https://openreview.net/forum?id=abcdEFGH12", "https://www.lesswrong.com/posts/aYtrLhoZtCKZnfBvA/x",
    "https://www.nature.com/articles/s41586-024-08148-8",
    "https://link.springer.com/article/10.1007/s10994-021-05946-3",
    "/abs/2401.01234", "//arxiv.org/abs/2401.01234", "https://blog.example/posts/1", "notes/2",
    "https://github.com/org/repo", "#fn1", "mailto:x@example.org",
]
BASES = ["https://blog.example/post", "https://arxiv.org/abs/2401.09999", None]


def written(address: str, how: int) -> str:
    """The address as a page might write it in an attribute: as is, upper-cased, or with references."""
    if how == 1:
        return address.upper() if address.startswith("http") else address
    if how == 2:
        return "".join(f"&#{ord(char)};" if char.isalpha() and n % 2 else char for n, char in enumerate(address))
    if how == 3:
        return html.escape(address).replace("/", "&sol;").replace(".", "&period;")
    return address


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ADDRESSES), st.integers(0, 3)), max_size=4), st.sampled_from(BASES))
def test_a_post_the_screen_passes_over_links_no_work(links, base):
    body = "".join(f'<p>See <a href="{written(address, how)}">this</a> and more.</p>' for address, how in links)
    found, _ = _links(body, base)
    if not may_link_a_work(body, base):
        assert all(link.work is None for link in found)


def test_a_paper_linked_through_character_references_is_still_discussed():
    address = "".join(f"&#{ord(char)};" for char in "https://arxiv.org/abs/2401.01234")
    post = (f'<p>We read <a href="{address}">the paper</a> closely.</p><p>{"Words about it. " * 60}</p>'
            f'<p>Again, <a href="{address}">the paper</a>.</p>')
    assert may_link_a_work(post, "https://blog.example/post")
    found = discussed_works(post, "https://blog.example/post")
    assert [item.work for item in found] == ["https://arxiv.org/abs/2401.01234"]


def test_a_post_without_any_work_address_is_not_parsed():
    post = '<p>Notes on <a href="https://blog.example/notes/1">our notes</a> and <a href="/about">us</a>.</p>'
    assert not may_link_a_work(post, "https://blog.example/post")
    assert may_link_a_work('<a href="/abs/2401.01234">x</a>', "https://arxiv.org/abs/2401.09999")
