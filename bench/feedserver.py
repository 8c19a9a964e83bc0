"""The feeds bench/fetch.py (and bench/workers.py) fetch: generated RSS 2.0 posts of ML-blog vocabulary, served
with ETag and Last-Modified by aiohttp.web in a process of its own, on several ports of 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import random
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

HOST = "127.0.0.1"
SEED = 20240601
SERVER_START_TIMEOUT = 120.0  # seconds to generate the feeds and bind the ports
MAX_PARAGRAPHS = 12
MIN_WORDS = 180  # full posts, not teasers (BlogReader fetches the page of a short item)

WORDS = (
    "model training data transformer attention layer gradient loss benchmark evaluation token "
    "embedding inference latency throughput dataset fine-tuning prompt agent retrieval context "
    "window scaling law parameter optimizer learning rate batch GPU cluster kernel quantization "
    "distillation alignment reward policy sampling decoding beam search temperature checkpoint "
    "pipeline experiment ablation baseline result paper release open weights reasoning chain "
    "memory cache vector index search ranking recall precision metric error analysis we our the "
    "a an of to in for with on by from that this it is are was were be can will shows improves"
).split()
# Real posts carry typography; without it every body is ASCII and text repair is never exercised.
TYPOGRAPHY = ("we’re", "it’s", "—", "naïve", "“state-of-the-art”", "≈", "→", "don’t", "café", "…")


# -- the feeds ------------------------------------------------------------------------------------


def feed_path(n: int) -> str:
    return f"/feeds/{n}.xml"


def feed_urls(ports: list[int], feeds: int) -> list[str]:
    """Feed n is served on ports[n % len(ports)]; every port serves every path."""
    return [f"http://{HOST}:{ports[n % len(ports)]}{feed_path(n)}" for n in range(feeds)]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(1, len(words)), rng.choice(TYPOGRAPHY))
    return " ".join(words).capitalize() + "."


def title(rng: random.Random) -> str:
    words = sentence(rng).rstrip(".")
    return words + (" — a Q&A" if rng.random() < 0.1 else "")


def paragraph(rng: random.Random, n: int) -> str:
    """One HTML paragraph, now and then with a link, emphasis or inline code."""
    parts = [sentence(rng) for _ in range(rng.randint(2, 5))]
    flourish = rng.random()
    if flourish < 0.3:
        parts.append(f'See <a href="https://blog{n}.example.com/notes/{rng.randint(1, 999)}">our notes</a>.')
    elif flourish < 0.5:
        parts.append(f"<em>{sentence(rng)}</em>")
    elif flourish < 0.65:
        parts.append(f"Run <code>train.py --lr {rng.choice(['1e-4', '3e-4', '5e-5'])}</code> to reproduce it.")
    return "<p>" + " ".join(parts) + "</p>"


def item_html(rng: random.Random, n: int) -> str:
    """A post body of about 1-3 KB of HTML, its size varied by the seeded `rng`."""
    target = rng.randint(1000, 3000)
    paragraphs: list[str] = []
    size = words = 0
    for _ in range(MAX_PARAGRAPHS):
        if size >= target and words >= MIN_WORDS:
            break
        para = paragraph(rng, n)
        paragraphs.append(para)
        size += len(para)
        words += para.count(" ") + 1
    if rng.random() < 0.2:
        paragraphs.insert(1, f"<h2>{sentence(rng)}</h2>")
    return "\n".join(paragraphs)


def item_xml(rng: random.Random, n: int, i: int, published: datetime, description_only: bool = False) -> str:
    link = f"https://blog{n}.example.com/posts/{i}"
    body = item_html(rng, n)
    head = (
        f"<title>{escape(title(rng))}</title>"
        f"<link>{link}</link>"
        f'<guid isPermaLink="false">tag:blog{n}.example.com,2024:post-{i}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<dc:creator>Author {rng.randint(1, 5)} of blog {n}</dc:creator>"
    )
    if description_only:  # the whole post as the description, as many feeds carry it: no content:encoded
        return f"<item>{head}<description>{escape(body)}</description></item>"
    return (f"<item>{head}<description>{escape(sentence(rng))}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")


def make_feed(n: int, items: int, seed: int = SEED, description_only: bool = False) -> tuple[bytes, datetime]:
    """Feed n as RSS 2.0 bytes, and the date of its newest item (its Last-Modified)."""
    rng = random.Random(seed * 1_000_003 + n)
    newest = datetime(2024, 6, 1, tzinfo=UTC) - timedelta(hours=rng.randint(0, 24 * 30))
    dates = [newest - timedelta(hours=6 * i + rng.randint(0, 5)) for i in range(items)]
    body = "".join(item_xml(rng, n, i, dates[i], description_only) for i in range(items))
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Blog {n}</title><link>https://blog{n}.example.com/</link>"
        f"<description>Notes from lab {n}</description><language>en</language>"
        f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>"
        f"{body}</channel></rss>"
    )
    return xml.encode("utf-8"), newest


# -- the server (its own process) ---------------------------------------------------------------


def build_routes(feeds: int, items: int, description_only: bool = False) -> dict[str, tuple[bytes, str, str]]:
    """path -> (body, ETag, Last-Modified) for every feed."""
    routes = {}
    for n in range(feeds):
        body, newest = make_feed(n, items, description_only=description_only)
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        routes[feed_path(n)] = (body, etag, format_datetime(newest, usegmt=True))
    return routes


def not_modified(request, etag: str, last_modified: str) -> bool:
    """Conditional GET: If-None-Match wins; If-Modified-Since only when there is no If-None-Match."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    return request.headers.get("If-Modified-Since") == last_modified


def make_app(routes: dict[str, tuple[bytes, str, str]], latency: float):
    from aiohttp import web

    async def feed(request: web.Request) -> web.Response:
        if latency:
            await asyncio.sleep(latency)  # stands in for a network round trip
        found = routes.get(request.path)
        if found is None:
            return web.Response(status=404, text="no such feed")
        body, etag, last_modified = found
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if not_modified(request, etag, last_modified):
            return web.Response(status=304, headers=validators)
        return web.Response(body=body, headers={**validators, "Content-Type": "application/rss+xml; charset=utf-8"})

    app = web.Application()
    app.router.add_get("/feeds/{name}", feed)
    return app


async def serve_until_stopped(conn, feeds: int, items: int, port_count: int, latency: float,
                              lifetime: float, description_only: bool = False) -> None:
    from aiohttp import web

    routes = build_routes(feeds, items, description_only)
    runner = web.AppRunner(make_app(routes, latency), access_log=None)
    await runner.setup()
    ports = []
    for _ in range(port_count):
        sock = socket.create_server((HOST, 0), backlog=1024)
        await web.SockSite(runner, sock).start()
        ports.append(sock.getsockname()[1])
    conn.send({"ports": ports, "bytes": sum(len(body) for body, _, _ in routes.values())})
    deadline = time.monotonic() + lifetime
    while time.monotonic() < deadline and not conn.poll():
        await asyncio.sleep(0.2)
    await runner.cleanup()


def server_main(conn, feeds: int, items: int, port_count: int, latency: float, lifetime: float,
                description_only: bool = False) -> None:
    """Entry point of the server process; stops when the parent says so or after `lifetime` s."""
    asyncio.run(serve_until_stopped(conn, feeds, items, port_count, latency, lifetime, description_only))


class FeedServer:
    """The aiohttp server process, as a context manager that yields the ports it listens on."""

    def __init__(self, feeds: int, items: int, port_count: int, latency: float, lifetime: float,
                 description_only: bool = False) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self._process = ctx.Process(
            target=server_main, args=(child_conn, feeds, items, port_count, latency, lifetime, description_only),
            daemon=True,
        )
        self.ports: list[int] = []
        self.bytes = 0

    def __enter__(self) -> FeedServer:
        self._process.start()
        if not self._conn.poll(SERVER_START_TIMEOUT):
            self._stop()
            raise RuntimeError(f"the feed server did not start within {SERVER_START_TIMEOUT:g} s")
        try:
            ready = self._conn.recv()
        except EOFError:
            self._stop()
            raise RuntimeError("the feed server process exited before it was ready; see stderr") from None
        self.ports, self.bytes = ready["ports"], ready["bytes"]
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()

    def _stop(self) -> None:
        try:
            self._conn.send("stop")
        except OSError:
            pass  # the server already exited
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
