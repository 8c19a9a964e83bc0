"""Articles: the main content and metadata of a web page, from bytes, with trafilatura."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from blogreader.errors import ParseError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParsedArticle:
    title: str | None
    author: str | None
    published: datetime | None
    content_html: str
    description: str | None
    canonical_url: str | None


def extract_article(body: bytes, url: str) -> ParsedArticle:
    """The page's main content as HTML, with title, author, date and description; never fetches anything."""
    import trafilatura

    options = dict(url=url, include_links=True, include_images=True, include_formatting=True, include_tables=True,
                   include_comments=False, favor_recall=True)
    try:
        document = trafilatura.bare_extraction(body, with_metadata=True, **options)
        content = trafilatura.extract(body, output_format="html", **options)
    except (ValueError, TypeError, AttributeError) as exc:  # trafilatura gives up on some broken markup
        raise ParseError(f"{url}: the page could not be read as an article ({exc})") from None
    if not content or document is None:
        raise ParseError(f"{url}: no article text found on the page")
    return ParsedArticle(
        title=document.title or None,
        author=document.author or None,
        published=_date(document.date),
        content_html=content,
        description=document.description or None,
        canonical_url=document.url or None,
    )


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
