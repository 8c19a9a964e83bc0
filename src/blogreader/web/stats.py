"""Which sources are worth it: per source and per recommender, the share of entries read, picked and starred."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from blogreader.store import Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page

router = APIRouter()

PERIODS = [(30, "30 days"), (90, "90 days"), (365, "a year")]


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


@router.get("/sources/stats")
def source_stats(request: Request, days: Annotated[int, Query(ge=1, le=3650)] = 90,
                 store: Store = Depends(get_store)):
    """The shares all time and for the last `days`, month by month, and the sources nothing was picked from."""
    report = store.stats_report(days=days)
    return page(request, "source_stats.html", report=report, days=days, periods=PERIODS, percent=percent)
