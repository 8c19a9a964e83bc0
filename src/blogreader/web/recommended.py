"""Most recommended: the works the most distinct sources name in their roundups, over a chosen time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from blogreader.clock import iso
from blogreader.store import Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page

router = APIRouter()

LIMIT = 50
PERIODS = [(None, "All time"), (7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days")]


@router.get("/recommended")
def recommended(request: Request, days: Annotated[int | None, Query(ge=1, le=3650)] = None,
                store: Store = Depends(get_store)):
    since = iso(datetime.now(UTC) - timedelta(days=days)) if days else None
    ranked = store.most_recommended(since, LIMIT)
    names = store.recommender_names([entry.id for entry, _count in ranked])
    return page(request, "recommended.html", ranked=ranked, names=names, days=days, periods=PERIODS, limit=LIMIT)
