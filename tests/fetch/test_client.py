"""The Fetcher against a real HTTP server on 127.0.0.1 (spec section 7): User-Agent, conditional GET,
redirects, the size cap (also after decompression), the total deadline, error statuses, Retry-After,
and connection failures. Private networks are allowed here; the guard has its own tests."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time

import pytest

import blogreader
from blogreader.config import FetchSettings
from blogreader.errors import BlockedAddressError, BlogReaderError, FetchError
from blogreader.fetch.client import USER_AGENT, Fetcher, HTTPStatusError, retry_after_seconds

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"


def settings(**overrides) -> FetchSettings:
    values = dict(allow_private_networks=True, total_timeout=5.0, connect_timeout=2.0, max_retry_wait=3.0)
    values.update(overrides)
    return FetchSettings(**values)


def run_get(url: str, fetch_settings: FetchSettings | None = None, **kwargs):
    async def go():
        async with Fetcher(fetch_settings or settings()) as fetcher:
            return await fetcher.get(url, **kwargs)

    return asyncio.run(asyncio.wait_for(go(), timeout=15))  # a hang fails the test instead of the run


def redirect(status: int, location: str):
    def handler(request):
        request.send_response(status)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


# --- identity and conditional GET --------------------------------------------------------------


def test_user_agent_names_blogreader_and_its_version(server):
    url = server.serve("/feed.xml", FEED)
    result = run_get(url)
    assert result.status == 200 and result.body == FEED
    agent = server.hits("/feed.xml")[0].headers["user-agent"]
    assert agent == USER_AGENT
    assert agent.startswith(f"BlogReader/{blogreader.__version__}")
    assert "accept" in server.hits("/feed.xml")[0].headers


def test_no_conditional_headers_without_validators(server):
    url = server.serve("/feed.xml", FEED, etag='"v1"')
    result = run_get(url)
    assert result.status == 200 and result.etag == '"v1"' and not result.not_modified
    seen = server.hits("/feed.xml")[0].headers
    assert "if-none-match" not in seen and "if-modified-since" not in seen


def test_conditional_get_with_etag_gives_304(server):
    url = server.serve("/feed.xml", FEED, etag='"v1"')
    result = run_get(url, etag='"v1"')
    assert result.status == 304 and result.not_modified
    assert result.body == b""
    assert result.etag == '"v1"'
    assert server.hits("/feed.xml")[0].headers["if-none-match"] == '"v1"'


def test_conditional_get_with_last_modified_gives_304(server):
    stamp = "Wed, 01 Jan 2025 00:00:00 GMT"
    url = server.serve("/feed.xml", FEED, last_modified=stamp)
    result = run_get(url, last_modified=stamp)
    assert result.status == 304 and result.not_modified
    assert result.last_modified == stamp
    assert server.hits("/feed.xml")[0].headers["if-modified-since"] == stamp


def test_a_stale_validator_gets_the_new_body(server):
    url = server.serve("/feed.xml", FEED, etag='"v2"')
    result = run_get(url, etag='"v1"')
    assert result.status == 200 and result.body == FEED and result.etag == '"v2"'


# --- redirects ---------------------------------------------------------------------------------


def test_follows_a_302_and_it_is_not_permanent(server):
    target = server.serve("/new.xml", FEED)
    start = server.serve_handler("/old.xml", redirect(302, "/new.xml"))
    result = run_get(start)
    assert result.url == start
    assert result.final_url == target
    assert result.body == FEED
    assert result.permanent_redirect is False


def test_follows_301s_and_they_are_permanent(server):
    target = server.serve("/c.xml", FEED)
    server.serve_handler("/b.xml", redirect(308, "/c.xml"))
    start = server.serve_handler("/a.xml", redirect(301, server.url("/b.xml")))
    result = run_get(start)
    assert result.final_url == target and result.body == FEED
    assert result.permanent_redirect is True


@pytest.mark.parametrize("mixed", [(301, 302), (302, 301), (301, 307), (303, 308)])
def test_one_temporary_hop_makes_the_whole_chain_temporary(server, mixed):
    first, second = mixed
    target = server.serve("/c.xml", FEED)
    server.serve_handler("/b.xml", redirect(second, "/c.xml"))
    start = server.serve_handler("/a.xml", redirect(first, "/b.xml"))
    result = run_get(start)
    assert result.final_url == target
    assert result.permanent_redirect is False


def test_exactly_five_redirects_are_followed(server):
    for hop in range(5):
        server.serve_handler(f"/r{hop}", redirect(302, f"/r{hop + 1}"))
    target = server.serve("/r5", FEED)
    result = run_get(server.url("/r0"))
    assert result.final_url == target and result.body == FEED
    assert len(server.requests) == 6


def test_a_redirect_loop_stops_after_five_redirects(server):
    start = server.serve_handler("/loop", redirect(302, "/loop"))
    with pytest.raises(FetchError) as caught:
        run_get(start)
    message = str(caught.value)
    assert "more than 5 redirects" in message
    assert start in message
    assert len(server.hits("/loop")) == 6  # the first request and five redirects, no more


def test_max_redirects_setting_is_honoured(server):
    server.serve_handler("/r0", redirect(302, "/r1"))
    server.serve_handler("/r1", redirect(302, "/r2"))
    server.serve("/r2", FEED)
    with pytest.raises(FetchError, match="more than 1 redirects"):
        run_get(server.url("/r0"), settings(max_redirects=1))
    assert server.hits("/r2") == []


def test_a_redirect_to_a_file_url_is_refused_naming_the_scheme(server):
    start = server.serve_handler("/evil", redirect(302, "file:///etc/passwd"))
    with pytest.raises(BlogReaderError) as caught:
        run_get(start)
    message = str(caught.value)
    assert "file" in message and "only http and https" in message
    assert "root:" not in message
    assert len(server.requests) == 1


def test_a_redirect_without_location_is_returned_as_is(server):
    url = server.serve("/odd", b"moved somewhere", status=302)
    result = run_get(url)
    assert result.status == 302 and result.final_url == url


# --- the size cap ------------------------------------------------------------------------------


def test_a_body_over_the_cap_with_content_length_is_refused(server):
    url = server.serve("/big", b"x" * 5000)
    with pytest.raises(FetchError) as caught:
        run_get(url, settings(max_bytes=1000))
    message = str(caught.value)
    assert "5,000 bytes" in message and "1,000-byte cap" in message and "max_bytes" in message


def test_a_body_at_the_cap_is_accepted(server):
    url = server.serve("/exact", b"x" * 1000)
    assert run_get(url, settings(max_bytes=1000)).body == b"x" * 1000


def test_a_chunked_body_over_the_cap_is_refused(server):
    def chunked(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        try:
            for _ in range(10):
                piece = b"y" * 1000
                request.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            request.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    url = server.serve_handler("/chunked", chunked)
    with pytest.raises(FetchError, match="over the 3,000-byte cap"):
        run_get(url, settings(max_bytes=3000))
    # Control: the same response under a larger cap is read whole.
    assert run_get(url, settings(max_bytes=20_000)).body == b"y" * 10_000


def test_a_connection_close_body_over_the_cap_is_refused(server):
    def until_close(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Connection", "close")
        request.end_headers()
        request.close_connection = True
        try:
            request.wfile.write(b"z" * 10_000)
        except OSError:
            pass

    url = server.serve_handler("/close", until_close)
    with pytest.raises(FetchError, match="over the 3,000-byte cap"):
        run_get(url, settings(max_bytes=3000))
    assert run_get(url, settings(max_bytes=20_000)).body == b"z" * 10_000


def test_a_gzip_body_is_capped_after_decompression(server):
    plain = b"<rss>" + b"a" * 50_000 + b"</rss>"
    packed = gzip.compress(plain)
    assert len(packed) < 1000  # the wire size alone is well under the cap
    url = server.serve("/bomb", packed, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError) as caught:
        run_get(url, settings(max_bytes=10_000))
    assert "10,000-byte cap" in str(caught.value) and "decompression" in str(caught.value)
    # Control: under a larger cap the body is returned decoded.
    assert run_get(url, settings(max_bytes=100_000)).body == plain


# --- deadlines and failures --------------------------------------------------------------------


def test_a_trickling_server_hits_the_total_deadline(server):
    """One byte every 0.2 s: every read succeeds quickly, so only a whole-request deadline stops it."""
    stop_at = time.monotonic() + 6.0

    def trickle(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Content-Length", "100000")
        request.end_headers()
        try:
            while time.monotonic() < stop_at:  # bounded even if the client never gives up
                request.wfile.write(b"<")
                request.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass
        request.close_connection = True

    url = server.serve_handler("/slow", trickle)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        run_get(url, settings(total_timeout=1.0))
    elapsed = time.monotonic() - started
    # "timed out", not "cut off": the client gave up while the server was still trickling (for 6 s).
    assert "timed out" in str(caught.value) and "1 s" in str(caught.value)
    assert 0.9 <= elapsed < 4.0, elapsed


def test_a_server_that_never_answers_hits_the_deadline(server):
    def silent(request):
        time.sleep(3.0)  # bounded: the client gives up after 0.5 s
        request.close_connection = True

    url = server.serve_handler("/silent", silent)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        run_get(url, settings(total_timeout=0.5))
    assert time.monotonic() - started < 2.5


def test_404_raises_http_status_error(server):
    url = server.url("/missing")
    with pytest.raises(HTTPStatusError) as caught:
        run_get(url)
    assert caught.value.status == 404
    assert "404" in str(caught.value) and url in str(caught.value)
    assert caught.value.retry_after is None
    assert len(server.hits("/missing")) == 1  # a 404 is not retried


def test_410_is_reported_as_gone(server):
    url = server.serve("/gone", b"gone", status=410)
    with pytest.raises(HTTPStatusError) as caught:
        run_get(url)
    assert caught.value.status == 410 and "410" in str(caught.value)


def test_429_with_a_short_retry_after_is_retried_then_succeeds(server):
    calls = []

    def busy_once(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            request.send_response(429)
            request.send_header("Retry-After", "1")
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        body = FEED
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    url = server.serve_handler("/busy", busy_once)
    result = run_get(url)
    assert result.status == 200 and result.body == FEED
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.9  # it waited the second the server asked for


def test_503_with_a_long_retry_after_is_not_waited_out(server):
    url = server.serve("/down", b"down", status=503, headers={"Retry-After": "120"})
    started = time.monotonic()
    with pytest.raises(HTTPStatusError) as caught:
        run_get(url, settings(max_retry_wait=3.0))
    assert time.monotonic() - started < 10.0  # it did not wait the 120 s
    assert caught.value.status == 503
    assert caught.value.retry_after == 120.0
    assert "503" in str(caught.value)
    assert len(server.hits("/down")) == 1


def test_a_persistent_429_gives_up_after_bounded_retries(server):
    url = server.serve("/always-busy", b"", status=429, headers={"Retry-After": "0"})
    with pytest.raises(HTTPStatusError) as caught:
        run_get(url)
    assert caught.value.status == 429
    assert len(server.hits("/always-busy")) == 3  # the first try and two retries


def test_retry_after_parsing():
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("") is None
    assert retry_after_seconds(" 30 ") == 30.0
    assert retry_after_seconds("soon") is None
    now = 1_700_000_000.0  # 2023-11-14T22:13:20Z
    assert retry_after_seconds("Tue, 14 Nov 2023 22:14:20 GMT", now=now) == pytest.approx(60.0)
    assert retry_after_seconds("Tue, 14 Nov 2023 22:12:20 GMT", now=now) == 0.0


def test_connection_refused_gives_cannot_connect():
    with socket.socket() as probe:  # a port that was free a moment ago and that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.xml"
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        run_get(url)
    assert time.monotonic() - started < 5.0  # refused at once, not a time-out
    assert not isinstance(caught.value, (HTTPStatusError, BlockedAddressError))
    message = str(caught.value)
    assert "cannot connect" in message and url in message


def test_an_unknown_host_gives_host_not_found():
    url = "http://does-not-exist.invalid/feed.xml"  # .invalid never resolves (RFC 2606)
    with pytest.raises(FetchError) as caught:
        run_get(url)
    assert "host not found" in str(caught.value)


def test_a_body_cut_off_before_its_content_length_is_reported(server):
    def short(request):
        request.send_response(200)
        request.send_header("Content-Length", "1000")
        request.end_headers()
        request.wfile.write(b"only a little")
        request.close_connection = True

    url = server.serve_handler("/short", short)
    with pytest.raises(FetchError) as caught:
        run_get(url)
    assert "cut off" in str(caught.value)


def test_concurrent_gets_share_one_fetcher(server):
    for index in range(6):
        server.serve(f"/f{index}.xml", FEED + str(index).encode())

    async def go():
        async with Fetcher(settings()) as fetcher:
            return await asyncio.gather(*(fetcher.get(server.url(f"/f{index}.xml")) for index in range(6)))

    results = asyncio.run(asyncio.wait_for(go(), timeout=15))
    assert [result.body for result in results] == [FEED + str(index).encode() for index in range(6)]


# --- bugs found ---------------------------------------------------------------------------------


def test_a_301_followed_by_304_is_still_a_permanent_redirect(server):
    target = server.serve("/new.xml", FEED, etag='"v1"')
    start = server.serve_handler("/old.xml", redirect(301, "/new.xml"))
    result = run_get(start, etag='"v1"')
    assert result.not_modified
    assert result.final_url == target
    assert result.permanent_redirect is True


def test_a_redirect_to_an_unparseable_location_is_a_fetch_error(server):
    start = server.serve_handler("/bad-location", redirect(302, "http://[oops/feed.xml"))
    with pytest.raises(FetchError) as caught:
        run_get(start)
    assert "not a valid URL" in str(caught.value) or "redirect" in str(caught.value)
