"""OPML subscription lists: read outlines with feed URLs, write our sources back out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from blogreader.errors import UsageError

# Far more feeds than anyone reads; a list past it is a mistake or an attack, and each feed costs a fetch.
MAX_FEEDS = 10_000
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Outline:
    """One subscription named in an OPML file."""

    url: str
    title: str | None
    category: str | None
    kind: str = "feed"  # "listing": a blog index page with no feed, read as HTML


# Our mark on an outline for a blog index page: other readers see a plain link (no xmlUrl), never a feed.
KIND_ATTRIBUTE = "blogreaderKind"


def parse_opml(data: bytes, name: str = "OPML") -> list[Outline]:
    """Every outline with an xmlUrl; a folder outline's title becomes its children's category."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    reader = _OutlineReader(name)
    # No DTD at all, wherever it stands: OPML needs none, and a DTD is how entities (files, bombs) get in.
    parser = DefusedXMLParser(target=reader, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        for start in range(0, len(data), _CHUNK):  # in pieces: expat's buffer stays small, whatever the size
            parser.feed(data[start:start + _CHUNK])
        parser.close()
    except DefusedXmlException:
        raise UsageError(f"{name}: a DTD (<!DOCTYPE ...>) is not allowed in OPML; remove it and import again; "
                         "nothing was imported") from None
    except (ET.ParseError, ValueError, LookupError) as exc:  # the last two: an encoding expat cannot read
        raise UsageError(f"{name}: not valid OPML ({exc}); check the file") from None
    if reader.root is None:
        raise UsageError(f"{name}: not valid OPML (no root element); check the file")
    return reader.found


class _OutlineReader:
    """A parser target that reads outlines as they stream past: no tree, no recursion, any depth.

    Each open element has a frame (is it a folder whose <outline> children count, and its category),
    so memory grows with the nesting and the feeds found, never with the rest of the document.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.root: str | None = None
        self.found: list[Outline] = []
        self._frames: list[tuple[bool, str | None]] = []
        self._body_seen = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        frames = self._frames
        if self.root is None:
            self.root = tag
            if tag.lower() != "opml":
                raise UsageError(f"{self.name}: not an OPML file (its root element is <{tag[:80]}>)")
            frames.append((False, None))
        elif len(frames) == 1 and tag == "body" and not self._body_seen:
            self._body_seen = True
            frames.append((True, None))
        elif frames and frames[-1][0] and tag == "outline":
            category = frames[-1][1]
            url = (attrib.get("xmlUrl") or attrib.get("xmlurl") or "").strip()
            kind = "feed"
            if not url and attrib.get(KIND_ATTRIBUTE) == "listing":
                url, kind = (attrib.get("url") or attrib.get("htmlUrl") or "").strip(), "listing"
            title = attrib.get("title") or attrib.get("text") or None
            if url:
                if len(self.found) >= MAX_FEEDS:
                    raise UsageError(f"{self.name}: more than {MAX_FEEDS:,} feeds in one OPML file; "
                                     "split it into smaller files; nothing was imported")
                self.found.append(Outline(url, None if title == url else title, attrib.get("category") or category,
                                          kind))
                frames.append((False, None))  # outlines inside a feed are not read, as before
            else:
                frames.append((True, title or category))
        else:
            frames.append((False, None))

    def end(self, tag: str) -> None:
        self._frames.pop()

    def data(self, text: str) -> None:
        """Text between tags means nothing in OPML."""

    def close(self) -> None:
        """Nothing to finish: the outlines are already in `found`."""


def write_opml(sources, title: str = "BlogReader subscriptions") -> str:
    """OPML 2.0 for `sources` (objects with url, kind, title, site_url, category), a folder per category."""
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
        # A feed is type="rss" with its xmlUrl; a blog index page is a link to the page, marked as ours.
        if getattr(source, "kind", "feed") == "listing":
            attrs = {"type": "link", "text": source.title or source.url, "url": source.url, "htmlUrl": source.url,
                     KIND_ATTRIBUTE: "listing"}
        else:
            attrs = {"type": "rss", "text": source.title or source.url, "xmlUrl": source.url}
            if source.site_url:
                attrs["htmlUrl"] = source.site_url
        if source.title:
            attrs["title"] = source.title
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def starter_outlines() -> list[Outline]:
    """The well-known AI/ML blogs a new library subscribes to."""
    data = resources.files("blogreader.sources").joinpath("starter.opml").read_bytes()
    return parse_opml(data, "starter.opml")
