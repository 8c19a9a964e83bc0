"""Fetcher: concurrent, polite and guarded HTTP GETs that return decoded bytes."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from urllib.parse import urljoin, urlsplit

import aiohttp

from blogreader import __version__
from blogreader.config import FetchSettings
from blogreader.errors import FetchError, NoConnectionError, UnreachableError
from blogreader.fetch.connector import GuardedConnector
from blogreader.fetch.guard import CONTROL_CHARACTERS, check_url
from blogreader.models import FetchResult

log = logging.getLogger(__name__)

USER_AGENT = f"BlogReader/{__version__} (feed reader; +https://pypi.org/project/blogreader/)"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
RETRYABLE = {429, 503}
CHUNK = 64 * 1024
MAX_RETRY_AFTER = 7 * 24 * 3600.0  # a longer wait is a misconfigured server, not a plan


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int, reason: str, retry_after: float | None = None):
        hint = {
            404: "check the URL or remove the source",
            410: "the server says it is gone for good; the source is disabled",
            401: "the feed needs a login, which BlogReader does not support",
            403: "the server refuses BlogReader",
            429: "the server asks to slow down; it will be retried later",
            503: "the server is unavailable; it will be retried later",
        }.get(status, "try again later")
        super().__init__(f"{url}: HTTP {status} {reason}".rstrip() + f"; {hint}")
        self.status = status
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """A server error or a request to slow down may pass; a refusal or a missing page stays."""
        return self.status in RETRYABLE or self.status == 408 or self.status >= 500


class Fetcher:
    """One aiohttp session with the program's limits; use as `async with Fetcher(settings) as f`."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        connector = GuardedConnector(
            allow_private=self.settings.allow_private_networks,
            limit=self.settings.concurrency,
            limit_per_host=self.settings.per_host,
            ttl_dns_cache=60,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
            # The deadline is ours (asyncio.timeout in _get_once), started once a host slot is free.
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.settings.connect_timeout,
                                          sock_read=self.settings.total_timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
            auto_decompress=True,
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._session is not None:
            await self._session.close()

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET `url` with conditional headers, following redirects and waiting out short Retry-Afters."""
        attempts = 0
        while True:
            try:
                return await self._get_once(url, etag, last_modified)
            except HTTPStatusError as exc:
                attempts += 1
                wait = exc.retry_after
                if exc.status not in RETRYABLE or attempts > 2:
                    raise
                if wait is None:
                    wait = 2.0**attempts
                if wait > self.settings.max_retry_wait:
                    raise
                log.info("%s: HTTP %s, retrying in %.0f s", url, exc.status, wait)
                await asyncio.sleep(wait)

    async def _get_once(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        assert self._session is not None, "use Fetcher as an async context manager"
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = self.settings.total_timeout
        check_url(url, self.settings.allow_private_networks)  # before anything else reads the URL
        try:
            async with self._host_slot(url), asyncio.timeout(deadline):
                return await self._follow(url, headers)
        except aiohttp.ConnectionTimeoutError:
            raise NoConnectionError(
                f"{url}: no connection within {self.settings.connect_timeout:g} s; the server is down or unreachable"
            ) from None
        except TimeoutError:
            raise UnreachableError(f"{url}: timed out after {deadline:g} s; the server is too slow or down") from None
        except aiohttp.InvalidURL:
            raise FetchError(f"{url}: not a valid URL") from None
        except aiohttp.ClientConnectorDNSError:
            raise NoConnectionError(f"{url}: host not found; check the address or your connection") from None
        except aiohttp.ClientConnectorCertificateError as exc:
            reason = getattr(exc.certificate_error, "verify_message", None) or str(exc.certificate_error)
            raise FetchError(f"{url}: the server's TLS certificate cannot be verified ({reason}); BlogReader only "
                             "fetches https with a valid certificate; check the address") from None
        except aiohttp.ClientConnectorError as exc:
            reason = exc.os_error.strerror or str(exc.os_error)
            raise NoConnectionError(f"{url}: cannot connect ({reason}); check the address or try later") from None
        except aiohttp.ClientPayloadError:
            raise UnreachableError(f"{url}: the response body was cut off or corrupt; try again later") from None
        except aiohttp.ClientResponseError as exc:  # aiohttp's parser refused the answer: not HTTP at all
            problem = exc.message.split(":", 1)[0].strip()[:80] or "malformed response"
            raise FetchError(f"{url}: the server's answer is not valid HTTP ({problem}); "
                             "the server is broken or is not a web server") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise UnreachableError(f"{url}: {exc.__class__.__name__}: {exc}; try again later") from None

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        allow = self.settings.allow_private_networks
        current = url
        permanent = True
        for _hop in range(self.settings.max_redirects + 1):
            check_url(current, allow)
            async with self._session.get(current, headers=headers, allow_redirects=False) as resp:
                if resp.status in REDIRECTS and "Location" in resp.headers:
                    permanent = permanent and resp.status in PERMANENT
                    current = _redirect_target(current, resp.headers["Location"])
                    continue
                if resp.status == 304:
                    if not headers:  # "not modified" since what? Nothing was asked; it is not the feed
                        raise FetchError(f"{current}: the server answered 304 Not Modified to a request without "
                                         "ETag or Last-Modified; it is misconfigured, try again later")
                    return FetchResult(url, current, 304, etag=etag_of(resp),
                                       last_modified=resp.headers.get("Last-Modified"),
                                       permanent_redirect=permanent and current != url)
                if resp.status >= 400:
                    raise HTTPStatusError(current, resp.status, resp.reason or "", retry_after_seconds(resp.headers.get("Retry-After")))
                body = await self._read_capped(current, resp)
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=resp.status,
                    body=body,
                    content_type=resp.headers.get("Content-Type", ""),
                    content_location=resp.headers.get("Content-Location", ""),
                    etag=etag_of(resp),
                    last_modified=resp.headers.get("Last-Modified"),
                    permanent_redirect=permanent and current != url,
                )
        raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects; the URL loops or moved too often")

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        """At most `per_host` requests to one host at a time, queued before their deadline starts."""
        host = urlsplit(url).netloc.lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return self._hosts[host]

    async def _read_capped(self, url: str, resp: aiohttp.ClientResponse) -> bytes:
        cap = self.settings.max_bytes
        declared = resp.content_length
        if declared is not None and declared > cap:
            raise FetchError(f"{url}: the response is {declared:,} bytes, over the {cap:,}-byte cap; raise [fetch] max_bytes to allow it")
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > cap:
                raise FetchError(f"{url}: the response is over the {cap:,}-byte cap (after decompression); raise [fetch] max_bytes to allow it")
            chunks.append(chunk)
        return b"".join(chunks)


def _redirect_target(current: str, location: str) -> str:
    """The URL a Location header leads to; control characters in it would end up in a source's URL."""
    target = location.strip(" \t")
    try:
        if not target or CONTROL_CHARACTERS.search(target):
            raise ValueError(location)
        target.encode("utf-8")  # UnicodeEncodeError on the lone surrogates that stand for undecodable bytes
        return urljoin(current, target)
    except ValueError:
        raise FetchError(f"{current}: redirects to an invalid URL {location!r}; the server is misconfigured") from None


def etag_of(resp: aiohttp.ClientResponse) -> str | None:
    return resp.headers.get("ETag")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return min(MAX_RETRY_AFTER, max(0.0, when.timestamp() - (now if now is not None else time.time())))


async def _fetch_one(settings: FetchSettings, url: str) -> FetchResult:
    async with Fetcher(settings) as fetcher:
        return await fetcher.get(url)


def fetch_one(settings: FetchSettings, url: str) -> FetchResult:
    """Fetch one URL from synchronous code (discovery, `save`)."""
    return asyncio.run(_fetch_one(settings, url))


__all__ = ["Fetcher", "HTTPStatusError", "fetch_one"]
