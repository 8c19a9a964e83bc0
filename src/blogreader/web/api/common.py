"""What every API call shares: its parameters, the login check, stream and item ids, failed-login limits."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from starlette.requests import Request

from blogreader.clock import iso
from blogreader.errors import NotFoundError
from blogreader.store.reader_api import ApiStream

MAX_BODY = 1024 * 1024  # a form of 1,000 item ids is about 60 KB
MAX_FIELDS = 5000
READING_LIST = "user/-/state/com.google/reading-list"
STARRED = "user/-/state/com.google/starred"
READ = "user/-/state/com.google/read"
UNREAD = "user/-/state/com.google/unread"
LONG_ID = "tag:google.com,2005:reader/item/"
_AUTH_HEADER = re.compile(r"^\s*GoogleLogin\s+auth=(\S{1,300})\s*$", re.IGNORECASE)
_STATE = re.compile(r"^user/[^/]{1,64}/state/com\.google/([a-z-]{1,40})$")
_LABEL = re.compile(r"^user/[^/]{1,64}/label/(.{1,200})$", re.DOTALL)
_HEX_ID = re.compile(r"^[0-9a-fA-F]{1,16}$")


class ApiError(Exception):
    """An answer other than 200: its status, a plain-text message that says what to do, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Params:
    """A call's parameters: the query string's, then (for a POST) the form body's; names may repeat."""

    pairs: tuple[tuple[str, str], ...]

    def get(self, name: str, default: str | None = None) -> str | None:
        return next((value for key, value in self.pairs if key == name), default)

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]


async def read_params(request: Request) -> Params:
    """The route dependency: query and form parameters, the body read up to MAX_BODY and parsed in one pass."""
    pairs = list(request.query_params.multi_items())
    if request.method == "POST":
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise ApiError(413, f"Payload Too Large: send at most {MAX_BODY // 1024} KB of form data a call")
        try:
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except ValueError:
            raise ApiError(400, f"Bad Request: the form has more than {MAX_FIELDS} fields") from None
    return Params(tuple(pairs))


def auth_token(secret: bytes, login: tuple[str, str]) -> str:
    """The ClientLogin token: the user and an HMAC of the password hash (a new password voids old tokens)."""
    user, password_hash = login
    return f"{user}/{_mac(secret, b'auth', password_hash)}"


def post_token(secret: bytes, login: tuple[str, str]) -> str:
    """The token `T` that calls which change something carry."""
    return _mac(secret, b"post", login[1])


def _mac(secret: bytes, purpose: bytes, password_hash: str) -> str:
    return hmac.new(secret, purpose + b"\0" + password_hash.encode("utf-8"), hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def authorize(request: Request, params: Params, *, write: bool = False):
    """This thread's Store, once the call's `Authorization: GoogleLogin auth=...` (and `T`, if `write`) checks out."""
    store = request.app.state.stores.get()
    login = store.api_login()
    if login is None:
        raise ApiError(404, "Not Found: the reader API is off; turn it on with `blogreader api-password`")
    secret = request.app.state.secret
    header = request.headers.get("authorization", "")
    found = _AUTH_HEADER.match(header) if len(header) < 400 else None
    if found is None or not _same(found.group(1), auth_token(secret, login)):
        raise ApiError(401, "Unauthorized: log in again (POST /accounts/ClientLogin with Email and Passwd) and "
                            "send `Authorization: GoogleLogin auth=TOKEN`")
    if write:
        token = params.get("T")
        # Reeder sends "x" and FeedMe nothing, as FreshRSS allows: the Authorization header, which no other
        # site can make a browser send, is what authenticates; a T that is given must be this one.
        if token not in (None, "", "x") and not _same(token, post_token(secret, login)):
            raise ApiError(401, "Unauthorized: the token T is stale; get a new one from /reader/api/0/token",
                           {"Google-Bad-Token": "true"})
    return store


def parse_stream(store, stream_id: str) -> ApiStream:
    """The entries a stream id names: the reading list, starred, read, a feed, a folder or a category."""
    if stream_id in ("", READING_LIST) or _state(stream_id) == "reading-list":
        return ApiStream()
    state = _state(stream_id)
    if state == "starred":
        return ApiStream(starred=True)
    if state == "read":
        return ApiStream(read=True)
    if state == "unread" or state == "kept-unread":
        return ApiStream(read=False)
    if stream_id.startswith("feed/"):
        ref = stream_id[5:]
        if ref.isascii() and ref.isdigit() and len(ref) < 19:
            store.source(int(ref))  # NotFoundError (404) names it when it is not a subscription
            return ApiStream(source_id=int(ref))
        source = store.source_by_url(ref)
        if source is None:
            raise NotFoundError(f"no subscription {stream_id}; /reader/api/0/subscription/list lists them")
        return ApiStream(source_id=source.id)
    label = _LABEL.match(stream_id)
    if label:
        name = label.group(1)
        return ApiStream(folder=name) if store.api_is_folder(name) else ApiStream(tag=name)
    raise ApiError(400, f"Bad Request: {stream_id[:200]!r} is not a stream; use feed/ID, user/-/label/NAME or "
                        f"{READING_LIST}")


def _state(stream_id: str) -> str | None:
    found = _STATE.match(stream_id)
    return found.group(1) if found else None


def with_filters(stream: ApiStream, store, params: Params) -> ApiStream:
    """`stream` narrowed by xt (exclude), it (include), ot (crawled since) and nt (crawled until)."""
    changes: dict = {}
    for exclude in params.all("xt"):
        if exclude == READ or _state(exclude) == "read":
            changes["read"] = False
        elif _state(exclude) == "unread":
            changes["read"] = True
        elif exclude == STARRED or _state(exclude) == "starred":
            changes["exclude_starred"] = True
    for include in params.all("it"):
        state = _state(include)
        if state == "read":
            changes["read"] = True
        elif state == "unread":
            changes["read"] = False
        elif state == "starred":
            changes["starred"] = True
    since, until = seconds(params.get("ot"), "ot"), seconds(params.get("nt"), "nt")
    if since is not None:
        changes["added_since"] = iso(datetime.fromtimestamp(since, UTC))
    if until is not None:
        changes["added_before"] = iso(datetime.fromtimestamp(until + 1, UTC))
    return replace(stream, **changes)


def seconds(value: str | None, name: str) -> int | None:
    """A Unix time given in seconds, milliseconds or microseconds (clients differ), as whole seconds."""
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 19):
        raise ApiError(400, f"Bad Request: {name} must be a Unix time (whole seconds), not {value[:40]!r}")
    number = int(value)
    while number > 100_000_000_000:  # past the year 5138 in seconds: milli- or microseconds
        number //= 1000
    return number


def item_id(value: str) -> int:
    """An item id in the long form (tag:google.com,2005:reader/item/HEX) or decimal."""
    text = value.strip()
    if text.startswith(LONG_ID) and _HEX_ID.match(text[len(LONG_ID):]):
        number = int(text[len(LONG_ID):], 16)
    elif text.isascii() and text.isdigit() and len(text) <= 19:
        number = int(text)
    else:
        raise ApiError(400, f"Bad Request: {value[:80]!r} is not an item id; send {LONG_ID}HEX or a decimal id")
    if not 0 < number < 2**63:
        raise ApiError(400, f"Bad Request: {value[:80]!r} is not an item id")
    return number


def long_id(entry_id: int) -> str:
    return f"{LONG_ID}{entry_id:016x}"


class FailedLogins:
    """A small limit on wrong passwords: 5 a minute from one address, 30 a minute in all."""

    PER_ADDRESS, IN_ALL, WINDOW, ADDRESSES = 5, 30, 60.0, 10_000

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._by_address: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def wait(self, address: str) -> int:
        """Seconds until `address` may try again (0: now)."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            recent = self._by_address.get(address, ())
            waits = [0.0]
            if len(recent) >= self.PER_ADDRESS:
                waits.append(recent[0] + self.WINDOW - now)
            if len(self._all) >= self.IN_ALL:
                waits.append(self._all[0] + self.WINDOW - now)
            return int(max(waits)) + (1 if max(waits) > 0 else 0)

    def failed(self, address: str) -> None:
        with self._lock:
            now = self.clock()
            self._expire(now)
            if address not in self._by_address and len(self._by_address) >= self.ADDRESSES:
                self._by_address.pop(next(iter(self._by_address)))
            self._by_address.setdefault(address, deque()).append(now)
            self._all.append(now)

    def _expire(self, now: float) -> None:
        horizon = now - self.WINDOW
        while self._all and self._all[0] <= horizon:
            self._all.popleft()
        for address in [a for a, times in self._by_address.items() if not times or times[-1] <= horizon]:
            del self._by_address[address]
        for times in self._by_address.values():
            while times and times[0] <= horizon:
                times.popleft()
