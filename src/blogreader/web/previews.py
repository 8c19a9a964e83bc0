"""Previews of the published outputs, rendered by the same publishers as `blogreader publish OUTPUT --out -`."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, HTTPException, Request

from blogreader.publish.common import current_week, iso_week
from blogreader.publish.runner import STDOUT, publish
from blogreader.store import Store
from blogreader.web.stores import get_store
from blogreader.web.templating import page

router = APIRouter()

PREVIEWS = {"readme": "Readme", "digest": "Digest", "feed": "Atom feed"}


@router.get("/preview/{output}")
def preview(request: Request, output: str, week: str = "", store: Store = Depends(get_store)):
    """The output's text exactly as `publish` would write it; nothing is written."""
    if output not in PREVIEWS:
        raise HTTPException(404, f"no preview of {output!r}; there are {', '.join(PREVIEWS)}")
    chosen = week.strip() or current_week() if output == "digest" else None
    published = publish(store, request.app.state.settings, output, out=STDOUT, week=chosen)
    weeks = _around(chosen) if chosen else None
    return page(request, "preview.html", output=output, label=PREVIEWS[output], previews=PREVIEWS,
                text=published.text or "", entries=published.entries, week=chosen and iso_week(chosen).name,
                weeks=weeks)


def _around(week: str) -> tuple[str, str]:
    """The ISO weeks before and after `week`."""
    monday = date.fromisoformat(iso_week(week).start[:10])

    def name(day: date) -> str:
        year, number, _ = day.isocalendar()
        return f"{year}-W{number:02d}"

    return name(monday - timedelta(days=7)), name(monday + timedelta(days=7))
