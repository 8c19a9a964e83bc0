"""The web app factory: routes by noun, the security middleware, error pages."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from blogreader.config import Settings
from blogreader.errors import BlogReaderError, BusyError, NotFoundError, UsageError
from blogreader.store import Store
from blogreader.web import collection, entries, inbox, media, previews, recommended, search, sources, stats, triage
from blogreader.web.api.app import ReaderApiMiddleware
from blogreader.web.media import MediaSigner
from blogreader.web.security import Guard, SecurityMiddleware, allowed_hosts, library_secret, require_csrf
from blogreader.web.stores import StorePool
from blogreader.web.templating import page

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, *, host: str = "127.0.0.1", port: int = 8080,
               access_token: str | None = None, extra_hosts: tuple[str, ...] = ()) -> FastAPI:
    """The app serving the library in `settings.home`, answering to host:port (and `extra_hosts`)."""
    stores = StorePool(settings.database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        stores.close()

    app = FastAPI(title="BlogReader", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan,
                  dependencies=[Depends(require_csrf)])
    app.state.settings = settings
    app.state.stores = stores
    with Store.open(settings.database) as store:
        secret = library_secret(store)
    app.state.guard = Guard(allowed_hosts(host, port, extra_hosts), access_token, secret)
    app.state.media_signer = MediaSigner.from_secret(secret)
    for module in (inbox, triage, entries, collection, recommended, search, stats, sources, previews, media):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(BlogReaderError, _library_error)
    app.add_exception_handler(sqlite3.OperationalError, _database_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    app.add_middleware(SecurityMiddleware, guard=app.state.guard)
    # Added last, so outermost: /accounts and /reader/api/0 go to the reader API and its own guard.
    app.add_middleware(ReaderApiMiddleware, stores=stores, settings=settings, guard=app.state.guard)
    return app


async def _library_error(request: Request, exc: BlogReaderError):
    status = (404 if isinstance(exc, NotFoundError) else 400 if isinstance(exc, UsageError)
              else 503 if isinstance(exc, BusyError) else 500)
    message = str(exc)
    if "`blogreader" in message:  # the library's hint names a command; here the pages are the way on
        message = message.split("; `blogreader", 1)[0] + "; the Inbox, Hidden and Sources pages list what there is"
    response = page(request, "error.html", status_code=status, status=status, message=message)
    if isinstance(exc, BusyError):  # another process is writing: the same request works in a moment
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


async def _database_error(request: Request, exc: sqlite3.OperationalError):
    """A database failure inside a request: a row another process is writing (PostgreSQL's lock timeout) is the
    busy error, 503 with Retry-After; anything else a 500 with its reason, not a bare one."""
    from blogreader.store.database import busy_error

    return await _library_error(request, busy_error(exc))


async def _http_error(request: Request, exc: HTTPException):
    message = exc.detail if isinstance(exc.detail, str) else "that did not work"
    if exc.status_code == 404 and message == "Not Found":
        message = "the BlogReader web app has no page at this address"
    return page(request, "error.html", status_code=exc.status_code, status=exc.status_code, message=message)


async def _bad_request(request: Request, exc: RequestValidationError):
    if all(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
        # /entries/abc or /entries/99999999999999999999: the address names nothing.
        return page(request, "error.html", status_code=404, status=404,
                    message="the BlogReader web app has no page at this address")
    problems = "; ".join(f"{'.'.join(map(str, error.get('loc', ())[1:]))}: {error.get('msg')}"
                         for error in exc.errors())
    return page(request, "error.html", status_code=400, status=400, message=f"bad request ({problems})")
