"""Which of two copies of one post is the original: decided by structure, not by which was fetched first."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from blogreader.normalize.urls import canonical_url


@dataclass(frozen=True)
class Copy:
    """One stored copy of a post: its link, what its page names canonical, and its sources' sites."""

    id: int
    url: str | None
    sites: tuple[str, ...] = ()  # each carrying source's home link and address
    page_canonical: str | None = None  # the address the copy's own page names as canonical, when it was fetched

    @property
    def address(self) -> str | None:
        """Where the copy says it lives: its page's canonical link, else its own link."""
        return self.page_canonical or self.url


def first_hand(copy: Copy) -> bool:
    """Is this copy the post's own: does its canonical address lie on the site of a source that carries it?"""
    host = _host(copy.address)
    return bool(host) and any(_host(site) == host for site in copy.sites)


def original(first: Copy, later: Copy) -> Copy:
    """The original of two copies: the one the other's page names as canonical, else the only first-hand
    one, else (when structure does not tell them apart) the one seen first."""
    if _points_to(first, later):
        return later
    if _points_to(later, first):
        return first
    if first_hand(later) and not first_hand(first):
        return later
    return first


def _points_to(copy: Copy, other: Copy) -> bool:
    """Does `copy`'s page name `other` (and not itself) as the canonical address?"""
    target = _address_key(copy.page_canonical)
    if not target or target == _address_key(copy.url):
        return False
    return target in (_address_key(other.url), _address_key(other.page_canonical))


def _address_key(url: str | None) -> str:
    """An address with http and https, and a trailing slash, taken as the same."""
    if not url:
        return ""
    key = canonical_url(url)
    return key.split("://", 1)[-1].rstrip("/")


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower().removeprefix("www.")
    except ValueError:  # a malformed address belongs to no site
        return ""
