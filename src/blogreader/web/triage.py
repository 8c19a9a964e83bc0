"""Clearing the inbox in bulk (a selection, a page, a source or category, older than a date or an entry,
everything) with undo; and the hidden view of promotions and duplicates, each restored with one button."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request

from blogreader.clock import parse_user_date
from blogreader.errors import UsageError
from blogreader.store import Store
from blogreader.web.inbox import read_filters
from blogreader.web.security import local_path
from blogreader.web.stores import RowId, get_store
from blogreader.web.templating import back, page, query_string

router = APIRouter()

MAX_IDS = 1000  # a selection or a page; more is what the filter scopes are for
PER_PAGE = 50


@router.post("/read")
def mark_read(request: Request, store: Store = Depends(get_store),
              ids: Annotated[list[str] | None, Form(max_length=MAX_IDS)] = None,
              scope: Annotated[str, Form()] = "",
              before: Annotated[str, Form(max_length=40)] = "",
              upto: Annotated[int | None, Form(ge=1, le=2**63 - 1)] = None,
              category: Annotated[str, Form(max_length=200)] = "", source: Annotated[str, Form(max_length=20)] = "",
              kind: Annotated[str, Form(max_length=10)] = "",
              next_url: Annotated[str, Form(alias="next")] = ""):
    """Mark read: scope=selection|page (the ids sent), all (what the filters match), before (a date), upto (an entry
    and everything older); the answer says how many, with a token to undo it."""
    filters = read_filters(category, source, kind)
    spec = filters.spec(limit=None)
    if scope in ("selection", "page"):
        chosen = [int(value) for value in ids or () if value.isascii() and value.isdigit() and len(value) < 19]
        if not chosen:
            raise UsageError("no entries were selected: tick some with x (or the boxes), then mark them read")
        marked = store.mark_read_matching(spec, ids=chosen)
    elif scope == "all":
        marked = store.mark_read_matching(spec)
    elif scope == "before":
        marked = store.mark_read_matching(spec, before=_date(before))
    elif scope == "upto":
        if upto is None:
            raise UsageError("say which entry to mark read up to")
        marked = store.mark_read_matching(spec, upto=upto)
    else:
        raise UsageError(f"unknown scope {scope[:20]!r}; use selection, page, all, before or upto")
    return back(_with(next_url, marked=str(marked.count), undo=marked.undo), "/")


@router.post("/read/undo")
def undo(request: Request, token: Annotated[str, Form(max_length=40)] = "",
         next_url: Annotated[str, Form(alias="next")] = "", store: Store = Depends(get_store)):
    """Put back as unread what the last bulk mark-read marked."""
    restored = store.undo_mark_read(token)
    return back(_with(next_url, restored=str(restored)), "/")


@router.get("/hidden")
def hidden(request: Request, store: Store = Depends(get_store),
           number: int = Query(1, ge=1, le=100_000, alias="page"), restored: int | None = Query(None, ge=1)):
    """Promotions and duplicates the inbox leaves out, newest first, each with a Restore button."""
    rows = store.hidden_page((number - 1) * PER_PAGE, PER_PAGE + 1)

    def link(n: int) -> str:
        return "/hidden" + query_string(page=n if n > 1 else None)

    return page(request, "hidden.html", rows=rows[:PER_PAGE], number=number, restored=restored,
                newer=link(number - 1) if number > 1 else None, older=link(number + 1) if len(rows) > PER_PAGE else None)


@router.post("/hidden/{entry_id}/restore")
def restore(request: Request, entry_id: RowId, next_url: Annotated[str, Form(alias="next")] = "",
            store: Store = Depends(get_store)):
    """Back into the inbox: no longer a promotion, no longer a duplicate."""
    store.restore_hidden(entry_id)
    return back(_with(next_url or "/hidden", restored=entry_id), "/hidden")


def _date(value: str) -> str:
    try:
        return parse_user_date(value.strip())
    except ValueError as exc:
        raise UsageError(f"{value[:40]!r} is not a date: give one as YYYY-MM-DD ({exc})") from None


def _with(next_url: str, **params) -> str:
    """`next_url` (a path of this app, else the inbox) with the bulk action's outcome in its query string,
    in place of an older outcome's."""
    target = local_path(next_url) or "/"
    path, _, query = target.partition("?")
    kept = [part for part in query.split("&") if part and part.split("=", 1)[0] not in
            ("marked", "undo", "restored", "page")]
    extra = query_string(**params).lstrip("?")
    joined = "&".join(kept + ([extra] if extra else []))
    return path + ("?" + joined if joined else "")
