"""Images behind signed /media URLs: the rewriting of entry HTML, the tokens, the types served, the setting."""

from __future__ import annotations

import re

import pytest
from fastapi import HTTPException

from blogreader.config import load_settings
from blogreader.errors import ConfigError
from blogreader.normalize.sanitize import sanitize_html
from blogreader.web.media import MAX_URL, MediaSigner, image_type, rewrite_images
from tests.web.conftest import png

SIGNER = MediaSigner.from_secret(b"s" * 32)
MEDIA = re.compile(r'src="/media/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})"')


def shown(html: str, mode: str = "proxy", base: str | None = "https://blog.example/post/") -> str:
    return rewrite_images(sanitize_html(html, base), mode, SIGNER)


def test_every_image_points_at_a_signed_media_url():
    html = shown('<p>One <img src="https://cdn.example/a.png?w=1&h=2" alt="A &amp; &lt;b&gt;" width="30" '
                 'srcset="https://cdn.example/a2.png 2x" onerror="x()" class="big"> two '
                 '<img src="figure.png" title="t"><img src="data:image/png;base64,AAAA"><img alt="none"></p>')
    assert "cdn.example" not in html and "blog.example" not in html and "data:" not in html
    tokens = MEDIA.findall(html)
    assert [SIGNER.url(token) for token in tokens] == ["https://cdn.example/a.png?w=1&h=2",
                                                        "https://blog.example/post/figure.png"]
    # The attributes kept are the harmless ones, with the sanitizer's escaping untouched.
    assert 'alt="A &amp; &lt;b&gt;" width="30">' in html and 'title="t">' in html
    assert "srcset" not in html and "onerror" not in html and "class" not in html
    assert html.count("<img") == 4 and '<img alt="none">' in html  # no src: nothing to load, nothing to sign


def test_text_that_looks_like_an_image_is_left_alone():
    html = shown('<p>&lt;img src="https://cdn.example/x.png"&gt;</p><pre><code>&lt;img src=x&gt;</code></pre>'
                 '<p title="<img src=https://cdn.example/y.png>">t</p>')
    assert "/media/" not in html
    assert html == sanitize_html('<p>&lt;img src="https://cdn.example/x.png"&gt;</p><pre><code>&lt;img src=x&gt;'
                                 '</code></pre><p title="<img src=https://cdn.example/y.png>">t</p>',
                                 "https://blog.example/post/")


def test_an_address_too_long_to_sign_is_dropped():
    html = shown(f'<img src="https://cdn.example/{"a" * MAX_URL}.png" alt="long">')
    assert html == '<img alt="long">'


def test_off_mode_shows_links_that_load_through_the_proxy():
    html = shown('<p><img src="https://cdn.example/a.png" alt="The &quot;plot&quot; <3">'
                 '<a href="https://blog.example/"><img src="https://cdn.example/b.png"> and text</a>'
                 '<img src="https://cdn.example/c.png"></p>', mode="off")
    assert "<img" not in html and "cdn.example" not in html
    first, last = re.findall(r'<a class="image-off" href="/media/([^"]+)"[^>]*>([^<]*)</a>', html)
    assert SIGNER.url(first[0]) == "https://cdn.example/a.png" and first[1] == "image: The &quot;plot&quot; &lt;3"
    assert SIGNER.url(last[0]) == "https://cdn.example/c.png" and last[1] == "image: load"
    # Inside a link the placeholder is text: a link inside a link would cut the outer one short.
    assert '<a href="https://blog.example/" rel="noopener noreferrer nofollow"><span class="image-off">image: load' \
           '</span> and text</a>' in html


def test_the_rewrite_is_linear_in_its_input():
    # Many images, and a tag soup of unclosed ones, both rewrite in one pass.
    many = shown('<img src="https://cdn.example/p.png">' * 5_000)
    assert many.count("/media/") == 5_000
    soup = rewrite_images("<img" + ' a="b"' * 50_000, "proxy", SIGNER)  # no ">": not a tag, left as it is
    assert soup.startswith("<img a=")


def test_tokens_name_their_url_and_refuse_tampering():
    token = SIGNER.path("https://cdn.example/a.png").removeprefix("/media/")
    assert SIGNER.url(token) == "https://cdn.example/a.png"
    encoded, signature = token.split(".")
    other = MediaSigner.from_secret(b"t" * 32).path("https://cdn.example/a.png").removeprefix("/media/")
    for forged, status in ((other, 403), (f"{encoded}.{signature[::-1]}", 403), (f"{encoded[:-2]}.{signature}", 403),
                           (encoded, 404), ("", 404), (".", 404), ("!!!.!!!", 404), ("A" * 10_000 + ".x", 404)):
        with pytest.raises(HTTPException) as refused:
            SIGNER.url(forged)
        assert refused.value.status_code == status, forged


@pytest.mark.parametrize(("declared", "body", "served"), [
    ("image/png", png(), "image/png"), ("IMAGE/JPEG; charset=x", b"\xff\xd8\xff\xe0", "image/jpeg"),
    ("", png(), "image/png"), ("application/octet-stream", b"GIF89a....", "image/gif"),
    ("binary/octet-stream", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    ("image/svg+xml", b"<svg/>", None), ("text/html", png(), None), ("application/octet-stream", b"<svg/>", None),
    ("", b"<html>", None), ("image/svg+xml; charset=utf-8", b"<svg/>", None), ("text/xml", b"<svg/>", None),
])
def test_only_raster_images_are_served(declared, body, served):
    assert image_type(declared, body) == served


def test_the_images_setting(tmp_path):
    home = tmp_path / "lib"
    home.mkdir()
    assert load_settings(home).web.images == "proxy"
    assert 'images = "proxy"' in (home / "config.toml").read_text()
    (home / "config.toml").write_text('[web]\nimages = "off"\n')
    assert load_settings(home).web.images == "off"
    for bad in ('images = "on"', "images = true", 'pictures = "off"'):
        (home / "config.toml").write_text(f"[web]\n{bad}\n")
        with pytest.raises(ConfigError, match=r"\[web\]"):
            load_settings(home)


def test_signed_addresses_and_form_tokens_outlive_a_restart(library):
    from blogreader.web.app import create_app

    first, second = create_app(library.settings), create_app(library.settings)
    url = "https://cdn.example/a.png"
    assert first.state.media_signer.path(url) == second.state.media_signer.path(url)
    assert first.state.guard.csrf_token("a" * 43) == second.state.guard.csrf_token("a" * 43)
    # The media key is not the form key: a form token never passes as an image signature.
    assert first.state.media_signer.key != first.state.guard.secret
