"""Articles: the main content and metadata of a web page, from bytes, with trafilatura."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from blogreader.errors import ParseError

log = logging.getLogger(__name__)

# The most bytes of one page given to trafilatura. Its work grows with the markup (4 s and 100 MB a megabyte
# of dense nested markup, so minutes for a 20 MB page), and an article's text comes early in its page, so
# the rest of a larger page is cut off and the cut recorded as the article's problem.
MAX_ARTICLE_BYTES = 2_000_000


@dataclass(frozen=True)
class ParsedArticle:
    title: str | None
    author: str | None
    published: datetime | None
    content_html: str
    description: str | None
    canonical_url: str | None
    problem: str | None = None


def extract_article(body: bytes, url: str) -> ParsedArticle:
    """The page's main content as HTML, with title, author, date and description; never fetches anything.

    Only the first MAX_ARTICLE_BYTES of the page are read; a longer page is cut and says so in `problem`.
    """
    import trafilatura
    from trafilatura.htmlprocessing import build_html_output
    from trafilatura.utils import load_html, normalize_unicode

    from blogreader.parse.page_dates import page_published

    problem = None
    if len(body) > MAX_ARTICLE_BYTES:
        # Cut after a space, line end or ">": none is ever a byte of a multi-byte character in the charsets
        # pages use (UTF-8, EUC, Shift_JIS, GBK, Big5), so the page still decodes as its own charset.
        cut = max(body.rfind(byte, 0, MAX_ARTICLE_BYTES) for byte in (b" ", b"\n", b">")) + 1
        body = body[:cut or MAX_ARTICLE_BYTES]
        problem = f"{url}: the page is over {MAX_ARTICLE_BYTES:,} bytes; only its first {len(body):,} were read"
    options = dict(url=url, include_links=True, include_images=True, include_formatting=True, include_tables=True,
                   include_comments=False, favor_recall=True,
                   # Its date (htmldate) may come from the body's text, where "(Bicchieri, 2005)" is a citation:
                   # the page's date is read from its metadata only (parse.page_dates), and this search kept short.
                   date_extraction_params={"extensive_search": False, "original_date": True})
    try:
        tree = load_html(body)  # parsed once: the date is read from it, and trafilatura works on a copy
        published = page_published(tree)
        # One pass gives both the metadata and the HTML body (what `extract(output_format="html")` builds).
        document = trafilatura.bare_extraction(tree if tree is not None else body, with_metadata=True,
                                               output_format="html", **options)
        content = normalize_unicode(build_html_output(document)) if document is not None else None
    except (ValueError, TypeError, AttributeError) as exc:  # trafilatura gives up on some broken markup
        raise ParseError(f"{url}: the page could not be read as an article ({exc})") from None
    if not content or document is None:
        raise ParseError(f"{url}: no article text found on the page")
    return ParsedArticle(
        title=document.title or None,
        author=document.author or None,
        published=published,
        content_html=content,
        description=document.description or None,
        canonical_url=document.url or None,
        problem=problem,
    )

