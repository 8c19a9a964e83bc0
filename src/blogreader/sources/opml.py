"""OPML subscription lists: read outlines with feed URLs, write our sources back out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from blogreader.errors import UsageError


@dataclass(frozen=True)
class Outline:
    """One subscription named in an OPML file."""

    url: str
    title: str | None
    category: str | None


def parse_opml(data: bytes, name: str = "OPML") -> list[Outline]:
    """Every outline with an xmlUrl; a folder outline's title becomes its children's category."""
    if b"<!ENTITY" in data[:65536]:
        raise UsageError(f"{name}: OPML with entity declarations is refused; remove the DOCTYPE")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UsageError(f"{name}: not valid OPML ({exc}); check the file") from None
    if root.tag.lower() != "opml":
        raise UsageError(f"{name}: not an OPML file (its root element is <{root.tag}>)")
    body = root.find("body")
    found: list[Outline] = []
    if body is not None:
        _walk(body, None, found)
    return found


def _walk(element: ET.Element, category: str | None, found: list[Outline]) -> None:
    for outline in element.findall("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        title = outline.get("title") or outline.get("text") or None
        if url:
            found.append(Outline(url, title, outline.get("category") or category))
        else:
            _walk(outline, title or category, found)


def write_opml(sources, title: str = "BlogReader subscriptions") -> str:
    """OPML 2.0 for `sources` (objects with url, title, site_url, category), grouped by category."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for source in sources:
        parent = body
        if source.category:
            if source.category not in folders:
                folders[source.category] = ET.SubElement(body, "outline", text=source.category, title=source.category)
            parent = folders[source.category]
        attrs = {"type": "rss", "text": source.title or source.url, "title": source.title or source.url, "xmlUrl": source.url}
        if source.site_url:
            attrs["htmlUrl"] = source.site_url
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def starter_outlines() -> list[Outline]:
    """The well-known AI/ML blogs a new library subscribes to."""
    data = resources.files("blogreader.sources").joinpath("starter.opml").read_bytes()
    return parse_opml(data, "starter.opml")
