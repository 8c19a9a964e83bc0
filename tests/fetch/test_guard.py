"""The fetch guard (spec section 7): no loopback, private, link-local or multicast address is reached
unless private networks are allowed, whether the address is written literally, in a legacy form,
behind a name, or behind a redirect.

Every server here is the conftest FixtureServer on 127.0.0.1; "no request reached it" is read from
`server.requests`, which records every request line the server parsed.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import pytest

from blogreader.config import FetchSettings
from blogreader.errors import BlockedAddressError, BlogReaderError, FetchError, UsageError
from blogreader.fetch import client as client_module
from blogreader.fetch.client import Fetcher
from blogreader.fetch.connector import GuardedConnector
from blogreader.fetch.guard import (
    ALLOW_HINT, GuardedResolver, check_address, check_url, client_host, is_public_address,
)

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"


def guarded(**overrides) -> FetchSettings:
    """Settings with the guard ON (the default) and small time-outs so a guard failure cannot hang."""
    values = dict(allow_private_networks=False, total_timeout=3.0, connect_timeout=1.0, max_retry_wait=1.0)
    values.update(overrides)
    return FetchSettings(**values)


def run_get(settings: FetchSettings, url: str, **kwargs):
    async def go():
        async with Fetcher(settings) as fetcher:
            return await fetcher.get(url, **kwargs)

    return asyncio.run(asyncio.wait_for(go(), timeout=10))


# --- is_public_address -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.0.0.1",  # RFC 1918
        "192.168.1.1",  # RFC 1918
        "169.254.169.254",  # link-local (cloud metadata)
        "100.64.0.1",  # carrier-grade NAT shared space
        "0.0.0.0",  # "this host": connects to loopback on Linux
        "::1",  # IPv6 loopback
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "64:ff9b::7f00:1",  # NAT64 well-known prefix wrapping 127.0.0.1
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "224.0.0.1",  # multicast
        "ff02::1",  # IPv6 multicast
        "fe80::1",  # IPv6 link-local
        "fe80::1%eth0",  # with a zone id
        "fc00::1",  # unique local
    ],
)
def test_non_public_addresses_are_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_public(address):
    assert is_public_address(address) is True


def test_check_address_message_names_the_host_the_address_and_the_way_out():
    with pytest.raises(BlockedAddressError) as caught:
        check_address("intranet.example", "10.1.2.3", allow_private=False)
    message = str(caught.value)
    assert "intranet.example" in message and "10.1.2.3" in message
    assert "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in message
    check_address("intranet.example", "10.1.2.3", allow_private=True)  # allowed: no error


# --- check_url ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://example.com/feed.xml", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("gopher://example.com/", "gopher"),
    ],
)
def test_check_url_refuses_other_schemes_naming_them(url, named):
    for allow in (False, True):
        with pytest.raises(UsageError) as caught:
            check_url(url, allow)
        assert named in str(caught.value)
        assert "http" in str(caught.value)


@pytest.mark.parametrize("url", ["http:///feed.xml", "https://", "http://:80/x"])
def test_check_url_refuses_a_url_without_a_host(url):
    with pytest.raises(UsageError, match="no host"):
        check_url(url, True)


def test_check_url_refuses_a_bad_port():
    with pytest.raises(UsageError, match="not a valid URL"):
        check_url("http://example.com:99999999/", True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://10.0.0.1/",
        "https://192.168.1.1:8443/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://127.1/",  # legacy forms: aiohttp refuses them today, the guard does not count on it
        "http://0x7f.0.0.1/",
        "http://2130706433/",
        "http://127.0.0.1./",  # a trailing dot: the same literal to the resolver
        "http://127.0.0.1../",
    ],
)
def test_check_url_refuses_a_literal_private_address_unless_allowed(url):
    with pytest.raises(BlockedAddressError) as caught:
        check_url(url, False)
    assert ALLOW_HINT in str(caught.value)
    assert check_url(url, True) == url


def test_check_url_passes_public_literals_and_names():
    assert check_url("https://8.8.8.8/feed", False) == "https://8.8.8.8/feed"
    assert check_url("HTTPS://Example.com/feed", False) == "HTTPS://Example.com/feed"
    # A name is not resolved here: GuardedResolver checks it after DNS.
    assert check_url("http://localhost/feed", False) == "http://localhost/feed"


# --- the Fetcher with the guard on -------------------------------------------------------------


def test_fetcher_refuses_literal_loopback_and_sends_nothing(server):
    url = server.serve("/feed.xml", FEED)
    with pytest.raises(BlockedAddressError) as caught:
        run_get(guarded(), url)
    assert "127.0.0.1" in str(caught.value)
    assert "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in str(caught.value)
    assert server.requests == []
    # Control: the same URL with private networks allowed does reach the server.
    assert run_get(guarded(allow_private_networks=True), url).body == FEED
    assert len(server.hits("/feed.xml")) == 1


def test_fetcher_refuses_a_name_that_resolves_to_loopback(server):
    server.serve("/feed.xml", FEED)
    with pytest.raises(BlockedAddressError) as caught:
        run_get(guarded(), f"http://localhost:{server.port}/feed.xml")
    message = str(caught.value)
    assert "localhost" in message and "resolves to" in message
    assert server.requests == []


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # 127.0.0.1 as one decimal number
        "127.1",  # short dotted form
        "0x7f.0.0.1",  # hexadecimal octet
        "0177.0.0.1",  # octal octet
        "0x7f000001",  # one hexadecimal number
    ],
)
def test_fetcher_refuses_legacy_spellings_of_loopback(server, host):
    """Refused without any request reaching the server. (Today aiohttp itself rejects these hosts as
    invalid URLs before the resolver runs; the next test shows the guard would refuse them anyway.)"""
    server.serve("/feed.xml", FEED)
    with pytest.raises(FetchError) as caught:
        run_get(guarded(), f"http://{host}:{server.port}/feed.xml")
    assert host in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1", "0177.0.0.1", "0x7f000001", "localhost"])
def test_guarded_resolver_refuses_names_and_legacy_spellings_that_mean_loopback(host):
    async def resolve(allow_private):
        resolver = GuardedResolver(allow_private)
        try:
            return await resolver.resolve(host, 80, socket.AF_INET)
        finally:
            await resolver.close()

    with pytest.raises(BlockedAddressError) as caught:
        asyncio.run(asyncio.wait_for(resolve(False), timeout=10))
    assert "127.0.0.1" in str(caught.value)
    # With private networks allowed the same name resolves, to loopback.
    results = asyncio.run(asyncio.wait_for(resolve(True), timeout=10))
    assert {result["host"] for result in results} == {"127.0.0.1"}


def _redirect_to(location: str):
    def handler(request):
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handler


def _let_only_the_first_hop_through(monkeypatch, first_url: str):
    """Tests can only listen on 127.0.0.1, which the guard refuses. To prove the *per-hop* check we
    exempt exactly the first URL from the guard calls that would stop it (the literal-address check in
    check_url, and the connector's checks of its address, which only that URL's host 127.0.0.1 reaches),
    and nothing else: every later hop goes through the real check_url, the real GuardedResolver and the
    real connector checks. Returns the list of URLs that check_url was asked about and the list of URLs
    the session was actually asked to GET."""
    real_check_url = client_module.check_url
    first_host = urlsplit(first_url).hostname
    checked: list[str] = []
    requested: list[str] = []

    def check_url_except_first(url, allow_private):
        checked.append(url)
        if url == first_url:
            return url
        return real_check_url(url, allow_private)

    for name in ("check_target", "check_peer"):
        real = getattr(GuardedConnector, name)

        def except_first(self, host, *args, real=real):
            return None if host == first_host else real(self, host, *args)

        monkeypatch.setattr(GuardedConnector, name, except_first)
    monkeypatch.setattr(client_module, "check_url", check_url_except_first)

    real_enter = Fetcher.__aenter__

    async def enter_and_spy(self):
        result = await real_enter(self)
        session_get = self._session.get

        def spy_get(url, *args, **kwargs):
            requested.append(str(url))
            return session_get(url, *args, **kwargs)

        self._session.get = spy_get
        return result

    monkeypatch.setattr(Fetcher, "__aenter__", enter_and_spy)
    return checked, requested


def test_a_redirect_hop_to_a_literal_private_address_is_refused_before_connecting(server, monkeypatch):
    start = server.serve_handler("/start", _redirect_to("http://10.255.255.1/internal"))
    checked, requested = _let_only_the_first_hop_through(monkeypatch, start)
    with pytest.raises(BlockedAddressError) as caught:
        run_get(guarded(connect_timeout=0.5, total_timeout=2.0), start)
    assert "10.255.255.1" in str(caught.value)
    # The start is checked once before its host slot, then as the first hop; then the second hop.
    assert checked == [start, start, "http://10.255.255.1/internal"]  # the hop was checked...
    assert requested == [start]  # ...and refused before any request or connection to it
    assert len(server.hits("/start")) == 1


def test_a_redirect_hop_to_a_name_for_loopback_is_refused_by_the_resolver(server, monkeypatch):
    # The hop's target is our own server under a name, so a missed check would show up as a hit.
    server.serve("/secret", b"secret")
    start = server.serve_handler("/start", _redirect_to(f"http://localhost:{server.port}/secret"))
    checked, requested = _let_only_the_first_hop_through(monkeypatch, start)
    with pytest.raises(BlockedAddressError) as caught:
        run_get(guarded(), start)
    assert "localhost" in str(caught.value)
    assert checked == [start, start, f"http://localhost:{server.port}/secret"]
    assert len(server.hits("/start")) == 1
    assert server.hits("/secret") == []


def test_the_first_hop_exemption_is_needed_at_all(server):
    """Control for the two tests above: without the exemption the first hop itself is refused."""
    start = server.serve_handler("/start", _redirect_to("http://10.255.255.1/internal"))
    with pytest.raises(BlockedAddressError):
        run_get(guarded(), start)
    assert server.requests == []


def test_a_redirect_to_loopback_is_followed_when_private_networks_are_allowed(server):
    server.serve("/secret", FEED)
    start = server.serve_handler("/start", _redirect_to(f"http://localhost:{server.port}/secret"))
    try:
        result = run_get(guarded(allow_private_networks=True), start)
    except BlogReaderError as exc:  # localhost resolving to ::1 only, on an odd host
        pytest.skip(f"localhost is not reachable over IPv4 here: {exc}")
    assert result.body == FEED
    assert result.final_url == f"http://localhost:{server.port}/secret"


# --- hosts as the client reads them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "written", "connects_to"),
    [
        ("http://Example.COM/feed", "Example.COM", "example.com"),
        ("http://ｅｘａｍｐｌｅ.com/feed", "ｅｘａｍｐｌｅ.com", "example.com"),
        ("https://bücher.example/", "bücher.example", "xn--bcher-kva.example"),
        ("http://１２７.０.０.１:8000/x", "１２７.０.０.１", "127.0.0.1"),
        ("http://127。0。0。1/x", "127。0。0。1", "127.0.0.1"),
        ("http://[::１]/x", "::１", "::1"),
    ],
)
def test_client_host_is_yarls_reading_of_the_host(url, written, connects_to):
    assert client_host(url) == (written, connects_to)


@pytest.mark.parametrize("url", ["http://ü..example/", "http://" + "a" * 70 + "ü.example/", "http://[::１]x/",
                                 "http://exa\x00mple.com/"])
def test_check_url_refuses_hosts_the_client_cannot_read(url):
    with pytest.raises(UsageError, match="not a valid URL"):
        check_url(url, True)


def test_the_connector_checks_are_skipped_when_private_networks_are_allowed(server):
    """allow_private_networks still reaches loopback through the guarded connector, literal and by name."""
    url = server.serve("/feed.xml", FEED)
    allowed = guarded(allow_private_networks=True)
    assert run_get(allowed, url).body == FEED
    assert run_get(allowed, f"http://localhost:{server.port}/feed.xml").body == FEED


def test_the_fetcher_uses_the_guarded_connector():
    async def connector_type():
        async with Fetcher(guarded()) as fetcher:
            return type(fetcher._session.connector), fetcher._session.connector.allow_private

    assert asyncio.run(connector_type()) == (GuardedConnector, False)
