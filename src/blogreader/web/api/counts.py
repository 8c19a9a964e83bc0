"""Unread counts: per subscription, per folder, per category and for the whole reading list."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import JSONResponse

from blogreader.web.api.common import READING_LIST, Params, authorize, read_params
from blogreader.web.api.streams import _usec

router = APIRouter(prefix="/reader/api/0")


@router.get("/unread-count")
def unread_count(request: Request, params: Params = Depends(read_params)):
    """Unread items, hidden promotions and duplicates left out, with the newest one's crawl time."""
    store = authorize(request, params)
    sources, folders, tags, (total, newest) = store.api_unread_counts()
    counts = [{"id": f"feed/{source_id}", "count": count, "newestItemTimestampUsec": str(_usec(last))}
              for source_id, count, last in sources]
    folder_names = {name.casefold() for name, _, _ in folders}
    counts += [{"id": f"user/-/label/{name}", "count": count, "newestItemTimestampUsec": str(_usec(last))}
               for name, count, last in folders]
    counts += [{"id": f"user/-/label/{name}", "count": count, "newestItemTimestampUsec": str(_usec(last))}
               for name, count, last in tags if name.casefold() not in folder_names]
    counts.append({"id": READING_LIST, "count": total, "newestItemTimestampUsec": str(_usec(newest))})
    return JSONResponse({"max": total, "unreadcounts": counts})
