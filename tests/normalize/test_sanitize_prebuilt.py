"""The prebuilt sanitizers give what a sanitizer built for each post's base URL gives, byte for byte."""

from __future__ import annotations

import threading

import nh3
import pytest

from blogreader.normalize.math_svg import svg_attribute
from blogreader.normalize.sanitize import _OPTIONS, _clean, sanitize_html

BASE = "https://blog.example/posts/1"
POSTS = [
    '<p>See <a href="https://other.example/a">this</a> and <img src="https://cdn.example/x.png" alt="x"></p>',
    '<p><a href="/notes/2">a relative link</a>, <a href="../up">another</a>, <img src="fig.png"></p>',
    '<p><a href="//cdn.example/x">scheme-relative</a> <a href="#top">a fragment</a> <a href="?page=2">a query</a></p>',
    '<p><a href="javascript:alert(1)">js</a> <a href="mailto:me@example.org">mail</a></p>',
    '<svg viewBox="0 0 1 1"><path d="M0 0" fill="url(#g)"/></svg><a href="/svg-page">drawing</a>',
    '<p>no links at all &amp; an escape \x1b[2J</p>',
    # What looks relative at a glance and is not, and the other way round.
    '<p title="src=/x" data-src="/lazy.png"><a href="https://a.example/">absolute</a></p>',
    '<p><a HREF = "/upper">upper case</a> <img SRC=fig.png></p>',
]


def _reference(html: str, relative) -> str:
    options = dict(_OPTIONS, attribute_filter=svg_attribute) if "<svg" in html else _OPTIONS
    try:
        return nh3.clean(html, url_relative=relative, **options)
    except ValueError:
        return nh3.clean(html, url_relative="deny", **options)


@pytest.mark.parametrize("html", POSTS)
@pytest.mark.parametrize("base", [BASE, None, "http://[oops"])
@pytest.mark.parametrize("as_written", [True, False])  # a relative URL in sight skips the prebuilt sanitizer
def test_one_pass_is_what_a_sanitizer_built_for_the_base_gives(html, base, as_written):
    relative = ("rewrite_with_base", base) if base and base.startswith("http") else "deny"
    assert _clean(html, relative, as_written) == _reference(html, relative).replace("\x1b", "")


def test_relative_links_resolve_against_the_posts_own_address():
    clean = sanitize_html(POSTS[1], BASE)
    assert 'href="https://blog.example/notes/2"' in clean and 'src="https://blog.example/posts/fig.png"' in clean
    assert 'href="/notes/2"' not in sanitize_html(POSTS[1], None)  # no base: relative links go


def test_threads_sanitizing_at_once_do_not_mix_their_posts_relative_links():
    results: dict[int, list[str]] = {}

    def work(n: int) -> None:
        results[n] = [sanitize_html(POSTS[n % 2], f"https://blog{n}.example/p/") for _ in range(200)]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, outputs in results.items():
        assert set(outputs) == {sanitize_html(POSTS[n % 2], f"https://blog{n}.example/p/")}


def test_a_video_or_audio_fallback_is_no_text_of_the_post():
    html = ('<p>Before.</p><video controls><source src="/clip.mp4">Your browser does not support the video tag.'
            '</video><audio src="/a.mp3">No audio here.</audio><p>After.</p>')
    assert sanitize_html(html, BASE) == "<p>Before.</p><p>After.</p>"
