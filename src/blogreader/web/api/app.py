"""The API app, and the dispatch that sends /accounts and /reader/api/0 to it and nothing else.

Reader apps cannot carry the web pages' session cookie, CSRF token or access token, so the API is its own
small app with its own guard: the same Host check, then a password login (ClientLogin) whose token every
call carries (or, for the Fever API under /fever, the Fever key each call sends). Only paths under its
prefixes reach it; every other path goes to the web app, whose
protections are unchanged. Until an API password is set (`blogreader api-password`) it answers 404.
"""

from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from blogreader.errors import BlogReaderError, BusyError, NotFoundError, UsageError
from blogreader.web.api.common import ApiError, FailedLogins

log = logging.getLogger(__name__)

ROOTS = ("/accounts", "/reader/api/0", "/fever", "/api/fever.php")  # the last two: the Fever API
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def is_api_path(path: str) -> bool:
    return any(path == root or path.startswith(root + "/") for root in ROOTS)


def create_api(stores, settings, guard) -> FastAPI:
    """The API over the library `stores` opens, answering to `guard.allowed_hosts`, signing with its secret."""
    from blogreader.web.api import auth, counts, fever, media, streams, subscriptions, tags
    from blogreader.web.media import MediaSigner

    api = FastAPI(title="BlogReader Reader API", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.stores = stores
    api.state.settings = settings
    api.state.secret = guard.secret
    api.state.media_signer = MediaSigner.from_secret(guard.secret)
    api.state.failed_logins = FailedLogins()
    for module in (auth, subscriptions, streams, tags, counts, media, fever):
        api.include_router(module.router)
    api.add_exception_handler(ApiError, _api_error)
    api.add_exception_handler(BlogReaderError, _library_error)
    api.add_exception_handler(sqlite3.OperationalError, _database_error)
    api.add_exception_handler(HTTPException, _http_error)
    api.add_exception_handler(RequestValidationError, _bad_request)
    return api


class ReaderApiMiddleware:
    """Sends the API's paths to the API (after the Host check) and every other request to the web app."""

    def __init__(self, app: ASGIApp, *, stores, settings, guard) -> None:
        self.app = app
        self.hosts = guard.allowed_hosts
        self.api = create_api(stores, settings, guard)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name.lower().encode(), value.encode()) for name, value in HEADERS.items()
                         if name.lower().encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1").lower()
        if host not in self.hosts:  # DNS rebinding: the same check the web pages make
            response = PlainTextResponse("400 Bad Request: this server does not answer to that Host name; "
                                         "use the address `blogreader serve` printed", status_code=400)
            await response(scope, receive, send_with_headers)
            return
        started = False

        async def tracked(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.api(scope, receive, tracked)
        except Exception:
            log.exception("unexpected error serving the API at %s", scope.get("path"))
            if not started:
                response = PlainTextResponse("500 Internal Server Error: something went wrong; rerun "
                                             "`blogreader --debug serve` to see why", status_code=500)
                await response(scope, receive, send_with_headers)


async def _api_error(_request: Request, exc: ApiError):
    return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)


async def _library_error(_request: Request, exc: BlogReaderError):
    if isinstance(exc, BusyError):  # another process is writing: a reader app retries after Retry-After
        return PlainTextResponse(f"{exc}\n", status_code=503, headers={"Retry-After": str(exc.retry_after_seconds)})
    status = 404 if isinstance(exc, NotFoundError) else 400 if isinstance(exc, UsageError) else 502
    return PlainTextResponse(f"{exc}\n", status_code=status)


async def _database_error(request: Request, exc: sqlite3.OperationalError):
    """A database failure inside a call (a row another process holds on PostgreSQL): as the store's own errors."""
    from blogreader.store.database import busy_error

    return await _library_error(request, busy_error(exc))


async def _http_error(_request: Request, exc: HTTPException):
    message = exc.detail if isinstance(exc.detail, str) else "that did not work"
    if exc.status_code == 404:
        message = "Not Found: no such API call"
    return PlainTextResponse(message + "\n", status_code=exc.status_code)


async def _bad_request(_request: Request, exc: RequestValidationError):
    problems = "; ".join(f"{'.'.join(map(str, error.get('loc', ())[1:]))}: {error.get('msg')}"
                         for error in exc.errors())
    return PlainTextResponse(f"Bad Request: {problems}\n", status_code=400)
