"""The collection: what you picked, a month at a time, newest month first."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request

from blogreader.errors import UsageError
from blogreader.store import Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page

router = APIRouter()

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@router.get("/collection")
def collection(request: Request, month: str = "", store: Store = Depends(get_store)):
    """The picks of one month (default: the newest), in the order picked, with the list of months."""
    months = store.picked_months()
    chosen = month or (months[0][0] if months else None)
    entries = []
    if chosen:
        match = _MONTH.match(chosen)
        if not match:
            raise UsageError(f"month {chosen!r} is not YYYY-MM, such as 2026-03")
        year, number = int(match.group(1)), int(match.group(2))
        end = f"{year + 1}-01" if number == 12 else f"{year}-{number + 1:02d}"
        entries = store.picked_entries(since=f"{chosen}-01", until=f"{end}-01")
    return page(request, "collection.html", months=months, month=chosen, entries=entries)
