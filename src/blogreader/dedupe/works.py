"""Identity of works: the one address of a paper or post however it is linked (arXiv, OpenReview, DOI, forums).

Precision first: an address folds to a work only when its shape names the work's id outright; anything
else keeps its own address, so two different works are never taken for one.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

# New-style ids (0704.0001 on) and old-style archive/YYMMNNN ids; an old id's subject class (math.GT)
# is not part of the id, so math.GT/0309136 and math/0309136 are one paper.
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z-]{2,12})?/(?P<number>\d{7}))"
_VERSION = r"(?:v\d{1,3})?"
_ARXIV_PAGES = re.compile(rf"^/(?:abs|pdf|html|format|ps)/{_ARXIV_ID}{_VERSION}(?:\.pdf)?/?$")
# Mirrors and viewers that carry the arXiv id in their path: host -> path pattern.
_ARXIV_MIRRORS = {
    "arxiv.org": _ARXIV_PAGES,
    "export.arxiv.org": _ARXIV_PAGES,
    "browse.arxiv.org": _ARXIV_PAGES,
    "ar5iv.labs.arxiv.org": re.compile(rf"^/(?:html|abs)/{_ARXIV_ID}{_VERSION}/?$"),
    "ar5iv.org": re.compile(rf"^/(?:html|abs)/{_ARXIV_ID}{_VERSION}/?$"),
    "alphaxiv.org": re.compile(rf"^/(?:abs|overview|pdf)/{_ARXIV_ID}{_VERSION}(?:\.pdf)?/?$"),
    "huggingface.co": re.compile(rf"^/papers/{_ARXIV_ID}/?$"),
    "hf.co": re.compile(rf"^/papers/{_ARXIV_ID}/?$"),
    "semanticscholar.org": re.compile(rf"^/arxiv/{_ARXIV_ID}{_VERSION}/?$"),
    "scirate.com": re.compile(rf"^/arxiv/{_ARXIV_ID}{_VERSION}/?$"),
    "arxiv-vanity.com": re.compile(rf"^/papers/{_ARXIV_ID}{_VERSION}/?$"),
}
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.{_ARXIV_ID}{_VERSION}$", re.IGNORECASE)

_DOI = r"(?P<doi>10\.\d{4,9}/[^\s?#]+)"
_DOI_HOSTS = {"doi.org", "dx.doi.org"}
# Publisher landing pages that state the DOI in the path (ACM, Wiley, Taylor & Francis, SAGE, Science...)
# and Springer's article pages; supplements (/doi/suppl/) are not the work.
_DOI_LANDING = re.compile(rf"^/doi/(?:(?:abs|full|fullHtml|pdf|epdf|pdfdirect|reader)/)?{_DOI}$")
_SPRINGER = re.compile(rf"^/(?:article|chapter|content/pdf)/{_DOI}$")
# Nature's article pages are named by the DOI's suffix: nature.com/articles/s41586-024-08148-8 is 10.1038/s41586-...
_NATURE = re.compile(r"^/articles/(?P<suffix>[A-Za-z0-9][A-Za-z0-9._-]{3,60}?)(?:\.pdf)?/?$")
_DOI_SUFFIX_PDF = re.compile(r"\.pdf$", re.IGNORECASE)

_OPENREVIEW_HOSTS = {"openreview.net", "api.openreview.net", "api2.openreview.net"}
_OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_-]{5,40}$")

_FORUM_HOSTS = {"lesswrong.com", "alignmentforum.org", "greaterwrong.com"}
_FORUM_POST = re.compile(r"^/(?:posts|s/[A-Za-z0-9]+/p)/(?P<id>[A-Za-z0-9]{17})(?:/[^/]*)?/?$")


# What an address must hold, lower-cased, for `work_url` to name a work: one of the hosts above (a subdomain or
# "www." holds it too) or a DOI landing path. `dedupe.discussed` skips a post whose text holds none of them.
WORK_MARKERS = (*_ARXIV_MIRRORS, *_DOI_HOSTS, *_OPENREVIEW_HOSTS, *_FORUM_HOSTS, "nature.com", "link.springer.com",
                "/doi/")


def work_url(url: str | None) -> str | None:
    """The canonical address of the work `url` names by its id, or None when its shape names no work."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.removeprefix("www.")
    path = parts.path
    if host in _ARXIV_MIRRORS:
        found = _ARXIV_MIRRORS[host].match(path)
        return _arxiv(found) if found else None
    if host in _DOI_HOSTS:
        return _doi_url(unquote(path.lstrip("/")))
    if host in _OPENREVIEW_HOSTS:
        return _openreview(path, parts.query)
    if host in _FORUM_HOSTS:
        found = _FORUM_POST.match(path)
        # A link to one comment (?commentId=) is the comment, not the post.
        if found and "commentid" not in parts.query.lower():
            return f"https://www.lesswrong.com/posts/{found.group('id')}"
        return None
    if host == "nature.com":
        found = _NATURE.match(path)
        return _doi_url(f"10.1038/{found.group('suffix')}") if found else None
    found = _DOI_LANDING.match(path) or (_SPRINGER.match(path) if host == "link.springer.com" else None)
    if found:
        doi = unquote(found.group("doi")).rstrip("/")
        return _doi_url(_DOI_SUFFIX_PDF.sub("", doi) if host == "link.springer.com" else doi)
    return None


# The address prefixes work_url gives, and the hosts where each kind of work lives (its archive or forum):
# a feed from there carrying the work is publishing it, not recommending it.
WORK_PREFIXES = ("https://arxiv.org/abs/", "https://doi.org/", "https://openreview.net/forum?id=",
                 "https://www.lesswrong.com/posts/")
_HOMES = {
    "arxiv.org": ("arxiv.org",),
    "openreview.net": ("openreview.net",),
    "lesswrong.com": ("lesswrong.com", "alignmentforum.org", "greaterwrong.com"),
}


def is_home(work: str, link: str | None, site: str | None) -> bool:
    """Is `site` (a feed's or its site's address) where the work lives: its archive or forum, or the publisher
    whose page `link` is? Carrying a work from there is publishing it, not recommending it."""
    hosts = {_host(work), _host(link)} - {""}
    hosts.update(_HOMES.get(_host(work), ()))
    at = _host(site)
    return bool(at) and any(at == host or at.endswith("." + host) for host in hosts)


def same_work(a: str, b: str, page_canonical_a: str | None = None, page_canonical_b: str | None = None) -> bool:
    """Are two links the same work: the same canonical address, or one's page names the other as canonical?"""
    from blogreader.normalize.urls import canonical_url

    keys_a = {canonical_url(a)} | ({canonical_url(page_canonical_a)} if page_canonical_a else set())
    keys_b = {canonical_url(b)} | ({canonical_url(page_canonical_b)} if page_canonical_b else set())
    return bool(keys_a & keys_b)


def _arxiv(found: re.Match) -> str:
    if found.group("archive"):
        return f"https://arxiv.org/abs/{found.group('archive')}/{found.group('number')}"
    return f"https://arxiv.org/abs/{found.group('id')}"


def _doi_url(doi: str) -> str | None:
    """doi.org's address for a DOI, lower-cased (DOIs are case-insensitive); arXiv's own DOIs fold to arXiv."""
    doi = doi.strip().rstrip("/")
    if not re.fullmatch(_DOI, doi) or len(doi) > 300:
        return None
    arxiv = _ARXIV_DOI.match(doi)
    if arxiv:
        return _arxiv(arxiv)
    return "https://doi.org/" + quote(doi.lower(), safe="/:;()._-~!$&'*+,=@[]")


def _openreview(path: str, query: str) -> str | None:
    """forum?id= and pdf?id= name one submission; noteId anchors a note within it."""
    if path.rstrip("/") not in ("/forum", "/pdf"):
        return None
    fields = parse_qs(query)
    forum = (fields.get("id") or fields.get("noteId") or [""])[0]
    return f"https://openreview.net/forum?id={forum}" if _OPENREVIEW_ID.match(forum) else None


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").rstrip(".").lower().removeprefix("www.")
    except ValueError:  # a malformed address belongs to no site
        return ""
