"""IP addresses spelled in other Unicode characters, and connections checked before a request is written
(spec section 7: hosts are checked as the HTTP client connects to them, after IDNA/NFKC normalization,
and the connected peer before the request is written).

`http://１２７.０.０.１/` is a name to urlsplit, but yarl (aiohttp's URL type) maps it through IDNA/UTS-46
to the literal 127.0.0.1, and aiohttp connects to a literal without asking any resolver. So the guard
read a name, the resolver never ran, and a small answer from the loopback service was stored.

The stage here has two servers on loopback, and the guard ON (private networks not allowed):
- the "site", the suite's FixtureServer on 127.0.0.1, stands for a public blog: `public_site` makes the
  guard treat exactly 127.0.0.1 as public;
- the "internal service", a raw recorder on 127.0.0.2, which the guard must keep every fetch away from.
  It records every connection and every byte; "nothing reached it" is read from those records.
Every spelling below is one the client reads as 127.0.0.2 (checked by the first test).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import select
import socket
import threading
import time
from urllib.parse import urlencode

import pytest
from yarl import URL

from blogreader.config import FetchSettings
from blogreader.errors import BlockedAddressError, FetchError, UsageError
from blogreader.fetch import client as client_module
from blogreader.fetch import guard
from blogreader.fetch.client import Fetcher, _redirect_target
from blogreader.fetch.connector import GuardedConnector
from blogreader.fetch.guard import GuardedResolver, check_url
from tests.conftest import FIXTURES
from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import (
    GOOD_FEED, assert_clean_failure, entries, item, library_bytes, respond, rss, sources, subscribe,
)

INTERNAL = "127.0.0.2"
SECRET = "INTERNAL-SECRET-93b1"

SPELLINGS = {  # each the client reads as 127.0.0.2
    "fullwidth digits": "１２７.０.０.２",
    "ideographic full stop U+3002": "127。0。0。2",
    "fullwidth full stop U+FF0E": "127．0．0．2",
    "halfwidth ideographic full stop U+FF61": "127｡0｡0｡2",
    "circled digits": "①②⑦.⓪.⓪.②",
    "mathematical bold digits": "𝟏𝟐𝟕.𝟎.𝟎.𝟐",
    "mathematical double-struck digits": "𝟙𝟚𝟟.𝟘.𝟘.𝟚",
    "mathematical monospace digits": "𝟷𝟸𝟽.𝟶.𝟶.𝟸",
    "mixed forms": "1２⑦．0｡𝟎。2",
    "fullwidth, trailing ideographic full stop": "１２７.０.０.２。",
    "fullwidth legacy short form": "１２７.２",
    "fullwidth single number": "２１３０７０６４３４",
    "IPv4-mapped IPv6 in brackets, fullwidth": "[::ｆｆｆｆ:１２７.０.０.２]",
    "IPv4-mapped IPv6 in brackets, fullwidth digits only": "[::ffff:１２７.0.0.2]",
}
IDS = list(SPELLINGS)
HOSTS = list(SPELLINGS.values())


class Recorder:
    """A TCP server that records each connection and every byte it gets, and answers a request with a small
    feed holding SECRET. Bounded: each connection is read for at most 2 s; it stops when closed."""

    def __init__(self, host: str) -> None:
        self.host, self.sock = host, socket.create_server((host, 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections, self.received = 0, b""
        self._closed, self._marker, self._marked, self._workers = False, None, threading.Event(), []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._closed:
            try:
                conn, peer = self.sock.accept()
            except OSError:  # timeout, or closed
                continue
            if peer == self._marker:
                conn.close()
                self._marked.set()
                continue
            self.connections += 1
            self._workers.append(threading.Thread(target=self._serve, args=(conn,), daemon=True))
            self._workers[-1].start()

    def _serve(self, conn: socket.socket) -> None:
        deadline, request = time.monotonic() + 2, b""
        with conn:
            while time.monotonic() < deadline and b"\r\n\r\n" not in request:
                if not select.select([conn], [], [], 0.05)[0]:
                    continue
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                request += data
                self.received += data
            body = rss(item(f"{SECRET} post", "secret-1", f"<p>{SECRET}</p>"), title=SECRET).encode()
            with contextlib.suppress(OSError):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def settle(self) -> None:
        """Wait until every connection made so far is accepted and read to its end: a marker connection
        queues behind them in the listen backlog, and each connection's reader is joined."""
        with socket.socket() as marker:
            marker.bind((self.host, 0))
            self._marked.clear()
            self._marker = marker.getsockname()
            marker.connect((self.host, self.port))
            assert self._marked.wait(5), "the recorder did not accept its marker"
        for worker in list(self._workers):
            worker.join(5)

    def close(self) -> None:
        self._closed = True
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def internal():
    recorder = Recorder(INTERNAL)
    yield recorder
    recorder.close()


@pytest.fixture
def public_site(monkeypatch):
    """The guard treats 127.0.0.1 (the site) as public, and every other address as it really is."""
    real = guard.is_public_address
    monkeypatch.setattr(guard, "is_public_address", lambda address: address == "127.0.0.1" or real(address))


def internal_url(internal: Recorder, host: str, path: str = "/feed.xml") -> str:
    return f"http://{host}:{internal.port}{path}"


def utf8_redirect(location: str, status: int = 301):
    """A redirect whose Location is sent as UTF-8 bytes (http.server would encode it as Latin-1, or fail to)."""

    def handler(request) -> None:
        request.wfile.write(b"HTTP/1.1 %d Moved\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n"
                            % (status, location.encode("utf-8")))

    return handler


def assert_untouched(internal: Recorder) -> None:
    internal.settle()
    assert internal.connections == 0 and internal.received == b"", (internal.connections, internal.received)


# --- the spellings, and check_url -------------------------------------------------------------------


@pytest.mark.parametrize("host", HOSTS, ids=IDS)
def test_each_spelling_is_read_by_the_client_as_the_internal_address(host):
    """The test set is the attack: yarl, as aiohttp uses it, turns each spelling into an IP literal for 127.0.0.2."""
    connects_to = URL(f"http://{host}:81/x").raw_host
    assert connects_to.rstrip(".") in (INTERNAL, "127.2", "2130706434", "::ffff:127.0.0.2"), connects_to
    assert guard._literal_address(connects_to.rstrip(".")) in (INTERNAL, "::ffff:7f00:2")


@pytest.mark.parametrize("host", HOSTS + ["[::１]", "１０.０.０.１", "１６９。２５４。１６９。２５４", "８.８.８.８"],
                         ids=IDS + ["IPv6 loopback, fullwidth", "RFC 1918, fullwidth", "metadata, ideographic stops",
                                    "a public address, fullwidth"])
def test_check_url_refuses_a_unicode_spelling_of_any_address_allowed_or_not(host):
    """Refused whatever the address and the setting: nobody means an address spelled that way."""
    url = f"http://{host}:8000/feed.xml"
    for allow in (False, True):
        with pytest.raises(UsageError) as caught:
            check_url(url, allow)
        message = str(caught.value)
        assert url in message and "not a name but the IP address" in message and "ASCII" in message, message


@pytest.mark.parametrize("url", ["http://ｅｘａｍｐｌｅ.com/feed", "https://bücher.example/feed", "http://例え.テスト/"])
def test_check_url_still_passes_unicode_names(url):
    """Internationalized names stay names: the resolver checks them after DNS."""
    assert check_url(url, False) == url


# --- every way in, with the guard on ----------------------------------------------------------------


@pytest.mark.parametrize("host", HOSTS, ids=IDS)
def test_add_and_save_refuse_the_spelling_and_nothing_reaches_the_address(cli, library, internal, host):
    url = internal_url(internal, host)
    for command in ("add", "save"):
        result = cli(command, url, allow_private=False)
        assert_clean_failure(result, url, "not a name but the IP address", code=2)
    assert_untouched(internal)
    assert sources(cli) == [] and entries(cli) == []


def test_the_internal_service_is_reachable_when_it_is_not_disguised_and_allowed(cli, library, internal):
    """Control: the recorder does see a fetch that the guard lets through (ASCII address, private networks on);
    with the guard on, the ASCII address is refused as private."""
    refused = cli("add", internal_url(internal, INTERNAL), allow_private=False)
    assert_clean_failure(refused, "BLOGREADER_ALLOW_PRIVATE_NETWORKS", code=1)
    assert_untouched(internal)
    assert cli("add", internal_url(internal, INTERNAL)).code == 0
    assert internal.connections >= 1 and b"GET /feed.xml" in internal.received


@pytest.mark.parametrize("host", HOSTS, ids=IDS)
def test_a_redirect_to_the_spelling_is_refused_and_recorded(cli, server, library, internal, public_site, host, home):
    """Subscribed to the site's feed, which now moves (301) to the internal service under a Unicode spelling."""
    subscribe(cli, server, GOOD_FEED)
    assert cli("fetch", "--no-enrich", allow_private=False).code == 0
    kept, url = entries(cli), sources(cli)[0]["url"]
    server.serve_handler("/feed.xml", utf8_redirect(internal_url(internal, host)))
    run = cli("fetch", "--no-enrich", allow_private=False)
    # urljoin itself refuses a bracketed host that is no IPv6 address; every other spelling is a URL to check.
    reason = "redirects to an invalid URL" if host.startswith("[") else "not a name but the IP address"
    assert_clean_failure(run, reason, code=0)
    assert_untouched(internal)
    [source] = sources(cli)
    assert source["url"] == url and source["error_count"] == 1
    assert reason in source["last_error"]
    assert entries(cli) == kept and SECRET.encode() not in library_bytes(home)


@pytest.mark.parametrize("host", HOSTS[:6] + HOSTS[-2:], ids=IDS[:6] + IDS[-2:])
def test_discovery_does_not_follow_a_feed_link_to_the_spelling(cli, server, library, internal, public_site, host):
    """A page advertising its feed, with <link rel=alternate>, at the internal service."""
    page = (f'<html><head><title>Blog</title><link rel="alternate" type="application/rss+xml" '
            f'href="{internal_url(internal, host)}"></head><body><p>Hello.</p></body></html>')
    url = server.serve("/blog/", page, content_type="text/html")
    result = cli("add", url, allow_private=False)
    if host.startswith("["):  # not a URL to urljoin at all: the link is dropped, and the page has no feed
        assert_clean_failure(result, "no feed found", code=2)
    else:
        assert_clean_failure(result, "advertises 1 feed(s) but none could be read", code=1)
    assert_untouched(internal)
    assert sources(cli) == []


def test_full_text_never_fetches_a_teaser_link_to_a_spelling(cli, server, library, internal, public_site, home):
    """A feed of teasers whose post links use the spellings: their article pages are not fetched. (A JSON
    Feed: feedparser-rs already blanks such links in RSS and Atom, so only there do they reach full text.)"""
    items = [{"id": f"p{index}", "title": f"Post {index}", "url": internal_url(internal, host, f"/post/{index}"),
              "content_html": "<p>Short teaser. Read more…</p>"} for index, host in enumerate(HOSTS)]
    feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Teasers", "items": items})
    subscribe(cli, server, feed, path="/feed.json", content_type="application/feed+json")
    run = cli("fetch", "--no-enrich", allow_private=False)
    assert_clean_failure(run, code=0)
    assert_untouched(internal)
    stored = {row["url"] for row in entries(cli)}
    assert {internal_url(internal, host, f"/post/{index}") for index, host in enumerate(HOSTS[:9])} <= stored
    assert SECRET.encode() not in library_bytes(home)


def test_a_listing_page_never_leads_to_a_spelling(cli, server, library, internal, public_site, home):
    """A blog index page (no feed) with post links at the spellings, beside its own. Listings keep only links
    to their own site as written, and never fetch a post page; this holds both with the guard on."""
    html = (FIXTURES / "listing" / "jekyll-minima.html").read_text().replace("https://quietgradients.example.net", "")
    html = html.replace('<ul class="post-list">', '<ul class="post-list">' + "".join(
        f'<li><span class="post-meta">Mar 3, 2026</span><h3><a class="post-link" href="'
        f'{internal_url(internal, host, f"/2026/03/03/x{index}.html")}">Notes on post x{index}</a></h3>'
        f"<p>An excerpt of post x{index}, long enough to read as one.</p></li>" for index, host in enumerate(HOSTS)), 1)
    url = server.serve("/", html, content_type="text/html; charset=utf-8")
    added = cli("add", url, allow_private=False)
    assert_clean_failure(added, "(listing)", code=0)
    assert_clean_failure(cli("fetch", "--no-enrich", allow_private=False), code=0)
    assert_untouched(internal)
    stored = [row["url"] for row in entries(cli)]
    assert stored and all(stored_url.startswith(server.url("/")) for stored_url in stored), stored
    assert SECRET.encode() not in library_bytes(home)


def test_a_url_list_import_saves_none_of_the_spellings(cli, server, library, internal, public_site, tmp_path):
    good = server.serve("/good", "<html><head><title>Good</title></head><body><article><p>"
                        + "A real article about interpretability and sparse features. " * 40
                        + "</p></article></body></html>", content_type="text/html")
    listed = tmp_path / "urls.txt"
    listed.write_text("\n".join([good] + [internal_url(internal, host, "/post") for host in HOSTS]) + "\n",
                      encoding="utf-8")
    result = cli("import", str(listed), allow_private=False)
    assert_clean_failure(result, "1 article(s) saved", f"{len(HOSTS)} failed", "not a name but the IP address")
    assert_untouched(internal)
    assert [row["url"] for row in entries(cli)] == [good]


@pytest.mark.parametrize("host", [HOSTS[0], HOSTS[1], HOSTS[-2]], ids=[IDS[0], IDS[1], IDS[-2]])
def test_the_web_apps_add_form_refuses_the_spelling(home, monkeypatch, internal, host):
    from tests.web.conftest import Library, LiveServer

    monkeypatch.delenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", raising=False)
    library = Library(home)
    live = LiveServer(library)
    try:
        status, headers, page = live.request("GET", "/sources")  # the page with the Add form
        assert status == 200, page[:500]
        cookie = headers["Set-Cookie"].split(";")[0]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        url = internal_url(internal, host)
        status, _, page = live.request("POST", "/sources", urlencode({"url": url, "csrf_token": csrf}),
                                       {"Cookie": cookie})
        assert status == 400, page[:500]
        assert "not a name but the IP address" in page
    finally:
        live.stop()
        library.close()
    assert_untouched(internal)


# --- the connector: the address and the peer, before any request byte ---------------------------------


def guarded() -> FetchSettings:
    return FetchSettings(allow_private_networks=False, total_timeout=3.0, connect_timeout=1.0, max_retry_wait=1.0)


def run_get(url: str):
    async def go():
        async with Fetcher(guarded()) as fetcher:
            return await fetcher.get(url)

    return asyncio.run(asyncio.wait_for(go(), timeout=10))


@pytest.fixture
def loopback_recorder():
    recorder = Recorder("127.0.0.1")
    yield recorder
    recorder.close()


@pytest.fixture
def without_earlier_checks(monkeypatch):
    """Only the connector stands: the resolver returns every address unfiltered, and check_url lets a literal
    through (as it did for a Unicode spelling before it learnt to read hosts as the client does)."""

    async def resolve_unfiltered(self, host, port=0, family=socket.AF_INET):
        return await self._inner.resolve(host, port, family)

    monkeypatch.setattr(GuardedResolver, "resolve", resolve_unfiltered)
    monkeypatch.setattr(client_module, "check_url", lambda url, allow_private: url)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_the_connector_refuses_a_non_public_address_before_connecting(loopback_recorder, without_earlier_checks, host):
    with pytest.raises(BlockedAddressError) as caught:
        run_get(f"http://{host}:{loopback_recorder.port}/feed.xml")
    assert "127.0.0.1" in str(caught.value) and "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in str(caught.value)
    assert_untouched(loopback_recorder)  # not even a connection


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_the_connector_refuses_a_non_public_peer_before_writing_the_request(loopback_recorder, without_earlier_checks,
                                                                            monkeypatch, host):
    """With the address check also out of the way, the connection is made; its peer is checked and the
    connection dropped before aiohttp writes a single byte of the request."""
    monkeypatch.setattr(GuardedConnector, "check_target", lambda self, host, address: None)
    with pytest.raises(BlockedAddressError) as caught:
        run_get(f"http://{host}:{loopback_recorder.port}/feed.xml")
    assert "127.0.0.1" in str(caught.value)
    loopback_recorder.settle()
    assert loopback_recorder.connections >= 1  # the connection was made...
    assert loopback_recorder.received == b""  # ...and nothing was written on it


def test_the_recorder_does_see_a_request_that_no_check_stops(loopback_recorder, without_earlier_checks, monkeypatch):
    """Control for the two tests above: with every check out of the way, the request bytes do arrive."""
    monkeypatch.setattr(GuardedConnector, "check_target", lambda self, host, address: None)
    monkeypatch.setattr(GuardedConnector, "check_peer", lambda self, host, transport: None)
    result = run_get(f"http://localhost:{loopback_recorder.port}/feed.xml")
    assert SECRET.encode() in result.body
    assert b"GET /feed.xml HTTP/1.1" in loopback_recorder.received


# --- control characters in a redirect's Location ------------------------------------------------------

LOCATIONS = {
    "C0 control": "/moved\x01/feed.xml", "DEL": "/moved\x7f/feed.xml", "C1 NEL": "/moved\x85/feed.xml",
    "C1 CSI": "/moved\x9b/feed.xml", "tab inside": "/mo\tved/feed.xml", "right-to-left override": "/moved\u202e/lmx.def",
    "left-to-right isolate": "/moved\u2066/feed.xml", "right-to-left mark": "\u200fhttp://127.0.0.1/feed.xml",
    "arabic letter mark": "/moved\u061c/feed.xml",
}


@pytest.mark.parametrize("location", list(LOCATIONS.values()), ids=list(LOCATIONS))
def test_a_redirect_to_a_location_with_control_characters_is_refused_and_recorded(cli, server, library, location):
    subscribe(cli, server, GOOD_FEED)
    assert cli("fetch", "--no-enrich").code == 0
    kept, url = entries(cli), sources(cli)[0]["url"]
    server.serve("/moved/feed.xml", GOOD_FEED)
    server.serve_handler("/feed.xml", utf8_redirect(location))
    run = cli("fetch", "--no-enrich")
    assert_clean_failure(run, "redirects to an invalid URL", code=0)
    [source] = sources(cli)
    assert source["url"] == url and "redirects to an invalid URL" in source["last_error"]
    assert entries(cli) == kept


def test_a_redirect_to_undecodable_bytes_is_refused(cli, server, library):
    subscribe(cli, server, GOOD_FEED)
    url = sources(cli)[0]["url"]
    server.serve_handler("/feed.xml", respond(301, headers={"Location": "/moved\x85/feed.xml"}))  # Latin-1: one byte
    run = cli("fetch", "--no-enrich")
    assert_clean_failure(run, "redirects to an invalid URL", code=0)
    assert sources(cli)[0]["url"] == url


@pytest.mark.parametrize("location", ["/a\r\nSet-Cookie: x=1", "/a\nb", "/a\rb", "/a\x00b", "", "  "])
def test_redirect_target_refuses_line_breaks_nul_and_nothing(location):
    """Units for what aiohttp's parser already stops on the wire (CR, LF, NUL) or an empty Location."""
    with pytest.raises(FetchError, match="redirects to an invalid URL"):
        _redirect_target("https://blog.example/feed", location)


def test_redirect_target_keeps_ordinary_and_international_locations():
    assert _redirect_target("https://blog.example/feed", " /new feed.xml ") == "https://blog.example/new feed.xml"
    assert _redirect_target("https://blog.example/feed", "https://bücher.example/ü") == "https://bücher.example/ü"
