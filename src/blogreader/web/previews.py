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
# Weeks whose dates, the weeks either side, and their four-digit timestamps all exist.
FIRST_WEEK, LAST_WEEK = "1000-W02", "9998-W52"


@router.get("/preview/{output}")
def preview(request: Request, output: str, week: str = "", store: Store = Depends(get_store)):
    """The output's text exactly as `publish` would write it; nothing is written."""
    if output not in PREVIEWS:
        raise HTTPException(404, f"no preview of {output!r}; there are {', '.join(PREVIEWS)}")
    chosen = _week(week.strip() or current_week()) if output == "digest" else None
    published = publish(store, request.app.state.settings, output, out=STDOUT, week=chosen)
    weeks = _around(chosen) if chosen else None
    return page(request, "preview.html", output=output, label=PREVIEWS[output], previews=PREVIEWS,
                text=published.text or "", entries=published.entries, week=chosen, weeks=weeks)


def _week(spelled: str) -> str:
    """The ISO week's name ("2026-W15"); 400 for a bad spelling, 404 for a week no digest can cover."""
    try:
        name = iso_week(spelled).name  # a bad spelling, or a week 53 a year lacks, is a UsageError: 400
    except OverflowError:  # the week after 9999-W52 is past the calendar's end
        name = None
    if name is None or not FIRST_WEEK <= name.zfill(8) <= LAST_WEEK:
        raise HTTPException(404, f"no digest for week {spelled[:20]!r}: weeks run from {FIRST_WEEK} to {LAST_WEEK}")
    return name


def _around(week: str) -> tuple[str | None, str | None]:
    """The ISO weeks before and after `week`, None past either end."""
    monday = date.fromisoformat(iso_week(week).start[:10])

    def name(day: date) -> str | None:
        year, number, _ = day.isocalendar()
        shown = f"{year}-W{number:02d}"
        return shown if FIRST_WEEK <= shown <= LAST_WEEK else None

    return name(monday - timedelta(days=7)), name(monday + timedelta(days=7))
