"""A web page's publication date, from its metadata only: never from a year or date written in its text."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from blogreader.parse.dates import parse_date

# In order of trust: what the page declares for machines, then the <time> in the article's own header.
# A date in the body ("(Bicchieri, 2005)", "the 2019 release") says when something else happened.
_META_NAMES = ("article:published_time", "og:article:published_time", "og:published_time", "datepublished",
               "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.issued", "dcterms.created",
               "dcterms.date", "citation_publication_date", "citation_date", "publish-date", "publish_date",
               "pubdate", "sailthru.date", "parsely-pub-date")
MAX_TIMES = 5  # dates looked at from itemprop and header <time> elements
MAX_TIMES_SEEN = 1_000  # <time> elements looked at on one page: the article header's comes early
MAX_JSON_LD = 20  # JSON-LD blocks looked at on one page
MAX_JSON_LD_CHARS = 200_000  # longer blocks are data sets, not a post's description
MAX_JSON_DEPTH = 8  # how deep a datePublished is looked for (@graph, mainEntity, ...)
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before the web had blogs: a misread, not a post date
FUTURE_SLACK = timedelta(days=2)  # time zones and clocks; a date further ahead is no publication date


def page_published(tree, *, now: datetime | None = None) -> datetime | None:
    """The page's publication date (UTC) from its meta tags, JSON-LD or article-header <time>, or None."""
    if tree is None:
        return None
    now = now or datetime.now(UTC)
    for source in (_meta, _json_ld, _itemprop, _header_time):  # each looked at only when the ones before fail
        for raw in source(tree):
            moment = _plausible(raw, now)
            if moment is not None:
                return moment
    return None


def _meta(tree) -> list[str]:
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_NAMES and key not in found and meta.get("content"):
            found[key] = meta.get("content")
    return [found[name] for name in _META_NAMES if name in found]


def _json_ld(tree) -> list[str]:
    scripts = tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
    for script in scripts[:MAX_JSON_LD]:
        text = script.text or ""
        if "datePublished" not in text or len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        value = _date_published(data, MAX_JSON_DEPTH)
        if value:
            return [value]
    return []


def _date_published(data, depth: int) -> str | None:
    """The first datePublished of an article-like object in `data`, breadth first, at most `depth` deep."""
    level = [data]
    for _ in range(depth):
        following = []
        for node in level:
            if isinstance(node, dict):
                value = node.get("datePublished")
                if isinstance(value, str) and value.strip():
                    return value
                following += [child for child in node.values() if isinstance(child, dict | list)]
            elif isinstance(node, list):
                following += [child for child in node if isinstance(child, dict | list)]
        level = following
    return None


def _itemprop(tree) -> list[str]:
    found = []
    for element in tree.iter():
        if element.get("itemprop") == "datePublished" and (element.get("datetime") or element.get("content")):
            found.append(element.get("datetime") or element.get("content"))
            if len(found) == MAX_TIMES:
                break
    return found


def _header_time(tree) -> list[str]:
    """The datetime of the first few <time> elements in a <header> of an article or with the title, or marked pubdate.

    A walk, not an XPath union (libxml2 took minutes merging such node sets over 40,000 sibling headers);
    each header is judged once, and only the first MAX_TIMES_SEEN <time> elements are looked at.
    """
    found: list[str] = []
    judged: dict = {}
    for seen, time in enumerate(tree.iter("time")):
        value = time.get("datetime")
        if value and (time.get("pubdate") is not None or _in_article_header(time, judged)):
            found.append(value)
        if len(found) == MAX_TIMES or seen == MAX_TIMES_SEEN:
            break
    return found


def _in_article_header(element, judged: dict) -> bool:
    for header in element.iterancestors("header"):
        if header not in judged:
            judged[header] = (next(header.iterancestors("article"), None) is not None
                              or next(header.iter("h1"), None) is not None)
        if judged[header]:
            return True
    return False


def _plausible(raw: str | None, now: datetime) -> datetime | None:
    moment = parse_date(raw.strip()) if isinstance(raw, str) else None
    if moment is None or not EARLIEST <= moment <= now + FUTURE_SLACK:
        return None
    return moment
