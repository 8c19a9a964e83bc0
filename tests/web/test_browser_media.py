"""Images in a real headless Chromium: opening an entry never contacts the image's host; /media does, for it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.web.conftest import LiveServer, make_entry, png


@pytest.fixture
def start(library):
    """The app over `library` with `config` appended to its config.toml."""
    servers: list[LiveServer] = []

    def run(config: str = "") -> LiveServer:
        from blogreader.config import load_settings

        path = library.home / "config.toml"
        path.write_text(path.read_text(encoding="utf-8") + config, encoding="utf-8")
        library.settings = load_settings(library.home)
        servers.append(LiveServer(library))
        return servers[-1]

    yield run
    for live in servers:
        live.stop()


def _entry(live: LiveServer, image_url: str) -> int:
    html = (f'<p>A figure:</p><p><img src="{image_url}" alt="the loss curve" width="3" height="2"></p>'
            f'<p><a href="https://blog.example/full"><img src="{image_url}?in-link" alt=""></a></p>')
    [entry_id] = live.library.store.save_entries(None, [make_entry("Figures", url="https://blog.example/f",
                                                                   html=html)]).ids
    return entry_id


def _requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_opening_an_entry_reaches_the_image_host_only_through_media(start, page, server):
    live = start()
    image = server.serve("/figure.png", png(), content_type="image/png")
    server.serve("/figure.png?in-link", png(), content_type="image/png")
    entry_id = _entry(live, image)
    seen = _requests(page)
    page.goto(f"{live.url}/entries/{entry_id}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => Array.from(document.images).map(i => i.naturalWidth)") == [3, 3]
    ours = urlsplit(live.url).netloc
    assert {urlsplit(url).netloc for url in seen} == {ours}, seen
    media = [url for url in seen if urlsplit(url).path.startswith("/media/")]
    assert len(media) == 2
    # The image host heard from BlogReader, once per image, never from the browser.
    hits = server.hits("/figure.png") + server.hits("/figure.png?in-link")
    assert len(hits) == 2 and all(hit.headers["user-agent"].startswith("BlogReader/") for hit in hits)
    assert not any("referer" in hit.headers or "cookie" in hit.headers for hit in hits)

    # Even an image some script added would not load: the page's policy names no remote image source.
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.evaluate(f"""() => new Promise(done => {{ const img = new Image(); img.onload = img.onerror = done;
        img.src = "{server.url('/injected.png')}"; document.body.append(img); }})""")
    assert server.hits("/injected.png") == []
    assert any("Content Security Policy" in text for text in violations), violations


def test_with_images_off_nothing_loads_until_a_click(start, page, server):
    live = start('\n[web]\nimages = "off"\n')
    entry_id = _entry(live, server.serve("/figure.png", png(), content_type="image/png"))
    seen = _requests(page)
    page.goto(f"{live.url}/entries/{entry_id}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.images.length") == 0
    assert not [url for url in seen if "/media/" in url] and server.requests == []
    link = page.locator("a.image-off")
    assert link.count() == 1 and link.inner_text() == "image: the loss curve"
    assert page.locator("a[href='https://blog.example/full'] span.image-off").inner_text() == "image: load"
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state("load")
    assert urlsplit(tab.url).path.startswith("/media/")
    assert tab.evaluate("() => document.images.length && document.images[0].naturalWidth") == 3
    assert len(server.hits("/figure.png")) == 1
