"""Full-text search over title, summary, text and note, best match first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from blogreader.errors import UsageError
from blogreader.store import Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page

router = APIRouter()

LIMIT = 50


@router.get("/search")
def search(request: Request, q: str = "", store: Store = Depends(get_store)):
    query = q.strip()[:500]
    results, problem = [], None
    if query:
        try:
            results = store.search(query, LIMIT)
        except UsageError as exc:
            problem = str(exc)
    return page(request, "search.html", query=query, results=results, problem=problem, limit=LIMIT)
