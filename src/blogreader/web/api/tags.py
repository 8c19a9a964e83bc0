"""Tags: read and starred on items (edit-tag), mark a whole stream read, and the list of labels."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, PlainTextResponse

from blogreader.clock import iso
from blogreader.web.api.common import (READ, STARRED, ApiError, Params, authorize, item_id, parse_stream,
                                       read_params, seconds)

router = APIRouter(prefix="/reader/api/0")

MAX_ITEMS = 10_000
_STATES = {"read": "read", "kept-unread": "unread", "starred": "starred"}


@router.get("/tag/list")
def tag_list(request: Request, params: Params = Depends(read_params)):
    """Starred, the folders (sources' categories) and BlogReader's categories of entries."""
    store = authorize(request, params)
    folders = store.api_folders()
    taken = {name.casefold() for name in folders}
    tags = [{"id": STARRED}]
    tags += [{"id": f"user/-/label/{name}", "type": "folder"} for name in folders]
    tags += [{"id": f"user/-/label/{name}", "type": "tag"} for name in store.category_names()
             if name.casefold() not in taken]
    return JSONResponse({"tags": tags})


@router.post("/edit-tag")
def edit_tag(request: Request, params: Params = Depends(read_params)):
    """Add (a) or remove (r) read and starred on the items i; ids no longer in the library are skipped."""
    store = authorize(request, params, write=True)
    wanted = params.all("i")
    if not wanted or len(wanted) > MAX_ITEMS:
        raise ApiError(400, f"Bad Request: name 1 to {MAX_ITEMS} items with i=ID")
    ids = store.api_existing_ids(list(dict.fromkeys(item_id(value) for value in wanted)))
    changes = [(_state(tag), True) for tag in params.all("a")] + [(_state(tag), False) for tag in params.all("r")]
    if not params.all("a") and not params.all("r"):
        raise ApiError(400, f"Bad Request: say what to add (a=...) or remove (r=...), e.g. a={READ}")
    for state, on in changes:
        if not ids or state is None:
            continue  # labels, likes and shares are not BlogReader's; apps send them and expect OK
        if state == "read":
            store.set_read(ids, on)
        elif state == "unread":
            store.set_read(ids, not on)
        else:
            store.set_starred(ids, on)
    return PlainTextResponse("OK")


@router.post("/mark-all-as-read")
def mark_all_as_read(request: Request, params: Params = Depends(read_params)):
    """Mark every item of the stream s read, up to the crawl time ts (microseconds) when given."""
    store = authorize(request, params, write=True)
    stream_id = params.get("s")
    if not stream_id:
        raise ApiError(400, "Bad Request: say which stream with s=...")
    stream = parse_stream(store, stream_id)
    before = seconds(params.get("ts"), "ts")
    if before is not None:
        stream = replace(stream, added_before=iso(datetime.fromtimestamp(before + 1, UTC)))
    store.api_mark_read(stream)
    return PlainTextResponse("OK")


def _state(tag: str) -> str | None:
    if tag.startswith("user/") and "/state/com.google/" in tag:
        return _STATES.get(tag.rsplit("/", 1)[1])
    return None
