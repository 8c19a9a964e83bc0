"""The Atom 1.0 feed of picked entries, newest first, built with ElementTree so everything is escaped."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

from blogreader import __version__
from blogreader.models import Entry
from blogreader.publish.common import one_line, plain_text, safe_url

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 forbids even when escaped; a stray one would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value: str | None) -> str:
    return plain_text(_NOT_XML.sub("", value or ""))


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {name: _text(value) for name, value in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _entry_id(entry: Entry) -> str:
    link = safe_url(entry.canonical_url) or safe_url(entry.url)
    return link or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'blogreader-entry:{entry.id}:{entry.title}')}"


def render_atom(entries: list[Entry], title: str, description: str | None, site_url: str | None, now: str) -> str:
    """Atom XML for picked `entries` (newest picked first); `now` is the feed's date when it has no entries."""
    ET.register_namespace("", ATOM)
    newest = sorted(entries, key=lambda entry: (entry.picked_at or "", entry.id), reverse=True)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "title", one_line(title), type="text")
    if description:
        _add(feed, "subtitle", one_line(description), type="text")
    home = safe_url(site_url)
    _add(feed, "id", home or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'blogreader-collection:' + title)}")
    _add(feed, "updated", max((_updated(entry) for entry in newest), default=now))
    if home:
        _add(feed, "link", href=home.rstrip("/") + "/feed.xml", rel="self", type="application/atom+xml")
        _add(feed, "link", href=home, rel="alternate", type="text/html")
    author = _add(feed, "author")
    _add(author, "name", one_line(title))
    _add(feed, "generator", "BlogReader", version=__version__)
    for entry in newest:
        _add_entry(feed, entry)
    ET.indent(feed, space="  ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _updated(entry: Entry) -> str:
    return max(filter(None, (entry.picked_at, entry.updated, entry.published)), default="1970-01-01T00:00:00Z")


def _add_entry(feed: ET.Element, entry: Entry) -> None:
    element = _add(feed, "entry")
    _add(element, "title", one_line(entry.title) or "(untitled)", type="text")
    link = safe_url(entry.url)
    if link:
        _add(element, "link", href=link, rel="alternate")
    _add(element, "id", _entry_id(entry))
    _add(element, "published", entry.published or entry.picked_at or _updated(entry))
    _add(element, "updated", _updated(entry))
    if entry.author:
        _add(_add(element, "author"), "name", one_line(entry.author))
    if entry.category:
        _add(element, "category", term=one_line(entry.category))
    if entry.summary:
        _add(element, "summary", entry.summary, type="text")
    if entry.note:
        _add(element, "content", "\n\n".join(filter(None, (entry.summary, entry.note))), type="text")
