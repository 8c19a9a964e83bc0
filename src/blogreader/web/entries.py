"""An entry's page, and triage: read, pick, star, note, edit; each a POST form, answered in place or by redirect."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request

from blogreader.errors import UsageError
from blogreader.store import EntryFilter, Store
from blogreader.store.linked_pages import page_fact
from blogreader.web.media import shown_html
from blogreader.web.stores import RowId, get_store
from blogreader.web.templating import back, entry_state, page, wants_json

router = APIRouter()

# A form's action -> (Store method, value): the same calls as `blogreader read/unread/pick/...`.
ACTIONS = {
    "read": ("set_read", True), "unread": ("set_read", False),
    "pick": ("set_picked", True), "unpick": ("set_picked", False),
    "star": ("set_starred", True), "unstar": ("set_starred", False),
    "promo": ("set_promo", True), "notpromo": ("set_promo", False),
}
INBOX = EntryFilter(unread=True)
MAX_FIELD = 20_000


@router.get("/entries/{entry_id}")
def show(request: Request, entry_id: RowId, store: Store = Depends(get_store)):
    """The entry with its sanitized content, its roundup items, and every triage form; opening it reads it
    (unless `[web] mark_read_on_open = false`)."""
    settings = request.app.state.settings
    opens = settings.web.mark_read_on_open
    entry = store.open_entry(entry_id) if opens else store.entry(entry_id)
    newer, older = store.neighbours(entry_id, INBOX)
    taxonomy = [category.name for category in settings.taxonomy]
    categories = sorted(set(taxonomy) | set(store.category_names()), key=str.casefold)
    mentions = store.mentions_of(entry_id)
    # The roundups naming the entry come with its mentions: one query fewer than asking for them apart.
    roundups = sorted({(m.roundup_id, m.roundup_title or "") for m in mentions if m.roundup_id is not None})
    waiting, failed_tries = store.linked_page_state(entry_id)
    # As `blogreader show` says it: no fetch reads a linked page with full_text off, so nothing waits then.
    page_said = page_fact(waiting and settings.enrich.full_text, failed_tries)
    return page(request, "entry.html", entry=entry, content=shown_html(request, entry.content_html, entry.url),
                items=store.children(entry_id), mentions=mentions, discussions=store.discussions_of(entry_id),
                roundups=roundups, newer=newer, older=older, categories=categories, page_said=page_said)


@router.post("/entries/{entry_id}/triage")
def triage(request: Request, entry_id: RowId, action: Annotated[str, Form()] = "",
           next_url: Annotated[str, Form(alias="next")] = "", store: Store = Depends(get_store)):
    """read / unread / pick / unpick / star / unstar / promo / notpromo."""
    if action not in ACTIONS:
        raise UsageError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    method, value = ACTIONS[action]
    getattr(store, method)([entry_id], value)
    return _answer(request, store, entry_id, next_url)


@router.post("/entries/{entry_id}/note")
def note(request: Request, entry_id: RowId, text: Annotated[str, Form(max_length=MAX_FIELD)] = "",
         next_url: Annotated[str, Form(alias="next")] = "", store: Store = Depends(get_store)):
    """Your own note on the entry; an empty note removes it."""
    store.set_note(entry_id, text.strip())
    return _answer(request, store, entry_id, next_url)


@router.post("/entries/{entry_id}/edit")
def edit(request: Request, entry_id: RowId, title: Annotated[str, Form(max_length=MAX_FIELD)] = "",
         summary: Annotated[str, Form(max_length=MAX_FIELD)] = "",
         category: Annotated[str, Form(max_length=200)] = "",
         next_url: Annotated[str, Form(alias="next")] = "", store: Store = Depends(get_store)):
    """Your title, summary and category; only the fields you changed become yours, a blank one is kept."""
    entry = store.entry(entry_id)
    changed = {name: value.strip() for name, value in (("title", title), ("summary", summary), ("category", category))
               if value.strip() and value.strip() != (getattr(entry, name) or "")}
    if changed:
        store.edit(entry_id, **changed)
    return _answer(request, store, entry_id, next_url)


def _answer(request: Request, store: Store, entry_id: int, next_url: str):
    if wants_json(request):
        return entry_state(store.entry(entry_id))
    return back(next_url, f"/entries/{entry_id}")
