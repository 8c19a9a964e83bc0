"""The collection: what you picked, a month at a time, newest month first, a page at a time within a month."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request

from blogreader.errors import UsageError
from blogreader.store import Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page, query_string

router = APIRouter()

PER_PAGE = 100
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@router.get("/collection")
def collection(request: Request, month: str = "", store: Store = Depends(get_store),
               number: int = Query(1, ge=1, le=100_000, alias="page")):
    """The picks of one month (default: the newest), in the order picked, with the list of months."""
    months = store.picked_months()
    chosen = month or (months[0][0] if months else None)
    entries, picked = [], 0
    if chosen:
        match = _MONTH.match(chosen)
        if not match:
            raise UsageError(f"month {chosen!r} is not YYYY-MM, such as 2026-03")
        year, number_of_month = int(match.group(1)), int(match.group(2))
        end = f"{year + 1:04d}-01" if number_of_month == 12 else f"{year:04d}-{number_of_month + 1:02d}"
        entries = store.picked_entries(since=f"{chosen}-01", until=f"{end}-01", limit=PER_PAGE + 1,
                                       offset=(number - 1) * PER_PAGE)
        picked = dict(months).get(chosen, 0)
    last_page = max(1, -(-picked // PER_PAGE))

    def link(n: int) -> str:
        return "/collection" + query_string(month=month or None, page=n if n > 1 else None)

    return page(request, "collection.html", months=months, month=chosen, entries=entries[:PER_PAGE], picked=picked,
                number=number, last_page=last_page, first=link(1), newer=link(number - 1) if number > 1 else None,
                older=link(number + 1) if len(entries) > PER_PAGE else None)
