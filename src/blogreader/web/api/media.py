"""Images in items: through BlogReader's guarded fetcher at a signed API address, as on the web pages.

Reading never reports the reader (SPEC §7): an app shows an item's HTML the way a browser does, so every
image in it points at /reader/api/0/media/<token> on this server (or is a link to it, with `images = "off"`).
That route needs no login: apps load images without the Authorization header, and a token is an HMAC under
the library's secret, so only addresses this server wrote are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request

from blogreader.web.api.common import ApiError

router = APIRouter(prefix="/reader/api/0")


@dataclass(frozen=True)
class Shower:
    """Turns stored HTML into what an item carries: sanitized again, images behind absolute signed URLs."""

    mode: str
    signer: object
    base: str

    @classmethod
    def of(cls, request: Request) -> Shower:
        state = request.app.state
        return cls(state.settings.web.images, state.media_signer, str(request.base_url).rstrip("/"))

    def __call__(self, html: str | None, url: str | None) -> str:
        from blogreader.web.media import rewrite_images
        from blogreader.web.templating import clean_html

        shown = rewrite_images(str(clean_html(html, url)), self.mode, self.signer)
        # rewrite_images writes only '="/media/' targets; an app needs them absolute, under the API's prefix.
        return shown.replace('="/media/', f'="{self.base}/reader/api/0/media/')


@router.get("/media/{token}")
async def media(request: Request, token: str):
    """The image a signed token names, as the web app's /media serves it."""
    from starlette.concurrency import run_in_threadpool

    from blogreader.web.media import media as web_media

    store = request.app.state.stores
    if await run_in_threadpool(lambda: store.get().api_login()) is None:
        raise ApiError(404, "Not Found: the reader API is off")
    return await web_media(request, token)
