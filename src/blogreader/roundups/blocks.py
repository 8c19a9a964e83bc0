"""A post's HTML as a flat list of text blocks with their links, the shape every splitter reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
LEAF_BLOCKS = HEADINGS | {"p", "li", "blockquote", "pre", "figcaption", "dd", "dt", "td", "th"}
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

    def inside(self, ancestor_path: str) -> bool:
        return self.path == ancestor_path or self.path.startswith(ancestor_path + "/")

    @property
    def words(self) -> int:
        return len(self.text.split())

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
    blocks: list[Block] = []
    pending_hr = False
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "hr":
            pending_hr = True
            continue
        if tag not in LEAF_BLOCKS or _has_leaf_block_child(element):
            continue
        text = _squash(element.text_content())
        links = [_link(anchor, base_url) for anchor in element.iter("a") if anchor.get("href")]
        if not text and not links:
            continue
        strong = " ".join(_squash(node.text_content()) for node in element.iter("strong", "b"))
        item = _list_item(element)
        tree = element.getroottree()
        parent_path = tree.getpath(item.getparent()) if item is not None and item.getparent() is not None else None
        blocks.append(Block(tag, text, [link for link in links if link], strong, tree.getpath(element), parent_path,
                            pending_hr))
        pending_hr = False
    return blocks


def _has_leaf_block_child(element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in LEAF_BLOCKS for child in element.iterdescendants())


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
