"""`export`: the subscriptions as OPML, or the whole library as JSON.

Both keep every character, but C1 and bidirectional controls are written as escapes, so a terminal
or an editor showing the export shows the text as it is.
"""

from __future__ import annotations

from blogreader import __version__
from blogreader.clock import utc_now
from blogreader.publish.common import json_text, xml_text
from blogreader.sources.opml import write_opml
from blogreader.store import EntryFilter, Store


def export_opml(store: Store) -> str:
    """The subscriptions as OPML 2.0, grouped by category."""
    return xml_text(write_opml(store.sources()))


def export_json(store: Store) -> str:
    """Sources and every entry (hidden ones included) with their full fields."""
    counts = store.source_entry_counts()
    sources = [
        {**source.__dict__, "entries": counts.get(source.id, 0)} for source in store.sources()
    ]
    for source in sources:
        for private in ("etag", "last_modified", "body_hash"):
            source.pop(private, None)
    entries = [
        store.entry(entry.id).to_json(full=True)
        for entry in store.list_entries(EntryFilter(include_hidden=True, limit=None))
    ]
    document = {"blogreader": __version__, "exported": utc_now(), "sources": sources, "entries": entries}
    return json_text(document) + "\n"
