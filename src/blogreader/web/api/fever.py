"""The Fever API (https://feedafever.com/api), for reader apps that speak it rather than the Google Reader API.

Served at /fever/ (as Miniflux does) and /api/fever.php (as FreshRSS does), with `?api` (optional here)
and the key `api_key` = md5("USER:PASSWORD") of the API login. It is on when the API password was set (by
`blogreader api-password`), which also keeps a salted hash of that key. Groups are the folders (the sources'
categories), feeds the sources, items the shown entries (promotions and duplicates stay hidden, roundup
items are items); saved is BlogReader's star. Each answer carries api_version, auth and
last_refreshed_on_time; a wrong key answers auth 0, as Fever does; a malformed call answers 400 with an
`error` that says what to send.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from html import escape

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from blogreader.clock import iso
from blogreader.store.reader_api import FEVER_PAGE, ApiStream
from blogreader.errors import NotFoundError
from blogreader.web.api.common import ApiError, Params, read_params, seconds
from blogreader.web.api.media import Shower
from blogreader.web.api.passwords import check_password

router = APIRouter()

PATHS = ("/fever", "/fever/", "/api/fever.php")
VERSION = 3
_KEY = re.compile(r"^[0-9a-fA-F]{32}$")
_ID = re.compile(r"^\d{1,18}$")
_IDS = 50  # with_ids names at most this many, as Fever allows


def fever_key(user: str, password: str) -> str:
    """The key a Fever app sends: md5 of "user:password", in hex."""
    return hashlib.md5(f"{user}:{password}".encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


def group_id(folder: str) -> int:
    """A folder's group id: stable across calls and restarts (a checksum of its name), never 0 (Kindling)."""
    return zlib.crc32(folder.casefold().encode("utf-8")) & 0x7FFFFFFF or 1


def fever(request: Request, params: Params = Depends(read_params)):
    """Every Fever call: authenticate, apply a `mark`, then answer each part asked for."""
    store = request.app.state.stores.get()
    if store.api_login() is None:
        raise ApiError(404, "Not Found: the reader API is off; turn it on with `blogreader api-password`")
    if not _authorized(request, store, params.get("api_key")):
        return _answer({}, auth=0)
    base = {"last_refreshed_on_time": _seconds(store.fever_refreshed())}
    try:
        body = {**base, **_mark(store, params)}
        body.update(_reads(request, store, params))
    except ApiError as exc:
        return _answer({**base, "error": exc.message.removeprefix("Bad Request: ")}, status=exc.status)
    except NotFoundError as exc:
        return _answer({**base, "error": str(exc)}, status=404)
    return _answer(body)


for _path in PATHS:
    router.add_api_route(_path, fever, methods=["GET", "POST"])


def _answer(body: dict, auth: int = 1, status: int = 200) -> JSONResponse:
    return JSONResponse({"api_version": VERSION, "auth": auth, **body}, status_code=status)


def _authorized(request: Request, store, key: str | None) -> bool:
    """Does `key` match the stored Fever key? A key checked once is remembered until the password changes."""
    stored = store.api_fever_key()
    failures = request.app.state.failed_logins
    address = request.client.host if request.client else "?"
    if stored is None or key is None or failures.wait(address):
        return False  # no key stored (a password set before Fever): set it again with `blogreader api-password`
    key = key.lower()
    known = getattr(request.app.state, "fever_known", None)
    if known and known[0] == stored:
        if hmac.compare_digest(known[1].encode(), key.encode("ascii", "replace")):
            return True
    if _KEY.match(key) and check_password(key, stored):
        request.app.state.fever_known = (stored, key)
        return True
    failures.failed(address)
    return False


def _reads(request: Request, store, params: Params) -> dict:
    """The parts of the library the call names: groups, feeds, favicons, items, links, id lists."""
    body: dict = {}
    asked = {name for name, _ in params.pairs}
    if "groups" in asked or "feeds" in asked:
        subscriptions = store.api_subscriptions()
        folders = store.api_folders()
        if "groups" in asked:
            body["groups"] = [{"id": group_id(name), "title": name} for name in folders]
        if "feeds" in asked:
            body["feeds"] = [{"id": row["id"], "favicon_id": 0, "title": row["title"] or row["url"],
                              "url": row["url"], "site_url": row["site_url"] or "", "is_spark": 0,
                              "last_updated_on_time": _seconds(row["last_fetched"])} for row in subscriptions]
        members: dict[int, list[str]] = {}
        for row in subscriptions:
            if row["category"]:
                members.setdefault(group_id(row["category"]), []).append(str(row["id"]))
        body["feeds_groups"] = [{"group_id": group, "feed_ids": ",".join(ids)} for group, ids in members.items()]
    if "favicons" in asked:
        body["favicons"] = []  # no icons are stored; apps draw their own
    if "links" in asked:
        body["links"] = []  # Fever's "hot" links; BlogReader's recommendations are its own pages
    if "items" in asked:
        body["items"] = _items(request, store, params)
        body["total_items"] = store.fever_total()
    if "unread_item_ids" in asked:
        body["unread_item_ids"] = _joined(store.fever_item_ids(unread=True))
    if "saved_item_ids" in asked:
        body["saved_item_ids"] = _joined(store.fever_item_ids(starred=True))
    return body


def _items(request: Request, store, params: Params) -> list[dict]:
    since, most, named = params.get("since_id"), params.get("max_id"), params.get("with_ids")
    if named not in (None, ""):
        parts = [part.strip() for part in named.split(",")[:_IDS + 1] if part.strip()]
        if len(parts) > _IDS or not all(_ID.match(part) for part in parts):
            raise ApiError(400, f"with_ids must be up to {_IDS} item ids separated by commas")
        rows = store.fever_items(with_ids=[int(part) for part in parts])
    else:  # feed_ids and group_ids narrow the items to some feeds, as several Fever servers allow
        sources = _sources(store, params.get("feed_ids"), params.get("group_ids"))
        if most not in (None, ""):
            rows = store.fever_items(max_id=_number(most, "max_id") or 2**63 - 1, source_ids=sources)  # 0: newest
        else:
            rows = store.fever_items(since_id=_number(since, "since_id") if since not in (None, "") else 0,
                                     source_ids=sources)
    show = Shower.of(request)
    return [_item(row, show) for row in rows[:FEVER_PAGE]]


def _sources(store, feeds: str | None, groups: str | None) -> list[int] | None:
    """The source ids that feed_ids and group_ids (comma-separated) name; None when neither is given."""
    if feeds in (None, "") and groups in (None, ""):
        return None
    wanted_feeds, wanted_groups = _id_list(feeds, "feed_ids"), set(_id_list(groups, "group_ids"))
    return wanted_feeds + [row["id"] for row in store.api_subscriptions()
                           if row["category"] and group_id(row["category"]) in wanted_groups]


def _id_list(value: str | None, name: str) -> list[int]:
    parts = [part.strip() for part in (value or "").split(",")[:1001] if part.strip()]
    if len(parts) > 1000 or not all(_ID.match(part) for part in parts):
        raise ApiError(400, f"{name} must be ids separated by commas")
    return [int(part) for part in parts]


def _item(row, show: Shower) -> dict:
    """One entry as a Fever item: BlogReader's summary opens the HTML, then the post."""
    summary = row["summary"]
    html = (f"<p><em>{escape(summary)}</em></p>" if summary else "") + show(row["content_html"], row["url"])
    return {"id": row["id"], "feed_id": row["source_id"] or 0, "title": row["title"] or "",
            "author": row["author"] or "", "html": html, "url": row["url"] or "",
            "is_saved": int(bool(row["starred"])), "is_read": int(bool(row["read"])),
            "created_on_time": _seconds(row["sort_date"] or row["added"])}


def _mark(store, params: Params) -> dict:
    """mark=item (read, unread, saved, unsaved) or mark=feed/group as=read before a time; the ids lists after."""
    kind = params.get("mark")
    if kind is None:
        return {}
    state, target = params.get("as"), params.get("id")
    if kind not in ("item", "feed", "group"):
        raise ApiError(400, "mark must be item, feed or group")
    if target is None or not re.fullmatch(r"-?\d{1,18}", target):
        raise ApiError(400, "mark needs id=N, the item's, feed's or group's id")
    number = int(target)
    if kind == "item":
        if state not in ("read", "unread", "saved", "unsaved"):
            raise ApiError(400, "as must be read, unread, saved or unsaved for mark=item")
        ids = store.api_existing_ids([number]) if number > 0 else []  # an item no longer kept: nothing to do
        if ids and state in ("read", "unread"):
            store.set_read(ids, state == "read")
        elif ids:
            store.set_starred(ids, state == "saved")
        if state in ("read", "unread"):
            return {"unread_item_ids": _joined(store.fever_item_ids(unread=True))}
        return {"saved_item_ids": _joined(store.fever_item_ids(starred=True))}
    if state != "read":
        raise ApiError(400, f"mark={kind} takes as=read")
    stream = _stream(store, kind, number)
    before = params.get("before")
    if before not in (None, ""):
        stream = replace(stream, added_before=iso(datetime.fromtimestamp(seconds(before, "before"), UTC)))
    if number >= 0:
        store.api_mark_read(stream)
    return {"unread_item_ids": _joined(store.fever_item_ids(unread=True))}


def _stream(store, kind: str, number: int) -> ApiStream:
    if kind == "feed":
        store.source(number)  # an unknown feed is a 404 that names it
        return ApiStream(source_id=number)
    if number <= 0:  # group 0 is Kindling (everything); -1 is Sparks, which BlogReader does not have
        return ApiStream()
    folder = next((name for name in store.api_folders() if group_id(name) == number), None)
    if folder is None:
        raise ApiError(404, f"no group {number}; ?api&groups lists them")
    return ApiStream(folder=folder)


def _number(value: str, name: str) -> int:
    if not _ID.match(value):
        raise ApiError(400, f"{name} must be a whole number, not {value[:40]!r}")
    return int(value)


def _joined(ids: list[int]) -> str:
    return ",".join(map(str, ids))


def _seconds(stamp: str | None) -> int:
    if not stamp:
        return 0
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return 0
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
