"""A post's HTML as a flat list of text blocks with their links, the shape every splitter reads."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from blogreader.normalize.math_svg import MATH_TAGS, SVG_TAGS
from blogreader.normalize.text import SPACELESS, printable

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LEAF_BLOCKS = HEADINGS | {"p", "li", "blockquote", "pre", "figcaption", "dd", "dt", "td", "th", "div"}
# What flows inside a line (the allowed inline tags, MathML and SVG): a run of these and loose text beside blocks
# is a block of its own, as a browser lays it out (an anonymous block box): a card's bare title link after its
# byline paragraph, a feed's text outside any paragraph. Anything else starts or ends a block.
_INLINE = frozenset({"a", "abbr", "acronym", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i",
                     "img", "ins", "kbd", "mark", "q", "rp", "rt", "rtc", "ruby", "s", "samp", "small", "span", "strike",
                     "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "font", "label"}) | MATH_TAGS | SVG_TAGS
_STRUCTURE = {"pre", "table", "tbody", "thead", "tfoot", "tr", "ul", "ol", "dl", "colgroup"}  # no text of their own
_IMAGE_FILE = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|avif|bmp)(?:$|[?#])", re.I)
_IMAGE_HOST = re.compile(r"(?:^|\.)(?:substackcdn\.com|cdn\.|images?\.|img\.|i\.imgur\.com|pbs\.twimg\.com)", re.I)


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    image: bool  # wraps an image, or points at an image or a CDN

    @property
    def host(self) -> str:
        try:
            return (urlsplit(self.href).hostname or "").lower()
        except ValueError:
            return ""


@dataclass
class Block:
    tag: str
    text: str
    links: list[Link] = field(default_factory=list)
    strong_text: str = ""  # the text inside <strong>/<b>, for headings written as bold paragraphs
    path: str = ""  # the element's path in the document, to tell which list item contains it
    list_parent: str | None = None  # the path of the list whose item holds this block, when one does
    hr_before: bool = False
    lead: str = ""  # a title the block opens with: its leading bold, italic or linked run, after any number
    lead_link: Link | None = None  # the link that lead is, or holds
    first_line: str = ""  # the text before its first line break (or run of spaces), a cell's title line
    lines: tuple[str, ...] = ()  # its lines, as its <br> breaks them (one line where it has none)

    @property
    def row(self) -> str | None:
        """The path of the innermost table row holding this block, when one does."""
        end = self.path.rfind("/tr")
        if end < 0:
            return None
        stop = self.path.find("/", end + 1)
        return self.path if stop < 0 else self.path[:stop]

    @property
    def cell(self) -> str | None:
        """The path of the table cell (of the innermost row) holding this block, when one does."""
        row = self.row
        if row is None or len(self.path) <= len(row):
            return None
        stop = self.path.find("/", len(row) + 1)
        return self.path if stop < 0 else self.path[:stop]

    def inside(self, ancestor_path: str) -> bool:
        return self.path == ancestor_path or self.path.startswith(ancestor_path + "/")

    @cached_property
    def words(self) -> int:
        text = self.text
        if text.isascii():
            return len(text.split())
        return len(SPACELESS.sub(" x ", text).split())  # each Chinese or Japanese character a word, as word_count has it

    def is_heading(self) -> bool:
        """A real heading, or a short paragraph that is all bold."""
        if self.tag in HEADINGS:
            return True
        return self.tag == "p" and 0 < self.words <= 20 and _squash(self.strong_text) == _squash(self.text)


def read_blocks(html: str, base_url: str | None) -> list[Block]:
    """The leaf text blocks of `html` in document order, each with its links resolved against `base_url`."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return []
    for line_break in root.iter("br"):
        line_break.tail = _BR + (line_break.tail or "")
    # Wrapping adds divs of inline content only, to elements already holding a block or that are none (a section),
    # so what holds a block is the same after it.
    holding = _holding_blocks(root)
    _wrap_loose_runs(root, holding)
    paths = _paths(root)
    blocks: list[Block] = []
    pending_hr = False
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "hr":
            pending_hr = True
            continue
        if tag not in LEAF_BLOCKS or element in holding:
            continue
        raw = element.text_content()
        text = _squash(raw)
        links = [_link(anchor, base_url) for anchor in element.iter("a") if anchor.get("href")]
        if not text and not links:
            continue
        strong = " ".join(_squash(node.text_content()) for node in element.iter("strong", "b"))
        item = _list_item(element)
        parent_path = paths[item.getparent()] if item is not None and item.getparent() is not None else None
        lead, lead_link = _lead(element, base_url)
        first_line = _squash(_LINE_BREAK.split(raw.strip(), 1)[0]) if text else ""
        lines = tuple(filter(None, map(_squash, raw.split(_BR)))) if _BR in raw else (text,)
        blocks.append(Block(tag, text, [link for link in links if link], strong, paths[element], parent_path,
                            pending_hr, lead, lead_link, first_line, lines))
        pending_hr = False
    return blocks


_BR = "\u2028"  # a <br>, as the block's text holds it (a line separator: white space to split and _squash)
_LINE_BREAK = re.compile(r"[\n\u2028]|\s{2,}")
# Only non-word characters around at most two digits ("1)", "#2.", "—"). Possessive runs: with two
# adjacent \W* a long run of spaces before a letter was tried at every split, cubic in its length.
_NUMBER_ONLY = re.compile(r"^\W*+(?:\d{1,2}\W*+)?$")
_EMPHASIS = {"strong", "b", "em", "i", "a", "u", "span"}


def _lead(element, base_url: str | None) -> tuple[str, Link | None]:
    """The bold, italic or linked run a block opens with (after a number such as "1)"), and its link."""
    if not _NUMBER_ONLY.match(element.text or ""):
        return "", None
    for child in element:
        if not isinstance(child.tag, str):
            if _NUMBER_ONLY.match(child.tail or ""):
                continue
            return "", None
        if child.tag not in _EMPHASIS:
            return "", None
        text = _squash(child.text_content())
        if not text or _NUMBER_ONLY.match(text):
            if _NUMBER_ONLY.match(child.tail or "") and child.tag != "a":
                continue
            return "", None
        bold = child.tag in {"strong", "b", "em", "i", "u"} or any(
            node.tag in {"strong", "b", "em", "i"} for node in child.iterdescendants() if isinstance(node.tag, str))
        anchor = child if child.tag == "a" else next(child.iter("a"), None)
        link = _link(anchor, base_url) if anchor is not None and anchor.get("href") else None
        if not bold and link is None:
            return "", None
        return text, link
    return "", None


def _wrap_loose_runs(root, holding: set) -> None:
    """Wrap each run of text and inline elements that sits beside blocks (or in a container that is no block
    itself, such as a section) in a div of its own, so that it is read as a block, in its place."""
    containers = [element for element in root.iter() if isinstance(element.tag, str) and element.tag not in _INLINE
                  and element.tag not in _STRUCTURE
                  and (element.tag not in LEAF_BLOCKS or element in holding)]
    for container in containers:
        _wrap_runs_in(container, holding)


def _wrap_runs_in(container, holding: set) -> None:
    import lxml.html

    runs = []  # (the block the run follows, or None at the start; its leading text; its inline elements)
    after, text, inline = None, container.text, []
    container.text = None
    for child in list(container):
        if isinstance(child.tag, str) and child.tag in _INLINE and child not in holding:
            inline.append(child)  # its tail, the text after it, stays with it
            continue
        runs.append((after, text, inline))
        after, text, inline = child, child.tail, []
        child.tail = None
    runs.append((after, text, inline))
    for after, text, inline in runs:
        if not inline and not (text and text.strip()):
            continue
        wrapper = lxml.html.Element("div")
        wrapper.text = printable(text) if text else None  # lxml refuses control characters; they show nothing
        if after is None:
            container.insert(0, wrapper)
        else:
            after.addnext(wrapper)
        wrapper.extend(inline)


def _paths(root) -> dict:
    """Each element's path, as lxml's getpath writes it ("/div/ul[2]/li[1]", an index only among siblings of one
    tag), in one pass: getpath counts an element's siblings on every call, quadratic in a post of many blocks."""
    paths = {root: f"/{root.tag}"}
    for element in root.iter():
        children = [child for child in element if isinstance(child.tag, str)]
        if not children:
            continue
        counts = Counter(child.tag for child in children)
        seen: Counter = Counter()
        base = paths[element]
        for child in children:
            seen[child.tag] += 1
            paths[child] = f"{base}/{child.tag}[{seen[child.tag]}]" if counts[child.tag] > 1 else f"{base}/{child.tag}"
    return paths


def _holding_blocks(root) -> set:
    """The elements with anything but inline content inside them (a paragraph, a list, a section, ...), found in
    one pass from the innermost elements out (asking each element of a deep tree about all its descendants was
    quadratic)."""
    holding: set = set()
    for element in reversed(list(root.iter())):
        if any(child in holding or (isinstance(child.tag, str) and child.tag not in _INLINE) for child in element):
            holding.add(element)
    return holding


def _list_item(element):
    for ancestor in element.iterancestors():
        if ancestor.tag == "li":
            return ancestor
    return element if element.tag == "li" else None


def _link(anchor, base_url: str | None) -> Link | None:
    href = anchor.get("href", "").strip()
    if base_url:
        try:
            href = urljoin(base_url, href)
        except ValueError:
            return None
    if not href.startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(href).hostname or ""
    except ValueError:  # a malformed address is no recommendation
        return None
    text = _squash(anchor.text_content())
    image = (not text and anchor.find(".//img") is not None) or bool(_IMAGE_FILE.search(href))
    return Link(href, text, image or bool(_IMAGE_HOST.search(host)))


def _squash(text: str) -> str:
    return " ".join(text.split())
