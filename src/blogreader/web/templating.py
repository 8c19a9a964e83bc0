"""Rendering pages: one autoescaping Jinja2 environment, and the replies routes send back."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from markupsafe import Markup

from blogreader import __version__
from blogreader.models import Entry
from blogreader.normalize.sanitize import sanitize_html
from blogreader.publish.common import STAR, month_label, safe_url
from blogreader.web.security import local_path


def clean_html(html: str | None, base_url: str | None = None) -> Markup:
    """Stored content is sanitized already; it passes the sanitizer again here, in case it was not."""
    # Its images still point at their hosts: pages show content through media.shown_html, never this alone.
    return Markup(sanitize_html(html or "", safe_url(base_url)))


def short_date(stamp: str | None) -> str:
    return stamp[:10] if stamp else ""


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("blogreader.web", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(safe_url=safe_url, short_date=short_date, month_label=month_label)
    env.globals.update(STAR=STAR, version=__version__)
    return env


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """A rendered page; every template gets the CSP nonce, the CSRF token and where it was asked from."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = environment().get_template(name).render(
        nonce=request.state.csp_nonce, csrf_token=request.state.csrf_token, here=here,
        path=request.url.path, **context,
    )
    return HTMLResponse(html, status_code=status_code)


def wants_json(request: Request) -> bool:
    """The page's script asks for JSON to update in place; a plain form post gets a redirect."""
    return request.headers.get("accept", "").startswith("application/json")


def back(next_url: str | None, fallback: str) -> RedirectResponse:
    """303 to the page the form was on, when that is a path on this server; else to `fallback`."""
    return RedirectResponse(local_path(next_url) or fallback, status_code=303)


def entry_state(entry: Entry) -> JSONResponse:
    return JSONResponse({
        "id": entry.id, "read": entry.read, "picked": entry.picked, "starred": entry.starred,
        "note": entry.note, "promo": entry.promo, "summary": entry.summary, "category": entry.category,
    })


def query_string(**params) -> str:
    """"?a=1&b=2" of the parameters that are set."""
    kept = {name: value for name, value in params.items() if value not in (None, "", False)}
    return f"?{urlencode(kept)}" if kept else ""
