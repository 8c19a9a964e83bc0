"""The web app under hostile input: images that track the reader, redirects off-site, ids and weeks out of
range, and libraries big enough to make one page tens of megabytes. Each test failed before its fix."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest

from tests.web.conftest import Library, LiveServer, make_entry, png

TOKEN = "hostile-test-token-0123456789"


class _Images(HTMLParser):
    """Every address an <img> (or <source>) of a page would load."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("img", "source"):
            for name, value in attrs:
                if name in ("src", "srcset") and value:
                    self.sources.append(value)


def image_sources(html: str) -> list[str]:
    parser = _Images()
    parser.feed(html)
    return parser.sources


def browser_host(location: str, here: str) -> str:
    """The host a browser goes to for a redirect to `location` from `here`, by the WHATWG URL rules that matter:
    controls and spaces around it are stripped, tabs and newlines inside dropped, "\\" is "/" in http(s)."""
    cleaned = re.sub(r"[\t\n\r]", "", location.strip("".join(map(chr, range(33))))).replace("\\", "/")
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", cleaned):
        cleaned = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*:)/*", r"\1//", cleaned)
        return urlsplit(cleaned).netloc.lower()
    scheme_relative = re.match(r"^/{2,}([^/?#]*)", cleaned)
    return scheme_relative.group(1).lower() if scheme_relative else here


@pytest.fixture
def start(home, monkeypatch):
    """Start the real app on 127.0.0.1 over a new library: start(config=..., token=..., allow_private=...)."""
    started: list[tuple[Library, LiveServer]] = []

    def run(config: str = "", *, token: str | None = None, allow_private: bool = True) -> LiveServer:
        from blogreader.config import load_settings

        if allow_private:
            monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
        else:
            monkeypatch.delenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", raising=False)
        library = Library(home)
        (home / "config.toml").write_text("starter_subscriptions = false\n" + config, encoding="utf-8")
        library.settings = load_settings(home)
        live = LiveServer(library, access_token=token)
        started.append((library, live))
        return live

    yield run
    for library, live in started:
        live.stop()
        library.close()


def _entry_with_images(live: LiveServer, image_url: str) -> int:
    """An entry whose stored content points at remote images, stored as is (as if no sanitizer had run)."""
    html = (f'<p>A figure.</p><img src="{image_url}" alt="the figure">'
            f'<img srcset="{image_url}?2x 2x, {image_url}?3x 3x" src="{image_url}?small">'
            f'<IMG SRC="{image_url}?upper"><a href="https://example.org/"><img src="{image_url}?linked"></a>'
            f'<picture><source srcset="{image_url}?picture"><img src="{image_url}?fallback"></picture>')
    [entry_id] = live.library.store.save_entries(None, [make_entry("Figures", url="https://blog.example/figures")]).ids
    live.library.store.conn.execute("UPDATE entries SET content_html = ?, text = '' WHERE id = ?", (html, entry_id))
    return entry_id


# 1. Remote images track the reader --------------------------------------------------------------------


def test_an_entry_page_names_no_remote_image(start, server):
    live = start()
    image = server.serve("/pixel.png", png(), content_type="image/png")
    entry_id = _entry_with_images(live, image)
    status, headers, page = live.request("GET", f"/entries/{entry_id}")
    assert status == 200
    assert f"127.0.0.1:{server.port}" not in page  # the image host appears nowhere, not even in a srcset
    sources = image_sources(page)
    assert len(sources) == 5 and all(re.fullmatch(r"/media/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}", s) for s in sources)
    assert server.requests == []  # showing the page fetched nothing
    policy = headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in policy and "https:" not in policy and "http:" not in policy


def test_media_serves_the_image_without_the_readers_cookies_or_referer(start, server):
    live = start()
    image = png(5, 4)
    entry_id = _entry_with_images(live, server.serve("/pixel.png", image, content_type="image/png"))
    _, _, page = live.request("GET", f"/entries/{entry_id}")
    first = image_sources(page)[0]
    cookie, _ = live.session()
    status, headers, body = live.request("GET", first, binary=True, headers={
        "Cookie": cookie, "Referer": f"{live.url}/entries/{entry_id}", "Authorization": "Basic c2VjcmV0"})
    assert status == 200 and body == image
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in headers["Cache-Control"] and "no-store" not in headers["Cache-Control"]
    [upstream] = server.hits("/pixel.png")
    assert upstream.headers["user-agent"].startswith("BlogReader/")
    assert not {"cookie", "referer", "authorization", "origin"} & set(upstream.headers)


def test_a_forged_or_tampered_media_token_is_refused(start, server):
    live = start()
    entry_id = _entry_with_images(live, server.serve("/pixel.png", png(), content_type="image/png"))
    _, _, page = live.request("GET", f"/entries/{entry_id}")
    token = image_sources(page)[0].removeprefix("/media/")
    encoded, signature = token.split(".")
    evil = server.url("/secret.png")
    from base64 import urlsafe_b64encode

    evil_encoded = urlsafe_b64encode(evil.encode()).rstrip(b"=").decode()
    forged = [f"{evil_encoded}.{signature}", f"{encoded}.{signature[:-2]}AA", f"{encoded}.{'A' * 43}",
              f"{evil_encoded}.", evil_encoded, "", "x.y", "%2e%2e", f"{encoded}"]
    for bad in forged:
        status, _, text = live.request("GET", f"/media/{bad}")
        assert status in (403, 404), (bad, status)
        assert "<h1>" in text and "Back to the inbox" in text  # the app's own error page
    assert server.requests == []


@pytest.mark.parametrize(("body", "content_type"), [
    ("<html><script>alert(1)</script></html>", "text/html"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>', "image/svg+xml"),
    ("<html><body>not an image</body></html>", "application/octet-stream"),
    ("plain words", "text/plain"),
    ('{"image": false}', "application/json"),
])
def test_media_refuses_what_is_not_a_raster_image(start, server, body, content_type):
    live = start()
    entry_id = _entry_with_images(live, server.serve("/thing", body, content_type=content_type))
    _, _, page = live.request("GET", f"/entries/{entry_id}")
    status, headers, text = live.request("GET", image_sources(page)[0])
    assert status == 502 and "is not an image BlogReader shows" in text
    assert "text/html" in headers["Content-Type"] and "alert(1)" not in text and "onload" not in text


def test_media_sniffs_an_untyped_raster_image(start, server):
    live = start()
    entry_id = _entry_with_images(live, server.serve("/untyped", png(), content_type="application/octet-stream"))
    _, _, page = live.request("GET", f"/entries/{entry_id}")
    status, headers, body = live.request("GET", image_sources(page)[0], binary=True)
    assert status == 200 and headers["Content-Type"] == "image/png" and body == png()


def test_media_keeps_the_fetchers_guard_and_limits(start, server):
    # The size cap: the library's smaller [fetch] max_bytes applies to images too.
    live = start("[fetch]\nmax_bytes = 50000\n")
    entry_id = _entry_with_images(live, server.serve("/big.png", png() + b"\0" * 60_000, content_type="image/png"))
    _, _, page = live.request("GET", f"/entries/{entry_id}")
    status, _, text = live.request("GET", image_sources(page)[0])
    assert status == 502 and "cap" in text


def test_media_does_not_reach_private_addresses_unless_allowed(start, server):
    live = start(allow_private=False)
    entry_id = _entry_with_images(live, server.serve("/pixel.png", png(), content_type="image/png"))
    _, _, page = live.request("GET", f"/entries/{entry_id}")
    status, _, text = live.request("GET", image_sources(page)[0])
    assert status == 502 and "non-public address" in text
    assert server.requests == []


def test_with_images_off_nothing_loads_until_asked(start, server):
    live = start('[web]\nimages = "off"\n')
    image = png()
    entry_id = _entry_with_images(live, server.serve("/pixel.png", image, content_type="image/png"))
    _, _, page = live.request("GET", f"/entries/{entry_id}")
    assert image_sources(page) == [] and f"127.0.0.1:{server.port}" not in page
    links = re.findall(r'<a class="image-off" href="(/media/[^"]+)"[^>]*>([^<]*)</a>', page)
    assert links[0][1] == "image: the figure" and links[1][1] == "image: load"
    assert '<span class="image-off">image: load</span>' in page  # inside a link: text, not a nested link
    assert server.requests == []
    status, _, body = live.request("GET", links[0][0], binary=True)
    assert status == 200 and body == image


# 2. Redirects after the access-token login stay on this site ------------------------------------------

LOGIN_TARGETS = ["//evil.example/", "/\\evil.example/", "/%2F%2Fevil.example/", "/%2f/evil.example/",
                 "/%5C%5Cevil.example/", "/%5C/evil.example/", "/%09/evil.example/", "/%0A/evil.example/",
                 "/%0D%0A/evil.example/", "https://evil.example/", "http://evil.example/x", "///evil.example/",
                 "/./%2F/evil.example/", "/%20//evil.example/"]


@pytest.mark.parametrize("target", LOGIN_TARGETS)
def test_the_token_login_never_redirects_off_site(start, target):
    live = start(token=TOKEN)
    joiner = "&" if "?" in target else "?"
    status, headers, _ = live.request("GET", f"{target}{joiner}token={TOKEN}")
    assert status in (303, 400, 404), status
    if status == 303:
        here = f"127.0.0.1:{live.port}"
        assert browser_host(headers["Location"], here) == here, headers["Location"]
        assert any(cookie.startswith("br_access=") for cookie in headers.get_all("Set-Cookie"))


def test_the_token_login_keeps_an_ordinary_path(start):
    live = start(token=TOKEN)
    status, headers, _ = live.request("GET", f"/search?q=sparse&token={TOKEN}")
    assert status == 303 and headers["Location"] == "/search?q=sparse"


FORM_TARGETS = ["//evil.example/", "/\\evil.example", "https://evil", "%2F%2Fevil.example", "/\t/evil.example",
                "/\n/evil.example", "\t//evil.example", " //evil.example", "/\r\n/evil.example", "\\\\evil.example",
                "/\\\t\\evil.example", "javascript:alert(1)", "/\x00/evil.example", "/\u3000/evil.example"]


@pytest.mark.parametrize("target", FORM_TARGETS)
def test_a_forms_next_never_leaves_the_site(start, target):
    live = start()
    [entry_id] = live.library.add(1)
    cookie, csrf = live.session()
    status, headers, _ = live.request("POST", f"/entries/{entry_id}/triage",
                                      urlencode({"action": "star", "next": target, "csrf_token": csrf}),
                                      {"Cookie": cookie})
    assert status == 303
    assert browser_host(headers["Location"], "here") == "here", headers["Location"]


# 3. Ids and weeks out of range are "not found", on the app's own page ----------------------------------

OUT_OF_RANGE = ["/entries/99999999999999999999", "/entries/9223372036854775808", "/entries/0",
                "/sources/99999999999999999999/remove", "/preview/digest?week=9999-W52",
                "/preview/digest?week=0001-W01", "/preview/digest?week=2026-W99", "/preview/digest?week=2025-W53",
                "/preview/digest?week=0999-W52"]


@pytest.mark.parametrize("path", OUT_OF_RANGE)
def test_ids_and_weeks_out_of_range_get_the_apps_own_error_page(start, path):
    live = start()
    live.library.add(1)
    status, headers, text = live.request("GET", path)
    assert status in (400, 404), (path, status)
    assert "text/html" in headers["Content-Type"] and f"<h1>{status}</h1>" in text and "Back to the inbox" in text


@pytest.mark.parametrize("path", ["/sources?added=99999999999999999999", "/collection?month=9999-12&page=99999",
                                  "/sources?fetched=9223372036854775808&page=9999", "/?source=99999999999999999999"])
def test_a_message_or_page_out_of_range_is_an_ordinary_page(start, path):
    live = start()
    live.library.add(1)
    status, _, text = live.request("GET", path)
    assert status == 200 and "Internal Server Error" not in text


@pytest.mark.parametrize("path", ["/entries/99999999999999999999/triage", "/sources/99999999999999999999/fetch",
                                  "/entries/99999999999999999999/note", "/sources/99999999999999999999/remove"])
def test_posts_to_ids_out_of_range_are_not_found(start, path):
    live = start()
    live.library.add(1)
    cookie, csrf = live.session()
    status, _, text = live.request("POST", path, urlencode({"action": "read", "csrf_token": csrf}), {"Cookie": cookie})
    assert status == 404 and "Back to the inbox" in text


def test_the_digest_links_stop_at_the_ends_of_the_calendar(start):
    live = start()
    status, _, text = live.request("GET", "/preview/digest?week=9998-W52")
    assert status == 200 and "9998-W51" in text and "9999-W01" not in text


# 4. Big libraries: pages stay small ------------------------------------------------------------------


def _many_sources(live: LiveServer, count: int) -> None:
    store = live.library.store
    with store.transaction():
        store.conn.executemany("INSERT INTO sources (url, kind, title, created) VALUES (?, 'feed', ?, ?)",
                               [(f"https://blog{n}.example/feed", f"Blog {n}", "2026-01-01T00:00:00Z")
                                for n in range(count)])


def test_sources_come_a_hundred_a_page(start):
    live = start()
    _many_sources(live, 2_050)
    status, _, first = live.request("GET", "/sources")
    assert status == 200 and first.count('<tr id="source-') == 100
    assert "2050 sources · page 1 of 21" in first and 'href="/sources?page=2" rel="next"' in first
    _, _, middle = live.request("GET", "/sources?page=2")
    assert 'href="/sources" rel="prev"' in middle and 'href="/sources?page=3" rel="next"' in middle
    _, _, last = live.request("GET", "/sources?page=21")
    assert last.count('<tr id="source-') == 50 and 'rel="next"' not in last and "Blog 2049<" in last
    _, _, beyond = live.request("GET", "/sources?page=22")
    assert "No sources on this page" in beyond
    assert len(first.encode()) < 120_000  # every source on one page was 1.1 MB here (54 MB at 100,000)
    # The inbox's source filter is bounded too, and keeps the chosen source even past the bound.
    _, _, inbox = live.request("GET", "/?source=2000")
    assert inbox.count("<option value=\"") < 320 and '<option value="2000" selected>Blog 1999</option>' in inbox


def test_the_collection_comes_a_month_and_a_page_at_a_time(start):
    live = start()
    ids = live.library.add(230)
    store = live.library.store
    store.set_picked(ids, True)
    with store.transaction():  # 210 picks in March, 20 in February
        store.conn.execute("UPDATE entries SET picked_at = '2026-03-0' || (id % 9 + 1) || 'T10:00:00Z' WHERE id > 20")
        store.conn.execute("UPDATE entries SET picked_at = '2026-02-10T10:00:00Z' WHERE id <= 20")
    _, _, first = live.request("GET", "/collection")
    assert first.count('<li class="entry') == 100 and "210 picked" in first and "page 1 of 3" in first
    assert 'href="/collection?page=2" rel="next"' in first
    _, _, last = live.request("GET", "/collection?month=2026-03&page=3")
    assert last.count('<li class="entry') == 10 and 'href="/collection?month=2026-03&amp;page=2" rel="prev"' in last
    _, _, february = live.request("GET", "/collection?month=2026-02")
    assert february.count('<li class="entry') == 20 and 'rel="next"' not in february
