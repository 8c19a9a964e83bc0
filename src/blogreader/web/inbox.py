"""The inbox: unread entries filtered by category, source and kind, a page at a time, with unread counts beside it;
roundup items shown under their roundup; a summary or compact view, newest or oldest first."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Query, Request

from blogreader.store import EntryFilter, Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page, query_string

router = APIRouter()

PER_PAGE = 50
COUNT_CAP = 1000  # counted exactly up to here: the count's cost must not grow with the library
SOURCE_CHOICES = 300  # sources offered in the filter; with more, the Sources page links to each one's entries
SIDEBAR_SOURCES = 100  # sources with unread entries listed beside the inbox, most unread first past this
VIEWS = ("summary", "compact")
VIEW_COOKIE = "blogreader_view"


@dataclass(frozen=True)
class Filters:
    """What the inbox shows, as read from its query string."""

    category: str | None
    source: int | None
    kind: str | None
    state: str
    order: str

    def spec(self, limit: int | None = PER_PAGE + 1) -> EntryFilter:
        return EntryFilter(unread=self.state == "unread", category=self.category, source_id=self.source,
                           kind=self.kind, limit=limit)

    @property
    def grouped(self) -> bool:
        return self.kind != "link"  # asked for links, they are listed; otherwise under their roundup

    def link(self, number: int = 1, **changes) -> str:
        shown = {"category": self.category, "source": self.source, "kind": self.kind,
                 "state": None if self.state == "unread" else "all",
                 "order": None if self.order == "newest" else "oldest", **changes}
        return "/" + query_string(**shown, page=number if number > 1 else None)


def read_filters(category: str = "", source: str = "", kind: str = "", state: str = "unread",
                 order: str = "newest") -> Filters:
    """Filters from query or form fields; anything unknown is no filter."""
    return Filters(
        category=category.strip() or None,
        source=int(source) if source.isascii() and source.isdigit() and len(source) < 12 else None,
        kind=kind if kind in ("post", "link") else None,
        state="all" if state == "all" else "unread",
        order="oldest" if order == "oldest" else "newest",
    )


@router.api_route("/", methods=["GET", "HEAD"])
def inbox(request: Request, store: Store = Depends(get_store), category: str = "", source: str = "",
          kind: str = "", state: str = "unread", order: str = "newest", view: str = "",
          number: int = Query(1, ge=1, le=100_000, alias="page"), marked: int | None = Query(None, ge=0),
          undo: str = Query("", max_length=40), restored: int | None = Query(None, ge=0)):
    """Unread entries (or all, with state=all); promotions and duplicates stay hidden (see /hidden)."""
    filters = read_filters(category, source, kind, state, order)
    chosen = view if view in VIEWS else request.cookies.get(VIEW_COOKIE, "summary")
    chosen = chosen if chosen in VIEWS else "summary"
    spec = filters.spec()
    rows = store.entries_page(spec, offset=(number - 1) * PER_PAGE, oldest_first=filters.order == "oldest",
                              grouped=filters.grouped)
    total = store.count_upto(spec, COUNT_CAP, grouped=filters.grouped)
    counts = store.unread_counts()
    shown = rows[:PER_PAGE]
    items = store.roundup_items([entry.id for entry in shown if entry.kind == "post" and filters.grouped])
    response = page(
        request, "inbox.html", entries=shown, total=total, capped=total > COUNT_CAP, cap=COUNT_CAP,
        filters=filters, categories=[name for name, _ in counts.categories], number=number, view=chosen,
        counts=counts, sidebar=_sidebar(counts.sources, filters.source), items=items,
        sources=store.source_choices(SOURCE_CHOICES + 1, filters.source), choices=SOURCE_CHOICES,
        last_page=max(1, -(-total // PER_PAGE)), newer=filters.link(number - 1) if number > 1 else None,
        older=filters.link(number + 1) if len(rows) > PER_PAGE else None, listing=filters.link(number),
        marked=marked, undo=undo, restored=restored,
        other_view=filters.link(number, view="compact" if chosen == "summary" else "summary"),
        other_order=filters.link(1, order=None if filters.order == "oldest" else "oldest"),
    )
    if view in VIEWS:  # the choice is remembered for the next visit
        response.set_cookie(VIEW_COOKIE, view, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response


def _sidebar(sources: list[tuple[int, str, int]], chosen: int | None) -> list[tuple[int, str, int]]:
    """The sources listed beside the inbox: all of them, or past SIDEBAR_SOURCES the ones with most unread."""
    if len(sources) <= SIDEBAR_SOURCES:
        return sources
    kept = {source[0] for source in sorted(sources, key=lambda source: -source[2])[:SIDEBAR_SOURCES]}
    return [source for source in sources if source[0] in kept or source[0] == chosen]
