"""The known traps of issue 7, one explicit test each: the trap as the standard tools show it, and our
guard or sanitizer not falling into it.

tests/fetch/test_guard.py also covers the first four through the Fetcher and GuardedResolver with
the real resolver; here each trap is stated on its own, at the function that must not fall into it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import sys
import time

import aiohttp
import pytest

from blogreader.config import FetchSettings
from blogreader.errors import BlockedAddressError, FetchError
from blogreader.fetch.client import Fetcher
from blogreader.fetch.guard import GuardedResolver, check_address, check_url, is_public_address
from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import assert_inert_html, trickle

LEGACY_LOOPBACK = ["0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.1", "0x7f000001", "017700000001", "127.0.1"]


@pytest.mark.parametrize("host", LEGACY_LOOPBACK)
def test_trap_ipaddress_rejects_legacy_spellings_that_getaddrinfo_resolves_to_loopback(host):
    with pytest.raises(ValueError):
        ipaddress.ip_address(host)  # "not an address" to ipaddress...
    resolved = socket.getaddrinfo(host, 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    assert resolved[0][4][0] == "127.0.0.1"  # ...loopback to the C library that connects
    with pytest.raises(BlockedAddressError, match="127.0.0.1"):
        check_url(f"http://{host}/feed.xml", allow_private=False)


@pytest.mark.parametrize("address", ["::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:169.254.169.254"])
def test_trap_ipv4_mapped_loopback_is_not_is_loopback(address):
    ip = ipaddress.ip_address(address)
    if ip.ipv4_mapped.is_loopback and sys.version_info < (3, 13):
        assert not ip.is_loopback  # the trap: the mapped address has none of its IPv4 address's properties
    assert is_public_address(address) is False
    with pytest.raises(BlockedAddressError):
        check_address("mapped.example", address, allow_private=False)
    assert is_public_address("::ffff:8.8.8.8") is True  # a mapped public address stays public


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::7f00:1", "2002:7f00:1::",
                                     "2002:a9fe:a9fe::", "2002:c0a8:101::"])
def test_trap_nat64_and_6to4_wrappings_of_private_addresses_report_is_global(address):
    assert ipaddress.ip_address(address).is_global  # the trap, on the Pythons we run
    assert is_public_address(address) is False
    with pytest.raises(BlockedAddressError):
        check_url(f"http://[{address}]/feed.xml", allow_private=False)


def test_nat64_and_6to4_wrappings_of_public_addresses_stay_public():
    assert is_public_address("64:ff9b::808:808") and is_public_address("2002:808:808::")


@pytest.mark.parametrize("address", ["100.64.0.1", "100.127.255.254"])
def test_trap_shared_address_space_is_neither_private_nor_global(address):
    ip = ipaddress.ip_address(address)
    assert not ip.is_private and not ip.is_global  # a check for "is_private" alone lets it through
    assert is_public_address(address) is False
    with pytest.raises(BlockedAddressError):
        check_url(f"http://{address}/", allow_private=False)


class _FakeResolver:
    """A DNS server under an attacker's control: it answers what the test says."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": address, "port": port,
                 "family": socket.AF_INET6 if ":" in address else socket.AF_INET, "proto": 0,
                 "flags": socket.AI_NUMERICHOST} for address in self.addresses]

    async def close(self) -> None:
        pass


def _resolve_with(*addresses: str, allow_private: bool = False):
    async def go():
        resolver = GuardedResolver(allow_private)
        await resolver.close()  # the real inner resolver is not needed
        resolver._inner = _FakeResolver(*addresses)
        return await resolver.resolve("rebind.example", 443)

    return asyncio.run(asyncio.wait_for(go(), timeout=5))


@pytest.mark.parametrize("answer", [("93.184.216.34", "127.0.0.1"), ("127.0.0.1", "93.184.216.34"),
                                    ("2606:2800:220:1::1", "::1", "10.0.0.1", "::ffff:127.0.0.1")])
def test_trap_dns_answering_public_and_loopback_connects_only_to_public(answer):
    """Rebinding in one answer: the client may try every address it got; only the public ones are kept."""
    kept = [result["host"] for result in _resolve_with(*answer)]
    assert kept and all(is_public_address(host) for host in kept)
    assert not {"127.0.0.1", "::1", "10.0.0.1", "::ffff:127.0.0.1"} & set(kept)


def test_dns_answering_only_private_addresses_is_refused_and_an_empty_answer_is_not_found():
    with pytest.raises(BlockedAddressError, match="rebind.example"):
        _resolve_with("10.0.0.1", "::1")
    with pytest.raises(OSError, match="no address"):
        _resolve_with()
    assert [r["host"] for r in _resolve_with("127.0.0.1", allow_private=True)] == ["127.0.0.1"]


# The connected peer is checked in the connector before any request byte is written: see
# test_unicode_addresses.py::test_the_connector_refuses_a_non_public_peer_before_writing_the_request.


def test_trap_a_per_read_timeout_never_fires_on_a_trickle(server):
    """One byte every 0.1 s: aiohttp's sock_read time-out of 0.5 s never fires, however long it goes on
    (shown for 1.2 s); the Fetcher's total deadline (0.6 s) ends it."""
    url = server.serve_handler("/trickle", trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n",
                                                   byte=b"<", every=0.1, for_at_most=4, burst=True))

    async def plain_aiohttp():
        timeout = aiohttp.ClientTimeout(total=None, sock_read=0.5)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as response:
                got = b""
                try:
                    async with asyncio.timeout(1.2):
                        async for chunk in response.content.iter_any():
                            got += chunk
                except TimeoutError:
                    return got
                return None  # the body ended: no trap shown

    received = asyncio.run(plain_aiohttp())
    assert received is not None and len(received) >= 2  # still reading, every read well within 0.5 s

    async def ours():
        async with Fetcher(FetchSettings(allow_private_networks=True, total_timeout=0.6, connect_timeout=1)) as f:
            return await f.get(url)

    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out after 0.6 s"):
        asyncio.run(asyncio.wait_for(ours(), timeout=5))
    assert time.monotonic() - started < 2


FEEDPARSER_TRAP = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>'
                   b"<item><title>Form</title><link>https://t.example/1</link><guid>1</guid><description>"
                   b"&lt;form action=&quot;https://evil.example/PWNED&quot;&gt;&lt;input name=&quot;password&quot;&gt;"
                   b"&lt;/form&gt;&lt;a href=&quot;file:///etc/passwd&quot;&gt;local file&lt;/a&gt;</description></item>"
                   b"</channel></rss>")
PLAIN_TEXT_TRAP = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>'
                   b"<updated>2026-01-01T00:00:00Z</updated><entry><id>urn:1</id><title>Plain</title>"
                   b"<updated>2026-01-01T00:00:00Z</updated><link href=\"https://t.example/2\"/>"
                   b'<content type="text">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;'
                   b"</content></entry></feed>")


def test_trap_feedparser_sanitizer_keeps_forms_and_file_links_and_skips_text_plain():
    import feedparser

    parsed = feedparser.parse(FEEDPARSER_TRAP, sanitize_html=True)
    assert "<form" in parsed.entries[0].summary and "file:///etc/passwd" in parsed.entries[0].summary  # the trap
    plain = feedparser.parse(PLAIN_TEXT_TRAP, sanitize_html=True).entries[0].content[0]
    assert plain.type == "text/plain" and "<script>" in plain.value  # the trap: never sanitized


@pytest.mark.parametrize("fallback", [False, True], ids=["feedparser-rs", "feedparser"])
def test_our_parse_and_normalize_drop_forms_and_file_links_and_escape_text_plain(fallback):
    from blogreader.normalize.entry import normalize_entry
    from blogreader.parse.feeds import parse_feed

    def read(body: bytes):
        if fallback:  # a stray unclosed element makes feedparser-rs give up and feedparser read the document
            body = body.replace(b"</channel></rss>", b"<x></channel></rss>").replace(b"</feed>", b"<x></feed>")
        feed = parse_feed(body, "https://t.example/feed")
        assert feed.entries, feed.problem
        return normalize_entry(feed.entries[0], "https://t.example/feed")

    form = read(FEEDPARSER_TRAP)
    assert_inert_html(form.content_html)
    assert "<form" not in form.content_html and "<input" not in form.content_html and "file:" not in form.content_html
    assert "local file" in form.text
    plain = read(PLAIN_TEXT_TRAP)
    assert_inert_html(plain.content_html)
    assert "&lt;script&gt;" in plain.content_html and "<script" not in plain.content_html
    assert "<script>alert(1)</script>" in plain.text  # text declared plain is shown as the words it is
