"""One parsed item (from feedparser-rs or feedparser) as a ParsedEntry, read as feedparser reads it."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urljoin, urlsplit

from blogreader.models import ParsedEntry
from blogreader.parse.dates import parse_date

# The C1 controls a Windows-1252 document meant as punctuation ("Don\x92t" for "Don’t"), mapped as
# HTML5 maps their character references; the five bytes Windows-1252 leaves undefined stay (and are dropped later).
C1_AS_WINDOWS_1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0)
                      if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_C1 = re.compile("[\x80-\x9f]")
# The references an XML parser decodes in an attribute value; feedparser-rs leaves them in Atom's href.
_XML_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_XML_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_PLAIN_TYPES = frozenset({"text/plain", "text", "plain"})
# An e-mail address in an author line ("Jane Doe (jane@example.com)"); at most 64 characters are tried per start.
_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}")
MAX_AUTHOR = 512
# Signs of markup feedparser's rule lets pass as text: an end tag, or a start tag with an attribute. "Vec<T>" and
# "Using <dialog>" have neither; "<script>alert(1)</script>" and "<img src=x onerror=...>" are markup to drop.
_MARKUP_SIGNS = re.compile(r"</[A-Za-z][\w-]*\s*>|<[A-Za-z][\w-]*\s+[^<>=]*=")


def entry_from(item, base: str, *, fast: bool, version: str) -> ParsedEntry:
    """`item` as a ParsedEntry; `fast` says feedparser-rs read it, whose output needs the fixes feedparser makes."""
    atom = version.startswith("atom")
    link = item.get("link")
    if fast and atom and link:
        link = xml_unescape(link)
    published_raw, updated_raw = item.get("published") or item.get("created"), item.get("updated")
    published = parse_date(published_raw)  # feedparser-rs gives an RSS item's one date as both
    guess = version.startswith("json") or (fast and version.startswith("rss"))
    return ParsedEntry(
        title=title_html(item.get("title"), _detail_type(item.get("title_detail")), guess=guess) or "",
        url=join(base, link),
        guid=_guid(item.get("id")),
        author=text(windows_1252(author_name(item))),
        published=published,
        updated=published if updated_raw == published_raw else parse_date(updated_raw),
        content_html=windows_1252(_content(item)),
        summary_html=windows_1252(as_html(item.get("summary"), _detail_type(item.get("summary_detail")))),
    )


def title_html(value: str | None, mime: str | None, *, guess: bool) -> str | None:
    """A title as HTML: text declared or found plain is escaped, so "Vec<T>" keeps its "<T>".

    RSS does not say which its titles are; feedparser calls one HTML only when it has an end tag
    or an entity and every tag and entity in it is HTML's, and feedparser-rs calls every one HTML.
    Here a title with an end tag or an attribute is HTML too, so a hostile one loses its markup.
    """
    value = text(windows_1252(value))
    if value is None or ("<" not in value and "&" not in value):
        return value  # nothing that escaping would change
    if guess:
        from feedparser.mixin import _FeedParserMixin

        html = _MARKUP_SIGNS.search(value) or _FeedParserMixin.looks_like_html(value)
        mime = "text/html" if html else "text/plain"
    return html_lib.escape(value, quote=False) if (mime or "text/plain") in _PLAIN_TYPES else value


def author_name(item) -> str | None:
    """The item's (first) author as a name: "Jane Doe (jane@example.com)" is "Jane Doe", as feedparser names her.

    An author line that is only an address stays the address; with several authors the first is named.
    """
    authors = item.get("authors") or []
    first = authors[0] if authors else None
    name = first.get("name") if isinstance(first, dict) else getattr(first, "name", None)
    value = name if isinstance(name, str) and name.strip() else item.get("author")
    if not isinstance(value, str) or "@" not in value:
        return value
    value = value[:MAX_AUTHOR]
    email = _EMAIL.search(value)
    if email is None:
        return value
    rest = (value[:email.start()] + value[email.end():]).replace("()", "").replace("<>", "").strip(" \t\r\n,;")
    if rest.startswith("(") and rest.endswith(")"):  # "jane@example.com (Jane Doe)"
        rest = rest[1:-1].strip()
    # Only the address's own brackets go: stripping any "<" would turn "<script>...</script>" into text.
    return rest or value


def windows_1252(value):
    """`value` with C1 controls read as the Windows-1252 punctuation they stand for (U+0092 -> U+2019)."""
    if isinstance(value, str) and not value.isascii() and _C1.search(value):
        return value.translate(C1_AS_WINDOWS_1252)
    return value


def xml_unescape(value: str) -> str:
    """`value` with XML's five named and numeric character references decoded (HTML's names are left)."""
    if "&" not in value:
        return value
    return _XML_REFERENCE.sub(_reference, value)


def join(base: str, link: str | None) -> str | None:
    """`link` resolved against `base`; None when there is no link or it cannot be parsed ("http://[oops")."""
    if not link or not isinstance(link, str):
        return None
    try:
        return urljoin(base, link)
    except ValueError:
        return None


def document_url(url: str, content_location: str) -> str:
    """The document's own address: `url`, or its Content-Location when that resolves to an http(s) URL.

    A header naming "javascript:..." or "file:..." would otherwise become the base of every relative link.
    """
    located = join(url, content_location.strip()) if content_location else None
    return located if located and urlsplit(located).scheme in ("http", "https") else url


def text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def as_html(value: str | None, mime: str | None) -> str:
    """Text declared plain is escaped, so markup inside it is shown, never run."""
    if not value:
        return ""
    if mime == "text/plain":
        return "<p>" + html_lib.escape(value).replace("\n\n", "</p><p>") + "</p>"
    return value


def _reference(match: re.Match) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _XML_NAMED[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)


def _guid(value) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):  # JSON Feed ids are strings, but some feeds write numbers
        return str(value)
    return value or None


def _content(item) -> str:
    best = ""
    for content in item.get("content") or []:
        value = as_html(content.get("value"), content.get("type"))
        if len(value) > len(best):
            best = value
    return best


def _detail_type(detail) -> str | None:
    return detail.get("type") if detail else None
