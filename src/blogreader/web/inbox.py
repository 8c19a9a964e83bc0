"""The inbox: unread entries, newest first, filtered by category, source and kind, a page at a time."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from blogreader.store import EntryFilter, Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page, query_string

router = APIRouter()

PER_PAGE = 50
COUNT_CAP = 1000  # counted exactly up to here: the count's cost must not grow with the library
SOURCE_CHOICES = 300  # sources offered in the filter; with more, the Sources page links to each one's entries


@router.get("/")
def inbox(request: Request, store: Store = Depends(get_store), category: str = "", source: str = "",
          kind: str = "", state: str = "unread", number: int = Query(1, ge=1, le=100_000, alias="page")):
    """Unread entries (or all, with state=all); promotions and duplicates stay hidden."""
    filters = {
        "category": category.strip() or None,
        "source": int(source) if source.isascii() and source.isdigit() and len(source) < 12 else None,
        "kind": kind if kind in ("post", "link") else None,
        "state": "all" if state == "all" else "unread",
    }
    spec = EntryFilter(unread=filters["state"] == "unread", category=filters["category"],
                       source_id=filters["source"], kind=filters["kind"], limit=PER_PAGE + 1)
    rows = store.entries_page(spec, offset=(number - 1) * PER_PAGE)
    total = store.count_upto(spec, COUNT_CAP)

    def link(n: int) -> str:
        shown = {**filters, "state": None if filters["state"] == "unread" else "all"}
        return "/" + query_string(**shown, page=n if n > 1 else None)

    return page(
        request, "inbox.html", entries=rows[:PER_PAGE], total=total, capped=total > COUNT_CAP, cap=COUNT_CAP,
        filters=filters, categories=store.category_names(), number=number,
        sources=store.source_choices(SOURCE_CHOICES + 1, filters["source"]), choices=SOURCE_CHOICES,
        last_page=max(1, -(-total // PER_PAGE)), newer=link(number - 1) if number > 1 else None,
        older=link(number + 1) if len(rows) > PER_PAGE else None,
    )
