"""`export`: the subscriptions as OPML, or the whole library as JSON.

Both keep every character, but C1 and bidirectional controls are written as escapes, so a terminal
or an editor showing the export shows the text as it is.
"""

from __future__ import annotations

from blogreader import __version__
from blogreader.clock import utc_now
from blogreader.publish.common import json_text, xml_text
from blogreader.sources.opml import write_opml
from blogreader.store import Store

FORMAT = "blogreader-library-1"  # what `import` looks for to load a file as a whole library


def export_opml(store: Store) -> str:
    """The subscriptions as OPML 2.0, grouped by category."""
    return xml_text(write_opml(store.sources()))


def export_json(store: Store) -> str:
    """Sources and every entry (hidden ones included) with every stored field; `import` loads it back."""
    from blogreader.store.library_file import dump_library

    document = {"blogreader": __version__, "format": FORMAT, "exported": utc_now(), **dump_library(store.conn)}
    return json_text(document) + "\n"
