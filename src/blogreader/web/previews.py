"""Previews of the published outputs, rendered by the same publishers as `blogreader publish OUTPUT --out -`,
and the Publish button, which writes what `blogreader publish OUTPUT` writes."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from blogreader.publish.common import current_week, iso_week
from blogreader.publish.runner import STDOUT, default_path, publish
from blogreader.store import Store
from blogreader.web.media import shown_html
from blogreader.web.stores import get_store
from blogreader.web.templating import page

router = APIRouter()

PREVIEWS = {"readme": "Readme", "digest": "Digest", "feed": "Atom feed"}
# Weeks whose dates, the weeks either side, and their four-digit timestamps all exist.
FIRST_WEEK, LAST_WEEK = "1000-W02", "9998-W52"


@router.get("/preview/{output}")
def preview(request: Request, output: str, week: str = "", store: Store = Depends(get_store)):
    """The output as a reader will see it (Markdown rendered, the feed as entries) and its exact text; nothing is written."""
    if output not in PREVIEWS:
        raise HTTPException(404, f"no preview of {output!r}; there are {', '.join(PREVIEWS)}")
    return _preview(request, store, output, week)


@router.post("/publish/{output}")
def publish_now(request: Request, output: str, week: Annotated[str, Form(max_length=20)] = "",
                store: Store = Depends(get_store)):
    """Write the output where `blogreader publish OUTPUT` writes it (the library folder), and say where."""
    if output not in PREVIEWS:
        raise HTTPException(404, f"nothing to publish as {output!r}; there are {', '.join(PREVIEWS)}")
    chosen = _week(week.strip() or current_week()) if output == "digest" else None
    published = publish(store, request.app.state.settings, output, week=chosen)
    return _preview(request, store, output, week, published=published.summary_line(),
                    nothing_picked=published.entries == 0 and not published.skipped)


def _preview(request: Request, store: Store, output: str, week: str, **context):
    chosen = _week(week.strip() or current_week()) if output == "digest" else None
    published = publish(store, request.app.state.settings, output, out=STDOUT, week=chosen)
    text = published.text or ""
    weeks = _around(chosen) if chosen else None
    rendered = shown_html(request, render_markdown(text), None) if output != "feed" else None
    feed = [(entry, shown_html(request, entry.content_html or entry.summary_html, entry.url))
            for entry in feed_entries(text)] if output == "feed" else None
    context.setdefault("published", None)
    context.setdefault("nothing_picked", False)
    return page(request, "preview.html", output=output, label=PREVIEWS[output], previews=PREVIEWS, text=text,
                entries=published.entries, week=chosen, weeks=weeks, rendered=rendered, feed=feed,
                target=default_path(request.app.state.settings, output, chosen), **context)


@lru_cache(maxsize=4)  # markdown-it-py takes about 1 ms per KB; the readme only changes when the picks do
def render_markdown(text: str) -> str:
    """Markdown as HTML (CommonMark and GitHub's tables; raw HTML left as text); pages sanitize it before showing it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").render(text)


def feed_entries(text: str) -> list:
    """The Atom feed's entries as a feed reader reads them: parsed by BlogReader's own feed parser."""
    from blogreader.parse.feeds import parse_feed

    return parse_feed(text.encode("utf-8"), "http://localhost/feed.xml", keep_private_links=True).entries


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
