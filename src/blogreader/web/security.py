"""What keeps the web app safe to run: Host check, access token, CSRF tokens and response headers.

One ASGI middleware wraps every request: it refuses a Host the server does not answer to (DNS
rebinding), asks for the access token when the server listens beyond loopback, gives each browser a
session id (the CSRF token is an HMAC of it) and adds a nonce-based Content-Security-Policy and the
other security headers to every response, errors included. The HMAC secret is the library's own (kept
in its database), so form tokens and signed image addresses outlive a restart of the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import socket
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

SESSION_COOKIE = "br_session"
ACCESS_COOKIE = "br_access"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SECRET_KEY = "web_secret"
TOKEN_KEY = "web_access_token"  # kept only for a PostgreSQL library, which several servers share
# Browsers drop tabs and newlines inside a URL and strip controls around it, so "/\t/evil" is "//evil":
# a redirect target holding any control character or space is refused outright.
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\s]")


@dataclass(frozen=True)
class Guard:
    """The server's security settings: the Host values it answers to, its access token, its CSRF secret."""

    allowed_hosts: frozenset[str]
    access_token: str | None = None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def csrf_token(self, session: str) -> str:
        """The form token of a session: an HMAC of its id, so a token is useless without the cookie."""
        digest = hmac.new(self.secret, session.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def library_secret(store) -> bytes:
    """The library's HMAC secret (meta "web_secret"), made on first use; a fresh one per run if it cannot be kept."""
    from blogreader.errors import StoreError

    kept = store.get_meta(SECRET_KEY)
    if kept and len(kept) >= 43:
        return base64.urlsafe_b64decode(kept + "=" * (-len(kept) % 4))
    fresh = secrets.token_bytes(32)
    try:  # two servers starting at once both keep the first one written, so each accepts the other's forms
        kept = store.keep_meta(SECRET_KEY, base64.urlsafe_b64encode(fresh).rstrip(b"=").decode("ascii"))
        if len(kept) >= 43:
            return base64.urlsafe_b64decode(kept + "=" * (-len(kept) % 4))
        store.set_meta(SECRET_KEY, base64.urlsafe_b64encode(fresh).rstrip(b"=").decode("ascii"))  # a short one
    except StoreError as exc:
        log.info("cannot keep the web secret in the library (%s); forms and images will not outlive this run", exc)
    return fresh


def local_path(target: str | None) -> str | None:
    """`target` when every browser reads it as a path on this server, else None ("//evil", "/\\evil", "https:..")."""
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\") or _UNSAFE_IN_PATH.search(target):
        return None
    return target


def is_loopback(host: str) -> bool:
    """Does `host` (an address or name given to --host) only listen on this machine?"""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The Host header values a server bound to host:port answers to."""
    names: set[str] = {_bracket(name) for name in extra}
    if is_loopback(host):
        names.update(_LOOPBACK_NAMES)
    else:
        names.add(_bracket(host))
    if host in ("0.0.0.0", "::", ""):  # every interface: this machine's names and addresses
        names.update(_LOOPBACK_NAMES)
        hostname = socket.gethostname()
        names.update({hostname, socket.getfqdn()})
        try:
            names.update(_bracket(address) for address in socket.gethostbyname_ex(hostname)[2])
        except OSError:
            log.info("cannot resolve %s; only the names given with --allow-host are accepted", hostname)
    values = {f"{name.lower()}:{port}" for name in names if name}
    if port == 80:
        values |= {name.lower() for name in names if name}
    return frozenset(values)


def _bracket(name: str) -> str:
    """IPv6 addresses appear in Host headers in brackets."""
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def new_access_token() -> str:
    return secrets.token_urlsafe(24)


class SecurityMiddleware:
    """Host check, access token, session cookie, CSP nonce and security headers for every response."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        cookies = _cookies(scope)
        session = cookies.get(SESSION_COOKIE, "")
        new_session = not _SESSION_ID.match(session)
        if new_session:
            session = secrets.token_urlsafe(32)
        state = scope.setdefault("state", {})
        state.update(csp_nonce=nonce, session=session, csrf_token=self.guard.csrf_token(session))
        set_cookies = [_cookie(SESSION_COOKIE, session)] if new_session else []
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(nonce).items():
                    if name == "Content-Security-Policy" and name in headers:
                        continue  # a route's own policy (an image's "default-src 'none'") is stricter
                    headers[name] = value
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                for cookie in set_cookies:
                    headers.append("Set-Cookie", cookie)
            await send(message)

        host = _header(scope, b"host").lower()
        if host not in self.guard.allowed_hosts:
            response = PlainTextResponse(
                "400 Bad Request: this server does not answer to that Host name; open it at the address "
                "`blogreader serve` printed", status_code=400)
            await response(scope, receive, send_with_headers)
            return
        token = self.guard.access_token
        if token is not None and not await self._admitted(scope, receive, send_with_headers, cookies, set_cookies):
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unexpected error serving %s", scope.get("path"))
            if started:
                raise
            response = PlainTextResponse(
                "500 Internal Server Error: something went wrong; rerun `blogreader --debug serve` to see why",
                status_code=500)
            await response(scope, receive, send_with_headers)

    async def _admitted(self, scope: Scope, receive: Receive, send: Send, cookies: dict[str, str],
                        set_cookies: list[str]) -> bool:
        """True when the request carries the access token; else answers it (redirect or 401)."""
        token = self.guard.access_token
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        offered = dict(query).get("token")
        if offered is not None and _same(offered, token):
            rest = urlencode([(name, value) for name, value in query if name != "token"])
            set_cookies.append(_cookie(ACCESS_COOKIE, token))
            # The path as the browser sent it: decoded, "/%2F%2Fevil.example/" would read as another site.
            path = (scope.get("raw_path") or b"").decode("latin-1") or scope["path"]
            target = local_path(path + (f"?{rest}" if rest else "")) or "/"
            response = RedirectResponse(target, status_code=303)
            await response(scope, receive, send)
            return False
        if _same(cookies.get(ACCESS_COOKIE, ""), token):
            return True
        response = PlainTextResponse(
            "401 Unauthorized: this BlogReader listens beyond this machine, so it needs its access token; "
            "open the URL with ?token=... that `blogreader serve` printed", status_code=401)
        await response(scope, receive, send)
        return False


def security_headers(nonce: str) -> dict[str, str]:
    """The headers every response carries."""
    policy = (
        "default-src 'none'; "
        f"script-src 'nonce-{nonce}'; "
        "style-src 'self'; "
        "img-src 'self' data:; "  # remote images only through /media: a page never reports its reader
        "connect-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


async def require_csrf(request: Request) -> None:
    """Refuse a state-changing request that is cross-site or lacks this session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise HTTPException(403, "this form came from another site; BlogReader only accepts its own forms")
    # With Referrer-Policy: no-referrer a browser sends "Origin: null" even for the page's own forms.
    origin = request.headers.get("origin")
    if origin not in (None, "null") and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        raise HTTPException(403, "this form came from another site; BlogReader only accepts its own forms")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    if not _same(sent, request.state.csrf_token):
        raise HTTPException(403, "the form's security token is missing or stale; reload the page and try again")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def _cookie(name: str, value: str) -> str:
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookies(scope: Scope) -> dict[str, str]:
    raw = _header(scope, b"cookie")
    return cookie_parser(raw) if raw else {}
