"""Images through the guarded fetcher: entry HTML points only at signed /media URLs, never at the image's host.

Opening a post must not tell its author who read it and when (SPEC §7), so the browser never fetches a
remote image itself. In "proxy" mode each <img> of the shown content is rewritten to /media/<token>,
where the token is the image URL and an HMAC of it under the library's secret; the route fetches the
image with the same guarded client as feeds (SSRF guard, size cap, deadline, no cookies or Referer)
and returns it only when it is a raster image. In "off" mode each image becomes a link to that route,
so nothing loads until the reader asks.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass, replace
from html import escape, unescape

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup

from blogreader.config import FetchSettings
from blogreader.errors import FetchError, UsageError
from blogreader.publish.common import safe_url
from blogreader.web.templating import clean_html

router = APIRouter()

MAX_URL = 2048  # longer image addresses are dropped: the token travels in the request line
MAX_BYTES = 10_000_000
TIMEOUT = 20.0
CACHE = "private, max-age=86400"
# Raster formats only: an SVG is a document that can carry scripts and load more, so it is refused.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/apng",
                         "image/bmp", "image/x-icon", "image/vnd.microsoft.icon"})
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
          (b"GIF89a", "image/gif"), (b"BM", "image/bmp"), (b"\x00\x00\x01\x00", "image/x-icon"))
# A tag of the sanitizer's output, which is regular: every "<" in text or in an attribute value is
# escaped, and every attribute value is double-quoted with any '"' escaped. Possessive, so linear.
_TAG = re.compile(r'<(/?)(a|img)\b((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*+)\s*/?>', re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)(?:="([^"]*)")?')
_KEPT = ("alt", "title", "width", "height")  # what an <img> keeps; src is rewritten, srcset and the rest go


@dataclass(frozen=True)
class MediaSigner:
    """Signs image URLs into /media tokens and checks tokens, with a key derived from the library's secret."""

    key: bytes

    @classmethod
    def from_secret(cls, secret: bytes) -> MediaSigner:
        # A key of its own, so no CSRF token (an HMAC of a session id) can ever pass as a media signature.
        return cls(hmac.new(secret, b"blogreader media v1", hashlib.sha256).digest())

    def path(self, url: str) -> str:
        """"/media/<url>.<signature>", both base64url without padding."""
        data = url.encode("utf-8")
        return f"/media/{_b64(data)}.{_b64(self._sign(data))}"

    def url(self, token: str) -> str:
        """The URL a token was made for; 404 when it is not a token, 403 when its signature is wrong."""
        encoded, _, signature = token.partition(".")
        try:
            data, given = _unb64(encoded), _unb64(signature)
            url = data.decode("utf-8")
        except (binascii.Error, ValueError):
            raise HTTPException(404, "no image at this address") from None
        if not hmac.compare_digest(given, self._sign(data)):
            raise HTTPException(403, "this image address was not made by this BlogReader; reload the entry")
        return url

    def _sign(self, data: bytes) -> bytes:
        return hmac.new(self.key, data, hashlib.sha256).digest()


def shown_html(request: Request, html: str | None, base_url: str | None) -> Markup:
    """An entry's content as a page shows it: sanitized again, its images behind signed /media URLs."""
    state = request.app.state
    return Markup(rewrite_images(str(clean_html(html, base_url)), state.settings.web.images, state.media_signer))


def rewrite_images(html: str, mode: str, signer: MediaSigner) -> str:
    """Sanitized HTML whose images point only at signed /media URLs ("proxy") or are links to them ("off")."""
    depth = 0  # inside an <a>, an "off" image becomes text: a link inside a link would break the outer one

    def replace_tag(match: re.Match) -> str:
        nonlocal depth
        closing, name = match.group(1), match.group(2).lower()
        if name == "a":
            depth = max(0, depth - 1) if closing else depth + 1
            return match.group(0)
        if closing:
            return ""
        attributes = {key.lower(): value or "" for key, value in _ATTRIBUTE.findall(match.group(3))}
        source = safe_url(unescape(attributes.get("src", "")))
        target = signer.path(source) if source and len(source) <= MAX_URL else None
        if mode == "off":
            return _placeholder(unescape(attributes.get("alt", "")).strip(), target, linked=depth == 0)
        kept = "".join(f' {key}="{attributes[key]}"' for key in _KEPT if key in attributes)
        src = f' src="{target}" loading="lazy" decoding="async"' if target else ""
        return f"<img{src}{kept}>"

    return _TAG.sub(replace_tag, html)


def _placeholder(alt: str, target: str | None, linked: bool) -> str:
    label = escape(f"image: {alt}" if alt else "image: load")
    if target and linked:
        return (f'<a class="image-off" href="{target}" target="_blank" rel="noopener noreferrer" '
                f'title="Load this image through BlogReader">{label}</a>')
    return f'<span class="image-off">{label}</span>'


def image_type(declared: str, body: bytes) -> str | None:
    """The raster image type to serve `body` as, or None when it is not one (SVG, HTML, anything else)."""
    kind = declared.split(";", 1)[0].strip().lower()
    if kind in IMAGE_TYPES:
        return kind
    if kind not in _UNTYPED:
        return None
    for magic, sniffed in _MAGIC:
        if body.startswith(magic):
            return sniffed
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    if body[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    return None


def media_fetch_settings(settings: FetchSettings) -> FetchSettings:
    """The feed fetcher's guard and limits, tightened for images: a smaller cap, a shorter deadline, no waiting."""
    return replace(settings, max_bytes=min(settings.max_bytes, MAX_BYTES),
                   total_timeout=min(settings.total_timeout, TIMEOUT),
                   connect_timeout=min(settings.connect_timeout, TIMEOUT), max_retry_wait=0.0)


async def fetch_image(settings: FetchSettings, url: str):
    """GET `url` with the guarded fetcher; nothing of the reader's request (cookies, Referer) goes along."""
    from blogreader.fetch.client import Fetcher

    async with Fetcher(media_fetch_settings(settings)) as fetcher:
        return await fetcher.get(url)


@router.get("/media/{token}")
async def media(request: Request, token: str):
    """The image a signed token names, fetched now through the guarded fetcher; only raster images pass."""
    url = request.app.state.media_signer.url(token)
    try:
        result = await fetch_image(request.app.state.settings.fetch, url)
    except (FetchError, UsageError) as exc:
        raise HTTPException(502, f"the image could not be fetched: {exc}") from None
    kind = image_type(result.content_type, result.body)
    if kind is None:
        shown = result.content_type.split(";", 1)[0].strip()[:80] or "no type"
        raise HTTPException(502, f"{url[:200]} is not an image BlogReader shows ({shown}); "
                                 "only PNG, JPEG, GIF, WebP, AVIF, BMP and ICO images are shown, never SVG")
    return Response(result.body, media_type=kind, headers={
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": CACHE,
        "Content-Disposition": "inline",
    })


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or len(text) > 4 * MAX_URL:
        raise ValueError("no token")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
