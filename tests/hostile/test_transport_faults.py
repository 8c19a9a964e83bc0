"""Network faults and hostile HTTP, through `blogreader fetch` and `add` (spec section 7).

The fetcher's own tests (tests/fetch/test_client.py) prove the limits one request at a time; here a
library of two sources meets each fault on source 1. Expected every time: `fetch` exits 0 within a
few seconds, source 1 records a clear error naming the problem (error_count 1), source 2 is still
fetched, and every entry stored before is still there. `add` of a faulty URL exits 1 with a message
and subscribes nothing.

Limits here: 1 MB bodies, a 1 s total deadline, Retry-After waited up to 2 s. Every misbehaving
handler stops by itself within a few seconds.
"""

from __future__ import annotations

import gzip
import time
import zlib

import pytest

from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import (
    GOOD_FEED, assert_clean_failure, chunked, entries, item, redirect, reset_after, respond, rss, send_raw,
    sources, subscribe, timed, trickle, write_config,
)

OTHER_FEED = rss(item("Other post", "other-1"), title="Other Feed")
OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"


@pytest.fixture
def two_sources(cli, server, library):
    """Source 1 (/feed.xml) and source 2 (/other.xml), both fetched once; returns the entry ids stored."""
    subscribe(cli, server, GOOD_FEED, "/feed.xml")
    subscribe(cli, server, OTHER_FEED, "/other.xml")
    assert cli("fetch", "--no-enrich").code == 0
    stored = sorted(row["id"] for row in entries(cli))
    assert len(stored) == 2
    return stored


def _fails_cleanly(cli, server, stored, *fragments: str) -> dict:
    other_hits = len(server.hits("/other.xml"))
    run = timed(cli, "fetch", "--no-enrich", within=8)
    assert_clean_failure(run, code=0)
    failed = [line for line in run.err.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "(source 1)" in failed[0], run.err
    assert len(server.hits("/other.xml")) == other_hits + 1  # the run went on
    source = next(row for row in sources(cli) if row["id"] == 1)
    assert source["error_count"] == 1, source
    for fragment in fragments:
        assert fragment in source["last_error"], source["last_error"]
    assert sorted(row["id"] for row in entries(cli)) == stored  # nothing lost
    return source


GZIP_BOMB = gzip.compress(b"\0" * 60_000_000, compresslevel=9)  # ~60 KB on the wire, 60 MB decoded
DEFLATE_BOMB = zlib.compress(b"\0" * 60_000_000, 9)


@pytest.mark.parametrize(("encoding", "packed", "length"), [
    ("gzip", GZIP_BOMB, True), ("gzip", GZIP_BOMB, False), ("deflate", DEFLATE_BOMB, True),
])
def test_a_compression_bomb_stops_at_the_cap(cli, server, two_sources, encoding, packed, length):
    """Small on the wire, 60 MB decoded: refused at the 1 MB cap on decoded bytes, without decoding it all."""
    assert len(packed) < 100_000
    headers = {"Content-Type": "application/xml", "Content-Encoding": encoding}
    server.serve_handler("/feed.xml", respond(200, packed, headers, length=length))
    started = time.monotonic()
    _fails_cleanly(cli, server, two_sources, "1,000,000-byte cap", "after decompression", "max_bytes")
    assert time.monotonic() - started < 5


def test_a_corrupt_gzip_body_is_a_clear_error(cli, server, two_sources):
    broken = GZIP_BOMB[:200] + b"\xff" * 200
    server.serve_handler("/feed.xml", respond(200, broken, {"Content-Encoding": "gzip"}))
    _fails_cleanly(cli, server, two_sources, "/feed.xml")


@pytest.mark.parametrize("framing", ["chunked", "until-close"])
def test_a_body_over_the_cap_without_content_length(cli, server, two_sources, framing):
    """No Content-Length to refuse up front: counted while reading, stopped at the cap (2.5 MB sent)."""
    piece = b"<!-- " + b"x" * 65_000 + b" -->"
    if framing == "chunked":
        handler = chunked(lambda: (piece for _ in range(40)))
    else:
        handler = respond(200, piece * 40, {"Content-Type": "application/xml"}, length=False)
    server.serve_handler("/feed.xml", handler)
    _fails_cleanly(cli, server, two_sources, "over the 1,000,000-byte cap", "max_bytes")


def test_a_content_length_far_over_the_cap_is_refused_before_reading(cli, server, two_sources):
    server.serve_handler("/feed.xml", send_raw(OK_HEAD + b"Content-Length: 99999999999999\r\n\r\n<rss>"))
    _fails_cleanly(cli, server, two_sources, "over the 1,000,000-byte cap")


@pytest.mark.parametrize("where", ["status-line", "headers", "body"])
def test_a_server_that_trickles_forever_hits_the_total_deadline(cli, server, two_sources, home, where):
    """One byte every 0.2 s never trips a per-read time-out; the total deadline (here 0.5 s) stops it."""
    write_config(home, total_timeout=0.5)
    prefix = {"status-line": b"HTTP/1.1 2",
              "headers": OK_HEAD + b"X-Slow: ",
              "body": OK_HEAD + b"Content-Length: 100000\r\n\r\n<rss>"}[where]
    # The status line trickles from its first byte; headers and body after the part before them arrived at once.
    start = {"status-line": b"", "headers": OK_HEAD, "body": prefix}[where]
    server.serve_handler("/feed.xml", _burst_then_trickle(start, prefix[len(start):]))
    _fails_cleanly(cli, server, two_sources, "timed out after 0.5 s")


@pytest.mark.parametrize(("where", "sent"), [
    ("before-anything", b""),
    ("mid-status-line", b"HTTP/1.1 20"),
    ("mid-headers", OK_HEAD + b"Content-Len"),
    ("mid-body", OK_HEAD + b"Content-Length: 5000\r\n\r\n<rss version='2.0'><channel>"),
    ("mid-chunk", OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n400\r\n<rss>"),
])
def test_a_connection_reset_is_a_recorded_failure(cli, server, two_sources, where, sent):
    server.serve_handler("/feed.xml", reset_after(sent))
    _fails_cleanly(cli, server, two_sources, "/feed.xml", "try again later")


NOT_HTTP = "is not valid HTTP"


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(b"SSH-2.0-OpenSSH_9.6\r\n", NOT_HTTP, id="not-http"),
    pytest.param(b"<rss version='2.0'><channel><title>HTTP/0.9</title></channel></rss>", NOT_HTTP, id="no-status-line"),
    pytest.param(b"HTTP/1.1 999999 Whatever\r\nContent-Length: 0\r\n\r\n", NOT_HTTP, id="bad-status-code"),
    pytest.param(OK_HEAD + b"Content-Length: -5\r\n\r\n<rss>", NOT_HTTP, id="negative-length"),
    pytest.param(OK_HEAD + b"Content-Length: 5\r\nContent-Length: 50\r\n\r\n<rss>", NOT_HTTP, id="two-lengths"),
    pytest.param(OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n<rss>\r\n0\r\n\r\n", NOT_HTTP, id="bad-chunk"),
    pytest.param(OK_HEAD + b"X-Big: " + b"a" * 200_000 + b"\r\nContent-Length: 0\r\n\r\n", NOT_HTTP, id="huge-header"),
    pytest.param(OK_HEAD + b"Content-Length: 0\r\nX-Evil: a\rSet-Cookie: b\r\n\r\n", NOT_HTTP, id="bare-cr-header"),
    pytest.param(b"HTTP/1.1 500 \x1b[2J\x1b]0;PWNED\x07\r\nContent-Length: 0\r\n\r\n", "HTTP 500",
                 id="escapes-in-reason"),
])
def test_garbage_instead_of_http_is_a_recorded_failure(cli, server, two_sources, raw, expected):
    """The message says what is wrong without quoting the server's bytes, and no control byte reaches a terminal."""
    server.serve_handler("/feed.xml", send_raw(raw))
    source = _fails_cleanly(cli, server, two_sources, "/feed.xml", expected)
    assert "aaaaaaaa" not in source["last_error"] and "SSH-2.0" not in source["last_error"]
    shown = cli("sources").out + cli("fetch", "1").err  # what a person reads on a terminal
    assert "\x1b" not in shown and "\x07" not in shown, shown


def _burst_then_trickle(burst: bytes, rest: bytes):
    """`burst` at once, then `rest` a byte every 0.2 s, then spaces; it stops by itself after 4 s."""
    slow = trickle(rest, every=0.2, for_at_most=4)

    def handler(request) -> None:
        try:
            request.wfile.write(burst)
            request.wfile.flush()
        except OSError:
            return
        slow(request)

    return handler


def test_endless_headers_hit_the_deadline(cli, server, two_sources, home):
    write_config(home, total_timeout=0.5)
    server.serve_handler("/feed.xml", trickle(OK_HEAD, byte=b"X-More: yes\r\n", every=0.05, for_at_most=4))
    _fails_cleanly(cli, server, two_sources, "/feed.xml")


def test_a_redirect_loop_between_two_urls_stops_after_five_hops(cli, server, two_sources):
    server.serve_handler("/feed.xml", redirect("/loop-b"))
    server.serve_handler("/loop-b", redirect("/feed.xml"))
    _fails_cleanly(cli, server, two_sources, "more than 5 redirects")
    assert len(server.hits("/feed.xml")) + len(server.hits("/loop-b")) == 2 + 6  # the fixture's fetch, then 6


def test_a_redirect_chain_to_ever_new_urls_is_bounded(cli, server, two_sources):
    def onwards(request):
        hop = int(request.path.rsplit("=", 1)[-1]) if "=" in request.path else 0
        redirect(f"/feed.xml?hop={hop + 1}")(request)

    server.serve_handler("/feed.xml", onwards)
    for hop in range(1, 20):
        server.serve_handler(f"/feed.xml?hop={hop}", onwards)
    _fails_cleanly(cli, server, two_sources, "more than 5 redirects")
    assert len([r for r in server.requests if r.path.startswith("/feed.xml?hop=")]) == 5


def test_a_304_without_validators_is_an_error_not_unchanged(cli, server, library):
    """A 304 to a request that sent no ETag or Last-Modified (a first fetch) means nothing; it used to make
    the source count as unchanged forever, with no entries and no error."""
    url = server.serve("/feed.xml", GOOD_FEED)
    assert cli("add", url).code == 0
    server.serve_handler("/feed.xml", respond(304, headers={"ETag": '"x"'}, length=False))
    run = cli("fetch", "--no-enrich")
    assert_clean_failure(run, "304 Not Modified", "without ETag or Last-Modified", code=0)
    source = sources(cli)[0]
    assert source["error_count"] == 1 and "304" in source["last_error"]
    assert "1 failed" in run.out


def test_add_of_a_url_answering_304_says_so(cli, server, library):
    url = server.serve_handler("/feed.xml", respond(304, length=False))
    result = cli("add", url)
    assert_clean_failure(result, "304 Not Modified", code=1)
    assert sources(cli) == []


def test_a_304_to_a_conditional_request_keeps_everything(cli, server, two_sources):
    server.serve("/feed.xml", GOOD_FEED, etag='"v1"')
    assert cli("fetch", "--no-enrich").code == 0  # stores the ETag
    server.serve_handler("/feed.xml", respond(304, length=False))  # and now the server only says 304
    run = cli("fetch", "--no-enrich")
    assert run.code == 0 and "failed" not in run.err
    assert sorted(row["id"] for row in entries(cli)) == two_sources


def test_a_permanent_redirect_to_a_gone_feed_disables_the_source(cli, server, two_sources):
    server.serve_handler("/feed.xml", redirect("/gone.xml", 301))
    server.serve("/gone.xml", b"gone", status=410, content_type="text/plain")
    source = _fails_cleanly(cli, server, two_sources, "410", "gone for good")
    assert source["disabled"] is True


def test_add_of_a_gone_url_subscribes_nothing(cli, server, library):
    url = server.serve("/feed.xml", b"gone", status=410, content_type="text/plain")
    result = cli("add", url)
    assert_clean_failure(result, "410", code=1)
    assert sources(cli) == []


@pytest.mark.parametrize("retry_after", ["soon", "-5", "1e9", "Thu, 01 Jan 1970 00:00:00 GMT", None])
def test_503_with_a_malformed_or_past_retry_after_is_bounded(cli, server, two_sources, home, retry_after):
    """An unreadable, past or missing Retry-After is not obeyed blindly: a backoff within max_retry_wait
    (here 1 s, so the 2 s first backoff is not waited) and at most two retries, then an error."""
    write_config(home, max_retry_wait=1)
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    server.serve("/feed.xml", b"busy", status=503, content_type="text/plain", headers=headers)
    before = len(server.hits("/feed.xml"))
    source = _fails_cleanly(cli, server, two_sources, "HTTP 503")
    assert 1 <= len(server.hits("/feed.xml")) - before <= 3
    assert source["disabled"] is False


def test_503_with_a_short_retry_after_is_waited_out_and_then_read(cli, server, two_sources):
    calls = []

    def unavailable_once(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            respond(503, b"", {"Retry-After": "1"})(request)
        else:
            respond(200, rss(item("Fresh post", "fresh-1")).encode(), {"Content-Type": "application/xml"})(request)

    server.serve_handler("/feed.xml", unavailable_once)
    run = timed(cli, "fetch", "--no-enrich", within=8)
    assert run.code == 0 and "failed" not in run.err, run.err
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.9
    assert "Fresh post" in {row["title"] for row in entries(cli)}
    assert set(two_sources) <= {row["id"] for row in entries(cli)}


def test_add_of_a_trickling_server_gives_up_with_a_message(cli, server, library):
    url = server.serve_handler("/slow.xml", trickle(OK_HEAD + b"Content-Length: 9999\r\n\r\n", for_at_most=4))
    result = timed(cli, "add", url, within=6)
    assert_clean_failure(result, "timed out", code=1)
    assert sources(cli) == []


def test_a_page_advertising_hundreds_of_feeds_costs_a_few_requests(cli, server, library):
    """Each advertised feed is a request (and, when it trickles, a whole deadline): only the first few
    are tried, so a hostile page cannot make `add` send hundreds of requests or wait for hours."""
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="/feeds/{n}.xml">' for n in range(200))
    url = server.serve("/page.html", f"<html><head>{links}</head><body>hi</body></html>", content_type="text/html")
    result = timed(cli, "add", url, within=8)
    assert_clean_failure(result, "none could be read", code=1)
    assert len([r for r in server.requests if r.path.startswith("/feeds/")]) <= 5
    assert sources(cli) == []


def test_an_advertised_feed_that_redirects_off_http_does_not_stop_discovery(cli, server, library):
    links = ('<link rel="alternate" type="application/rss+xml" href="/bad.xml">'
             '<link rel="alternate" type="application/atom+xml" href="/good.xml">')
    url = server.serve("/page.html", f"<html><head>{links}</head><body>hi</body></html>", content_type="text/html")
    server.serve_handler("/bad.xml", redirect("file:///etc/passwd"))
    good = server.serve("/good.xml", GOOD_FEED)
    result = cli("add", url)
    assert result.code == 0, result.err
    assert [row["url"] for row in sources(cli)] == [good]


@pytest.fixture
def self_signed_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a certificate nobody trusts; counts the connections it gets."""
    import shutil
    import ssl
    import subprocess

    from tests.conftest import FixtureServer

    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=30)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = FixtureServer()
    server.httpd.handle_error = lambda request, client_address: None
    connections = []
    plain_get_request = server.httpd.get_request

    def get_request():
        sock, address = plain_get_request()
        connections.append(address)
        return context.wrap_socket(sock, server_side=True), address

    server.httpd.get_request = get_request
    server.serve("/feed.xml", GOOD_FEED)
    yield server, connections
    server.close()


def test_tls_is_verified_and_never_retried_without_it(cli, library, self_signed_server):
    server, connections = self_signed_server
    url = f"https://127.0.0.1:{server.port}/feed.xml"
    result = cli("add", url)
    assert_clean_failure(result, url, "TLS certificate cannot be verified", "self-signed", code=1)
    assert server.requests == []  # no request was sent over the unverified connection
    assert len(connections) == 1  # and none was tried again, with or without TLS
    assert sources(cli) == []
