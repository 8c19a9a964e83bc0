"""Web app fixtures: a live server (uvicorn in a thread on 127.0.0.1) over a temporary library, a headless
Chromium (Debian's, driven by Playwright; one per test module) and a way to fill the library."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')  # every page carries it, forms or not


def make_entry(title: str, *, url: str | None = None, published: datetime | None = None, html: str | None = None,
               text: str | None = None):
    """A NewEntry as the pipeline would store it (content given as already-sanitized HTML)."""
    from blogreader.models import NewEntry

    # The opening words name the post: texts that begin alike would be linked as near-duplicates.
    body = text or f"{title}, at {url}. " + "A paragraph about sparse autoencoders and reward models. " * 20
    html = html if html is not None else f"<p>{body}</p>"
    words = len(body.split())
    return NewEntry(
        title=title, url=url, canonical_url=url, guid=url or title, author="A. Writer",
        published=published or datetime(2026, 3, 1, tzinfo=UTC), content_html=html, text=body,
        word_count=words, reading_minutes=max(1, round(words / 220)), feed_summary=None,
        content_hash=hashlib.blake2b(html.encode(), digest_size=16).hexdigest(),
    )


def png(width: int = 3, height: int = 2) -> bytes:
    """A real PNG image, grey, `width` x `height` pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def off_loop(function, *args, **kwargs):
    """Call `function` in a thread of its own: Playwright's sync API keeps an event loop running in this one,
    and the pipeline (`blogreader add`, `fetch`) starts its own with asyncio.run."""
    results = []
    worker = threading.Thread(target=lambda: results.append(function(*args, **kwargs)))
    worker.start()
    worker.join(60)
    return results[0]


@dataclass
class Library:
    """A temporary library folder, its settings, and a Store the test fills it through."""

    home: Path

    def __post_init__(self) -> None:
        from blogreader.config import load_settings
        from blogreader.store import Store

        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "config.toml").write_text("starter_subscriptions = false\n", encoding="utf-8")
        self.settings = load_settings(self.home)
        self.store = Store.open(self.settings.database_path)

    def source(self, title: str = "Interconnects", url: str = "https://www.interconnects.ai/feed") -> int:
        source, _ = self.store.add_source(url, "feed", title=title)
        return source.id

    def add(self, count: int, *, source_id: int | None = None, start: datetime | None = None,
            url_base: str = "https://example.org/posts/", summary: str = "What the post finds, in a sentence.",
            category: str = "Interpretability") -> list[int]:
        """`count` entries, one a day going back from `start` (so the first is the newest); returns ids."""
        from blogreader.store import EnrichmentUpdate

        start = start or datetime(2026, 4, 1, tzinfo=UTC)
        entries = [make_entry(f"Post number {index}", url=f"{url_base}{index}",
                              published=start - timedelta(hours=index)) for index in range(count)]
        ids = self.store.save_entries(source_id, entries).ids
        self.store.save_enrichment([EnrichmentUpdate(entry_id, summary=summary, summary_origin="extractive",
                                                     category=category, category_origin="local")
                                    for entry_id in ids])
        return ids

    def close(self) -> None:
        self.store.close()


class LiveServer:
    """The real app on a free port of 127.0.0.1, served by uvicorn in a background thread."""

    def __init__(self, library: Library, access_token: str | None = None) -> None:
        import uvicorn

        from blogreader.web.server import bind

        self.library = library
        self.bound = bind(library.settings, "127.0.0.1", 0)
        self.bound.access_token = access_token  # as when listening beyond loopback, on a port of this machine
        self.port = self.bound.port
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.bound.app(), log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.bound.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web app did not start")
            time.sleep(0.01)

    def request(self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None,
                binary: bool = False):
        """A plain HTTP request (no browser, no JavaScript; `path` sent as is); returns (status, headers, text)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            if body is not None:
                headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, response.headers, data if binary else data.decode("utf-8")
        finally:
            connection.close()

    def session(self) -> tuple[str, str]:
        """(Cookie header, CSRF token) of a fresh browser session, as a page hands them out."""
        status, headers, text = self.request("GET", "/")
        assert status == 200
        cookie = headers["Set-Cookie"].split(";")[0]
        return cookie, _CSRF.search(text).group(1)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.bound.sock.close()


@pytest.fixture
def library(home: Path, monkeypatch):
    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    lib = Library(home)
    yield lib
    lib.close()


@pytest.fixture
def live(library: Library):
    server = LiveServer(library)
    yield server
    server.stop()


def _chromium_missing() -> str | None:
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the whole module."""
    missing = _chromium_missing()
    if missing:
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                              env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")})
        yield chromium
        chromium.close()


def local_context(browser, **options):
    """A browser context whose requests never leave 127.0.0.1: anything else (an image in a post) is aborted."""
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)

    def route(route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", route)
    return context


@pytest.fixture
def page(browser):
    context = local_context(browser, viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()
