"""Which addresses a fetch may reach: the guard against SSRF and DNS rebinding."""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL  # aiohttp's own URL type: hosts normalized here exactly as the client will

from blogreader.errors import BlockedAddressError, UsageError

ALLOWED_SCHEMES = ("http", "https")
ALLOW_HINT = "set BLOGREADER_ALLOW_PRIVATE_NETWORKS=1 (or allow_private_networks = true in config.toml) to allow it"
# C0 and C1 controls, DEL, and the bidirectional formatting characters: never part of an address to fetch.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NUMBER_LABEL = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")
# IPv6 ranges whose last 32 bits are an IPv4 address: IPv4-compatible, IPv4-mapped, SIIT, NAT64 (RFC 6052, 8215).
_EMBEDS_IPV4 = tuple(
    ipaddress.ip_network(net) for net in ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48")
)


def is_public_address(address: str) -> bool:
    """True when `address` is a globally routable unicast address, after unwrapping IPv4 in IPv6."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        if ip.is_site_local:
            return False
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and any(ip in net for net in _EMBEDS_IPV4):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def check_address(host: str, address: str, allow_private: bool) -> None:
    """Refuse a connection to a non-public `address` unless private networks are allowed."""
    if allow_private or is_public_address(address):
        return
    where = address if host == address else f"{host} (which resolves to {address})"
    raise BlockedAddressError(
        f"{where} is a loopback, private or otherwise non-public address, which BlogReader does not fetch from; "
        f"{ALLOW_HINT}"
    )


def check_url(url: str, allow_private: bool) -> str:
    """Refuse a URL with a scheme other than http(s), with no host, or whose host, read as the HTTP client
    reads it, is a non-public address, or an address written in other characters."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        _refuse_disguised_address(url, *client_host(url))  # the more telling reason, when it is one
        raise UsageError(f"{url!r} is not a valid URL") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UsageError(f"{url}: only http and https URLs can be fetched, not {parts.scheme or 'a bare path'}")
    if not host:
        raise UsageError(f"{url}: the URL has no host name")
    written, host = client_host(url)
    if CONTROL_CHARACTERS.search(host):
        raise UsageError(f"{url!r} is not a valid URL: its host contains control characters")
    _refuse_disguised_address(url, written, host)
    address = _literal_address(host.rstrip("."))
    if address is None:
        return url  # a name: checked after DNS, by GuardedResolver
    check_address(written, address, allow_private)
    return url


def client_host(url: str) -> tuple[str, str]:
    """The host of `url` as written, and as the HTTP client connects to it (yarl's IDNA/UTS-46 encoding)."""
    try:
        parsed = URL(url)
        written = URL(url, encoded=True).raw_host
        host = parsed.raw_host
        parsed.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:  # UnicodeError (IDNA) included
        raise UsageError(f"{url!r} is not a valid URL") from None
    if not host or not written:
        raise UsageError(f"{url}: the URL has no host name")
    if parsed.scheme not in ALLOWED_SCHEMES:  # the client's reading of the scheme must agree with ours
        raise UsageError(f"{url}: only http and https URLs can be fetched, not {parsed.scheme or 'a bare path'}")
    return written, host


def _refuse_disguised_address(url: str, written: str, host: str) -> None:
    """Refuse a host written in Unicode that the client reads as an IP literal (fullwidth digits, 。 and the like)."""
    if not written.isascii() and _names_an_address(host):
        raise UsageError(
            f"{url}: the host {written!r} is not a name but the IP address {host.rstrip('.')} written in other "
            "characters, which BlogReader does not fetch from; write the address in ASCII digits if you mean it"
        )


def _names_an_address(host: str) -> bool:
    """True when `host` is an IP literal: IPv6, or ending in a number as IPv4 does (the WHATWG URL rule)."""
    if ":" in host:
        return True
    return bool(_NUMBER_LABEL.fullmatch(host.rstrip(".").rpartition(".")[2]))


def _literal_address(host: str) -> str | None:
    """The address a literal host means, legacy IPv4 spellings included (127.1, 0x7f.0.0.1, 2130706433)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if host.isascii() and all(part and (part.isdigit() or part.lower().startswith("0x")) for part in host.split(".")):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return None
    return None


class GuardedResolver(AbstractResolver):
    """Resolve with the system resolver, then drop every address a fetch may not reach."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if self._allow_private:
            return results
        if not results:  # aiohttp reports an OSError from the resolver as "host not found"
            raise OSError(f"{host}: no address found")
        allowed = [r for r in results if is_public_address(r["host"])]
        if not allowed:
            check_address(host, results[0]["host"], self._allow_private)
        return allowed

    async def close(self) -> None:
        await self._inner.close()
