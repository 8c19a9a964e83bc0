"""Subscriptions: the list with folders, subscribe, unsubscribe, rename, move between folders, quick add."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse, PlainTextResponse

from blogreader.errors import BlogReaderError, NotFoundError, UsageError
from blogreader.web.api.common import ApiError, Params, authorize, parse_stream, read_params

router = APIRouter(prefix="/reader/api/0")

LABEL = "user/-/label/"
MAX_STREAMS = 100


@router.get("/subscription/list")
def subscription_list(request: Request, params: Params = Depends(read_params)):
    """Every source, with its folder (the source's category) as a label."""
    store = authorize(request, params)
    subscriptions = []
    for row in store.api_subscriptions():
        folder = row["category"]
        subscriptions.append({
            "id": f"feed/{row['id']}",
            "title": row["title"] or row["url"],
            "categories": [{"id": f"{LABEL}{folder}", "label": folder, "type": "folder"}] if folder else [],
            "url": row["url"],
            "htmlUrl": row["site_url"] or row["url"],
            "iconUrl": "",
        })
    return JSONResponse({"subscriptions": subscriptions})


@router.post("/subscription/edit")
def subscription_edit(request: Request, params: Params = Depends(read_params)):
    """ac=subscribe|unsubscribe|edit for each s (feed/ID or feed/URL), with t (title), a and r (folders)."""
    store = authorize(request, params, write=True)
    action, streams, titles = params.get("ac"), params.all("s"), params.all("t")
    if action not in ("subscribe", "unsubscribe", "edit"):
        raise ApiError(400, "Bad Request: ac must be subscribe, unsubscribe or edit")
    if not streams or len(streams) > MAX_STREAMS:
        raise ApiError(400, f"Bad Request: name 1 to {MAX_STREAMS} subscriptions with s=feed/...")
    folder = _label(params.get("a"))
    clear_folder = folder is None and _label(params.get("r")) is not None
    for index, stream_id in enumerate(streams):
        if not stream_id.startswith("feed/") or len(stream_id) == 5:
            raise ApiError(400, f"Bad Request: {stream_id[:200]!r} is not a subscription; use feed/ID or feed/URL")
        title = (titles[index] if index < len(titles) else "").strip() or None
        if action == "subscribe":
            if stream_id[5:].isdigit():  # already a subscription: nothing to add (as FreshRSS does)
                parse_stream(store, stream_id)
            else:
                _subscribe(request, store, stream_id[5:], title, folder)
            continue
        source_id = parse_stream(store, stream_id).source_id
        if action == "unsubscribe":
            store.remove_source(source_id)
        else:
            store.api_edit_source(source_id, title=title, folder=folder, clear_folder=clear_folder)
    return PlainTextResponse("OK")


@router.post("/subscription/quickadd")
def quickadd(request: Request, params: Params = Depends(read_params)):
    """Subscribe to `quickadd` (a feed, or a page that advertises one), as `blogreader add URL`."""
    store = authorize(request, params, write=True)
    url = (params.get("quickadd") or "").strip()
    if url.startswith("feed/"):
        url = url[5:]
    if not url:
        raise ApiError(400, "Bad Request: send the address to subscribe to as quickadd=URL")
    try:
        source = _subscribe(request, store, url, None, None)
    except ApiError as exc:
        return JSONResponse({"numResults": 0, "query": url, "error": exc.message}, status_code=exc.status)
    return JSONResponse({"numResults": 1, "query": url, "streamId": f"feed/{source.id}",
                         "streamName": source.title or source.url})


def _subscribe(request: Request, store, url: str, title: str | None, folder: str | None):
    from blogreader.pipeline import add_source

    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise ApiError(400, f"Bad Request: {url[:200]!r} is not an http(s) address of a feed or blog")
    try:
        added = add_source(store, request.app.state.settings, url, name=title, category=folder)
    except (NotFoundError, UsageError) as exc:
        raise ApiError(400, f"Bad Request: {exc}") from None
    except BlogReaderError as exc:
        raise ApiError(502, f"Bad Gateway: {exc}") from None
    if added.source is None:
        raise ApiError(400, f"Bad Request: {url[:200]} has no feed and is not a blog index; it was saved once as "
                            "an article instead")
    return added.source


def _label(stream_id: str | None) -> str | None:
    """The folder a label id names (user/-/label/NAME), or None."""
    if not stream_id or "/label/" not in stream_id or not stream_id.startswith("user/"):
        return None
    name = stream_id.split("/label/", 1)[1].strip()
    if not name or len(name) > 200:
        raise ApiError(400, "Bad Request: a folder's name has 1 to 200 characters")
    return name
