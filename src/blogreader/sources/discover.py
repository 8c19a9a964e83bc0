"""Classify a URL on `add`: a feed, or an HTML page that advertises one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from blogreader.errors import BlogReaderError, FetchError, ParseError
from blogreader.fetch import Fetcher
from blogreader.models import FetchResult, ParsedFeed
from blogreader.normalize.entry import normalize_feed
from blogreader.parse.feeds import parse_feed

log = logging.getLogger(__name__)

FEED_TYPES = {
    "application/rss+xml": 0,
    "application/atom+xml": 0,
    "application/feed+json": 1,
    "application/json": 2,
    "application/rdf+xml": 1,
    "text/xml": 2,
    "application/xml": 2,
}


MIN_LISTED_POSTS = 3
MAX_CANDIDATES = 5  # advertised feeds tried: each is a request, and a page may advertise any number


@dataclass(frozen=True)
class Discovery:
    """What `add` found behind a URL: a feed, a listing page, or a single article (with its page)."""

    kind: str
    url: str
    feed: ParsedFeed
    page: FetchResult | None = None


async def discover(fetcher: Fetcher, url: str) -> Discovery:
    """Fetch `url`; return the feed it is or advertises, or raise a UsageError saying what it is instead."""
    result = await fetcher.get(url)
    try:
        return Discovery("feed", subscription_url(result), _parse(fetcher, result))
    except ParseError:
        pass
    candidates = advertised_feeds(result.body, result.final_url)[:MAX_CANDIDATES]
    for candidate in candidates:
        try:
            found = await fetcher.get(candidate)
            return Discovery("feed", subscription_url(found), _parse(fetcher, found))
        except BlogReaderError as exc:  # a dead link, a non-feed, a redirect off http: try the next one
            log.info("advertised feed %s did not work: %s", candidate, exc)
    if candidates:
        raise FetchError(f"{url}: the page advertises {len(candidates)} feed(s) but none could be read; try again later")
    from blogreader.parse.listing import parse_listing

    if len(parse_listing(result.body, result.final_url)) >= MIN_LISTED_POSTS:
        title = page_title(result.body)
        return Discovery("listing", subscription_url(result),
                         normalize_feed(ParsedFeed(title=title, site_url=result.final_url)))
    return Discovery("article", result.final_url, ParsedFeed(title=None, site_url=result.final_url), page=result)


def _parse(fetcher: Fetcher, result: FetchResult) -> ParsedFeed:
    return normalize_feed(parse_feed(result.body, result.final_url, content_type=result.content_type,
                                     keep_private_links=fetcher.settings.allow_private_networks))


def page_title(body: bytes) -> str | None:
    """The <title> of an HTML page, or None."""
    import lxml.html

    try:
        title = lxml.html.fromstring(body).findtext(".//title")
    except (ValueError, lxml.etree.ParserError):
        return None
    return " ".join(title.split()) if title and title.strip() else None


def subscription_url(result: FetchResult) -> str:
    """The URL to store: where a permanent redirect led, else the URL as given."""
    return result.final_url if result.permanent_redirect else result.url


def advertised_feeds(body: bytes, page_url: str) -> list[str]:
    """Feed URLs an HTML page names in `<link rel="alternate">`, best kind first."""
    finder = _AlternateLinks()
    try:
        finder.feed(body[:2_000_000].decode("utf-8", errors="replace"))
        finder.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    base = (_join(page_url, finder.base) if finder.base else None) or page_url
    ranked = sorted(finder.links, key=lambda link: FEED_TYPES[link[0]])
    seen: list[str] = []
    for _type, href in ranked:
        absolute = _join(base, href) or ""
        if absolute.startswith(("http://", "https://")) and absolute not in seen:
            seen.append(absolute)
    return seen


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href.strip())
    except ValueError:  # urlsplit refuses a bracketed host that is no IPv6 address, such as [::１]
        return None


class _AlternateLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        if tag not in ("link", "a"):
            return
        rels = values.get("rel", "").lower().split()
        mime = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and mime in FEED_TYPES and values.get("href"):
            self.links.append((mime, values["href"]))
