"""Cheap tests a post must pass before `split_roundup` parses it (most posts are not roundups).

Each test is necessary, never sufficient. Every shape of `split` needs three items or more, most of them
(60 % at least) with a main link outside the publication: so two links at least that leave it. And each
shape needs some structure: a list item, a table row, a heading, bold (a bold title line or lead), a
"Source"/"link" link, or a block opening (after a number) on emphasis or a link (a lead, a linked title
line). The patterns are linear: every repeat is followed by a character it cannot match, or bounded.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from blogreader.roundups.links import same_host

_ANCHOR = re.compile(r"<a\s", re.IGNORECASE)
# Tags that open a structure; or the words "source" and "link" (looked for apart: as alternatives of the
# tags' pattern, no literal could lead its search, and it tried every character of the post).
_STRUCTURE = re.compile(
    r"<(?:li|tr|h[1-6]|strong|b|dt)\b|<(?:p|div|td)\b[^<>]*>[^<\w]*(?:\d{1,2}[^<\w]*)?<(?:em|i|a|u|span)\b",
    re.IGNORECASE)
_STRUCTURE_WORDS = ("source", "link")
# An anchor's address as the sanitizer writes it (double quotes); an anchor written otherwise is not read
# here, and so counts as leaving the publication.
_HREF = re.compile(r"""<a\s[^<>"]{0,200}?\bhref="([^"<>]{0,2000})\"""", re.IGNORECASE)
MIN_LINKS_OUT = 2


def may_be_roundup(html: str, page_url: str | None, publication_url: str | None) -> bool:
    """Could `split_roundup(html, page_url, publication_url)` find items? False only when it cannot."""
    anchors = len(_ANCHOR.findall(html))
    if anchors < MIN_LINKS_OUT:
        return False
    hosts = {host for host in map(_host, (page_url, publication_url)) if host}
    # Links to the publication's own posts recommend nothing: a post linking only to its own blog is no roundup.
    if hosts and anchors - sum(_inside(href, page_url, hosts) for href in _HREF.findall(html)) < MIN_LINKS_OUT:
        return False
    if _STRUCTURE.search(html):
        return True
    lowered = html.lower()
    return any(word in lowered for word in _STRUCTURE_WORDS)


def _inside(href: str, page_url: str | None, hosts: set[str]) -> bool:
    """Does this address surely lead to the publication itself (as the splitter resolves and reads it)?"""
    if "&" in href:  # an entity, which the splitter's parser may decode otherwise: not surely inside
        return False
    href = href.strip()
    try:  # an absolute address keeps its host when joined: only a relative one is joined
        absolute = href.startswith(("http://", "https://")) or not page_url
        host = urlsplit(href if absolute else urljoin(page_url, href)).hostname
    except ValueError:
        return False
    return bool(host) and same_host(host.lower(), hosts)


def _host(url: str | None) -> str:
    """The host as the splitter compares it: lower case, without "www."."""
    if not url:
        return ""
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""
