"""The fetcher's connections: every address is checked before connecting, and the peer once connected.

Names are checked after DNS by GuardedResolver, but aiohttp never asks the resolver about a host that
is already an IP literal (which IDNA/NFKC normalization can make of a Unicode host). So the connector
checks each address it is about to connect to, then the address the socket really reached, before
the connection is handed over and any request byte is written.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from blogreader.errors import BlockedAddressError
from blogreader.fetch.guard import GuardedResolver, check_address


class GuardedConnector(aiohttp.TCPConnector):
    """A TCPConnector that refuses non-public addresses, before connecting and once connected."""

    def __init__(self, *, allow_private: bool, **options: Any) -> None:
        super().__init__(resolver=GuardedResolver(allow_private), **options)
        self.allow_private = allow_private

    def check_target(self, host: str, address: str) -> None:
        """Refuse to connect to `address`, where `host` leads, unless it is public."""
        check_address(host, address, allow_private=False)

    def check_peer(self, host: str, transport: asyncio.BaseTransport) -> None:
        """Refuse a connection whose peer is not public, or cannot be told."""
        peer = transport.get_extra_info("peername")
        if not peer:
            raise BlockedAddressError(f"{host}: cannot tell which address the connection reached, so nothing "
                                      "was sent on it; try again later")
        check_address(host, peer[0], allow_private=False)

    async def _wrap_create_connection(self, *args: Any, addr_infos: list, req: aiohttp.ClientRequest,
                                      **kwargs: Any) -> tuple[asyncio.Transport, Any]:
        # aiohttp 3.14 opens every TCP connection here, plain or TLS, and writes nothing until it returns.
        if self.allow_private:
            return await super()._wrap_create_connection(*args, addr_infos=addr_infos, req=req, **kwargs)
        host = req.url.raw_host or ""
        for addr_info in addr_infos:
            self.check_target(host, addr_info[4][0])
        transport, protocol = await super()._wrap_create_connection(*args, addr_infos=addr_infos, req=req, **kwargs)
        try:
            self.check_peer(host, transport)
        except BlockedAddressError:
            transport.abort()  # nothing was written on it: drop it at once
            raise
        return transport, protocol
