"""Which papers a post is about: works it links prominently, found from where and how often it links them.

A post discusses a work (a paper, a forum post: anything `works.work_url` names by its id) when the work is
- the only work linked in the post's opening (its first OPENING_WORDS words), linked again later, and at least
  a fifth of the post's links to works ("opening");
- the only work linked in its closing (the last CLOSING_WORDS words: "read the paper on arXiv"), unless
  the closing is a reference list, that is it cites two or more papers ("closing");
- linked at least REPEATED times, and at least three quarters of the post's links to works ("repeated").

A survey that cites many works in its opening or ends with a reference list names no single work, so it
discusses none: precision first, as with the identity of works. Footnotes are not the post's closing.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from blogreader.dedupe.works import WORK_MARKERS, work_url

OPENING_WORDS = 150
CLOSING_WORDS = 80
REPEATED = 3
MIN_SHARE_OPENING = 0.2
MIN_SHARE_REPEATED = 0.75
MAX_LINKS = 2_000  # a post past this many links is a list, not a discussion; reading stops there
MAX_HTML = 2_000_000
_WORD = re.compile(r"\w+")
_PDF = re.compile(r"\.pdf(?:$|[?#])", re.IGNORECASE)
_QUOTED = ("“", '"', "«", "„")  # a reference list gives each cited title in quotes
_FOOTNOTE = re.compile(r"^fn|footnote", re.IGNORECASE)
# The markers to look for: one that holds another ("export.arxiv.org" holds "arxiv.org") adds nothing.
_MARKERS = tuple(marker for marker in WORK_MARKERS
                 if not any(other != marker and other in marker for other in WORK_MARKERS))


@dataclass(frozen=True)
class Discussion:
    """A work a post is about, and why: 'opening', 'closing' or 'repeated' (the first rule that holds)."""

    work: str
    reason: str
    links: int  # how many times the post links it


@dataclass(frozen=True)
class _Link:
    offset: int  # words of text before it
    work: str | None
    citation: str | None  # what it cites, when it looks like a reference: a work, a PDF, a quoted title
    footnote: bool


def discussed_works(html: str | None, base_url: str | None = None, own_url: str | None = None) -> list[Discussion]:
    """The works `html` (a post's content, at `own_url`) is about, by the rules above; [] for most posts."""
    if not may_link_a_work(html or "", base_url):
        return []
    links, total = _links(html or "", base_url)
    own = work_url(own_url)
    linked = [link for link in links if link.work and link.work != own]
    if not linked:
        return []
    counts: dict[str, int] = {}
    for link in linked:
        counts[link.work] = counts.get(link.work, 0) + 1
    opening = {link.work for link in linked if link.offset < OPENING_WORDS}
    start = max(OPENING_WORDS, total - CLOSING_WORDS)
    closing = {link.work for link in linked if link.offset >= start and not link.footnote}
    cited = {link.citation for link in links if link.offset >= start and link.citation and not link.footnote}
    found: list[Discussion] = []
    for work, count in counts.items():  # in order of first link
        share = count / len(linked)
        if opening == {work} and count >= 2 and share >= MIN_SHARE_OPENING:
            reason = "opening"
        elif closing == {work} and cited <= {work}:
            reason = "closing"
        elif count >= REPEATED and share >= MIN_SHARE_REPEATED:
            reason = "repeated"
        else:
            continue
        found.append(Discussion(work, reason, count))
    return found


def may_link_a_work(html: str, base_url: str | None) -> bool:
    """Can any link of `html` name a work? Only if the text, with its character references decoded (the parser
    decodes them in an address too), or the address links are resolved against holds one of `WORK_MARKERS`:
    most posts link no paper, and this screen costs a tenth of parsing them (bench/ingest.py)."""
    text = (html_lib.unescape(html) if "&" in html else html).lower()
    base = (base_url or "").lower()
    return any(marker in text or marker in base for marker in _MARKERS)


def _links(html: str, base_url: str | None) -> tuple[list[_Link], int]:
    """Every link of `html` in document order, and the text's length in words."""
    import lxml.etree
    import lxml.html

    if not html.strip():
        return [], 0
    try:
        root = lxml.html.fragment_fromstring(html[:MAX_HTML], create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return [], 0
    words = 0
    found: list[_Link] = []
    for element in root.iter():
        if element.tag == "a" and len(found) < MAX_LINKS:
            href = (element.get("href") or "").strip()
            if href and not href.startswith("#"):
                address = urljoin(base_url, href) if base_url else href
                found.append(_link(element, address, words))
        if isinstance(element.tag, str) and element.text and element.tag not in ("script", "style"):
            words += len(_WORD.findall(element.text))
        if element.tail:
            words += len(_WORD.findall(element.tail))
    return found, words


def _link(anchor, address: str, offset: int) -> _Link:
    work = work_url(address)
    text = anchor.text_content().strip()
    citation = work or (address if _PDF.search(address) or text.startswith(_QUOTED) else None)
    footnote = any(_FOOTNOTE.search(parent.get("id") or "") or _FOOTNOTE.search(parent.get("class") or "")
                   for parent in anchor.iterancestors())
    return _Link(offset, work, citation, footnote)
