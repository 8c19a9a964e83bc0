"""Streams: the ids of a stream's items, their contents a page at a time, and chosen items' contents."""

from __future__ import annotations

import re
import time
from datetime import datetime
from html import escape

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from blogreader.web.api.common import (READ, READING_LIST, STARRED, ApiError, Params, authorize, item_id, long_id,
                                       parse_stream, read_params, with_filters)
from blogreader.web.api.media import Shower

router = APIRouter(prefix="/reader/api/0")

MAX_IDS = 10_000  # stream/items/ids: apps ask for a few thousand ids at once
MAX_ITEMS = 1_000  # stream/contents and items/contents: each item carries its whole HTML
DEFAULT_COUNT = 20
_CONTINUATION = re.compile(r"^([0-9T:Z.+-]{1,40})_(\d{1,19})$")


@router.get("/stream/contents")
@router.get("/stream/contents/{stream_id:path}")
def stream_contents(request: Request, stream_id: str = "", params: Params = Depends(read_params)):
    """A page of a stream's items with their contents; `c` continues where the last page stopped."""
    store = authorize(request, params)
    stream_id = stream_id or params.get("s") or READING_LIST
    refs, continuation = _page(store, stream_id, params, MAX_ITEMS)
    body = {"direction": "ltr", "id": stream_id, "title": _stream_title(store, stream_id),
            "self": [{"href": str(request.url)}], "updated": int(time.time()),
            "items": _items(request, store.api_items([ref for ref, _, _ in refs]))}
    if continuation:
        body["continuation"] = continuation
    return JSONResponse(body)


@router.get("/stream/items/ids")
def item_ids(request: Request, params: Params = Depends(read_params)):
    """The ids of a stream's items (`s`), newest first or `r=o` oldest first, `n` at a time."""
    store = authorize(request, params)
    stream_id = params.get("s")
    if not stream_id:
        raise ApiError(400, f"Bad Request: say which stream with s=..., e.g. s={READING_LIST}")
    refs, continuation = _page(store, stream_id, params, MAX_IDS)
    body: dict = {"itemRefs": [{"id": str(ref), "directStreamIds": [], "timestampUsec": str(_usec(date))}
                               for ref, _, date in refs]}
    if continuation:
        body["continuation"] = continuation
    return JSONResponse(body)


@router.api_route("/stream/items/contents", methods=["GET", "POST"])
def items_contents(request: Request, params: Params = Depends(read_params)):
    """The contents of the items named by `i` (repeated), in the long hex form or decimal."""
    store = authorize(request, params)
    wanted = params.all("i")
    if not wanted:
        raise ApiError(400, "Bad Request: name the items with i=ID (repeat it for several)")
    if len(wanted) > MAX_ITEMS:
        raise ApiError(400, f"Bad Request: ask for at most {MAX_ITEMS} items a call, not {len(wanted)}")
    ids = [item_id(value) for value in wanted]
    rows = store.api_items(ids)
    if params.get("r") == "o":
        rows.reverse()
    return JSONResponse({"direction": "ltr", "id": READING_LIST, "title": "Reading list",
                         "self": [{"href": str(request.url)}], "updated": int(time.time()),
                         "items": _items(request, rows)})


def _page(store, stream_id: str, params: Params, most: int) -> tuple[list[tuple[int, str, str]], str | None]:
    """Up to `n` (id, sort date, crawl time) of the stream after `c`, and the continuation when more may follow."""
    stream = with_filters(parse_stream(store, stream_id), store, params)
    count = _count(params.get("n"), most)
    after = None
    if params.get("c"):
        found = _CONTINUATION.match(params.get("c"))
        if found is None:
            raise ApiError(400, "Bad Request: c must be the continuation a previous answer gave")
        after = (found.group(1), int(found.group(2)))
    refs = store.api_entry_ids(stream, count + 1, after, oldest_first=params.get("r") == "o")
    if len(refs) <= count:
        return refs, None
    last_id, last_date, _ = refs[count - 1]
    return refs[:count], f"{last_date}_{last_id}"


def _count(value: str | None, most: int) -> int:
    if value is None or value == "":
        return DEFAULT_COUNT
    if not (value.isascii() and value.isdigit() and len(value) < 10) or int(value) < 1:
        raise ApiError(400, f"Bad Request: n must be a whole number from 1, not {value[:40]!r}")
    return min(int(value), most)  # apps ask for "all" with n=100000: a full page, then a continuation


def _stream_title(store, stream_id: str) -> str:
    if stream_id.startswith("feed/"):
        rows = {f"feed/{row['id']}": row["title"] or row["url"] for row in store.api_subscriptions()}
        return rows.get(stream_id, stream_id)
    if "/label/" in stream_id:
        return stream_id.split("/label/", 1)[1]
    return {READING_LIST: "Reading list", STARRED: "Starred"}.get(stream_id, stream_id)


def _items(request: Request, rows) -> list[dict]:
    show = Shower.of(request)
    full = request.app.state.settings.api.summary == "full"
    return [_item(row, show, full) for row in rows]


def _item(row, show: Shower, full: bool = False) -> dict:
    """One entry as FreshRSS and Miniflux shape an item: summary is BlogReader's, content the sanitized HTML."""
    added = _usec(row["added"])
    categories = [READING_LIST]
    if row["folder"]:
        categories.append(f"user/-/label/{row['folder']}")
    if row["category"] and row["category"] != row["folder"]:
        categories.append(f"user/-/label/{row['category']}")
    if row["read"]:
        categories.append(READ)
    if row["starred"]:
        categories.append(STARRED)
    link = [{"href": row["url"], "type": "text/html"}] if row["url"] else []
    source_id = row["source_id"]
    content = show(row["content_html"], row["url"])
    summary = escape(row["summary"] or "")
    if full:  # apps that show `summary` as the article get BlogReader's summary, then the post
        summary = (f"<p><em>{summary}</em></p>" if summary else "") + content
    return {
        "id": long_id(row["id"]),
        "crawlTimeMsec": str(added // 1000),
        "timestampUsec": str(added),
        "published": _usec(row["sort_date"]) // 1_000_000,
        "updated": _usec(row["updated"] or row["sort_date"]) // 1_000_000,
        "title": row["title"],
        "author": row["author"] or "",
        "canonical": [{"href": row["url"]}] if row["url"] else [],
        "alternate": link,
        "categories": categories,
        "origin": {"streamId": f"feed/{source_id}" if source_id else READING_LIST,
                   "title": (row["source_title"] or row["source_url"] or "Saved") if source_id else "Saved",
                   "htmlUrl": row["source_site"] or row["source_url"] or ""},
        "summary": {"direction": "ltr", "content": summary},
        "content": {"direction": "ltr", "content": content},
        "enclosure": [],
    }


def _usec(stamp: str | None) -> int:
    """A stored ISO 8601 time in microseconds since 1970 (0 when there is none)."""
    if not stamp:
        return 0
    try:
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()) * 1_000_000
    except ValueError:
        return 0
