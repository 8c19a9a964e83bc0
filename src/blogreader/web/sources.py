"""Sources: the subscriptions with their status and last error; add, fetch now, remove."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request

from blogreader.errors import BlogReaderError, NotFoundError, UsageError
from blogreader.store import Store
from blogreader.web import jobs
from blogreader.web.jobs import jobs_of
from blogreader.web.stores import RowId, get_store
from blogreader.web.templating import back, page, query_string

router = APIRouter()
router.include_router(jobs.router)  # GET /jobs/{id}: how far a "Fetch now" got

PER_PAGE = 100


@router.get("/sources")
def sources(request: Request, store: Store = Depends(get_store), added: int | None = None,
            fetched: int | None = None, removed: str = "", saved: int | None = None,
            new: int = Query(0, ge=0, le=10**9), busy: bool = False, number: int = Query(1, ge=1, le=1_000_000, alias="page"),
            job: str = Query("", max_length=40)):
    """The sources, a page at a time, with entry counts and state; `added`, `job`... say what the last form did."""
    return _sources_page(request, store, number=number, added=added, fetched=fetched, removed=removed, saved=saved,
                         new=new, busy=busy, job=jobs_of(request.app).get(job) if job else None, job_gone=bool(job))


@router.post("/sources")
def add(request: Request, url: Annotated[str, Form(max_length=2000)] = "",
        name: Annotated[str, Form(max_length=500)] = "", category: Annotated[str, Form(max_length=200)] = "",
        store: Store = Depends(get_store)):
    """Subscribe, as `blogreader add URL`: a feed, a page advertising one, a listing page, or an article saved once."""
    from blogreader.pipeline import add_source

    try:
        if not url.strip():
            raise UsageError("give the address of a feed, blog or article to add")
        added = add_source(store, request.app.state.settings, url.strip(), name=name.strip() or None,
                           category=category.strip() or None)
    except BlogReaderError as exc:
        status = 400 if isinstance(exc, UsageError) else 502
        return _sources_page(request, store, status_code=status, error=str(exc), form={"url": url, "name": name,
                                                                                       "category": category})
    if added.source is None:
        return back(f"/sources?saved={added.entry_id}", "/sources")
    return back(f"/sources?added={added.source.id}", "/sources")


@router.post("/sources/{source_id}/fetch")
def fetch(request: Request, source_id: RowId, store: Store = Depends(get_store)):
    """Fetch one source now in the background; the sources page follows the job (GET /jobs/{id})."""
    source = store.source(source_id)  # an unknown id is a 404, as before
    job = jobs_of(request.app).start(source)
    return back(f"/sources?job={job.id}", "/sources")


@router.get("/sources/{source_id}/remove")
def confirm_remove(request: Request, source_id: RowId, store: Store = Depends(get_store)):
    """Removing deletes entries, so it asks first (a page, not a script dialog)."""
    source = store.source(source_id)
    return page(request, "remove_source.html", source=source, entries=store.source_entry_count(source_id))


@router.post("/sources/{source_id}/remove")
def remove(request: Request, source_id: RowId, store: Store = Depends(get_store)):
    """Unsubscribe, as `blogreader remove SOURCE`: picked, starred and noted entries stay."""
    source = store.source(source_id)
    removed, kept = store.remove_source(source_id)
    return back(f"/sources?removed={removed}-{kept}-{source.id}", "/sources")


def _sources_page(request: Request, store: Store, status_code: int = 200, number: int = 1, **context):
    removed = context.pop("removed", "") or ""
    parts = removed.split("-")
    context["removed"] = tuple(map(int, parts)) if len(parts) == 3 and all(p.isdigit() for p in parts) else None
    context.setdefault("form", {"url": "", "name": "", "category": ""})
    context.setdefault("error", None)
    for name in ("added", "fetched"):  # the source the message is about, wherever it is in the list
        context[name] = _source_or_none(store, context.get(name))
    context["fetched_entries"] = store.source_entry_count(context["fetched"].id) if context["fetched"] else 0
    context.setdefault("saved", None)
    context.setdefault("new", 0)
    context.setdefault("busy", False)
    context.setdefault("job", None)
    context["job_gone"] = context.get("job_gone", False) and context["job"] is None
    total = store.count_sources()
    last_page = max(1, -(-total // PER_PAGE))
    rows = store.sources_page((number - 1) * PER_PAGE, PER_PAGE)

    def link(n: int) -> str:
        return "/sources" + query_string(page=n if n > 1 else None)

    return page(request, "sources.html", status_code=status_code, rows=rows, total=total, number=number,
                last_page=last_page, newer=link(number - 1) if number > 1 else None,
                older=link(number + 1) if number < last_page else None, first=link(1), **context)


def _source_or_none(store: Store, source_id: int | None):
    if source_id is None or not 0 < source_id < 2**63:
        return None
    try:
        return store.source(source_id)
    except NotFoundError:
        return None
