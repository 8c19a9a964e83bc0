"""The comparisons of bench/fidelity.py: which of feedparser's keys BlogReader keeps, and how a value is judged."""

from __future__ import annotations

import ast
import datetime as dt
import re
import time
from html.parser import HTMLParser
from urllib.parse import urljoin

from blogreader.normalize.text import plain_title

BASE = "http://127.0.0.1:8097/"  # the address feedparser's own harness serves its fixtures from
MISSING = object()  # BlogReader read fewer entries than the expectation names
_UNKNOWN = object()  # an operand that names feedparser's result, not a value

PUBLISHED = ("published", "published_parsed", "issued", "issued_parsed", "created", "created_parsed")
UPDATED = ("updated", "updated_parsed", "modified", "modified_parsed", "date", "date_parsed")
# feedparser keys (a path below feed or entries[i]) -> the field BlogReader keeps.
KEPT = {
    "feed": {"title": "title", "title_detail.value": "title", "link": "link", "links[].href (the alternate)": "link"},
    "entry": {
        "title": "title", "title_detail.value": "title", "link": "link", "links[].href (the alternate)": "link",
        "id": "guid", "guid": "guid", "author": "author", "author_detail.name": "author", "authors[0].name": "author",
        "summary": "summary", "description": "summary", "summary_detail.value": "summary",
        "content[].value": "content", **{key: "published" for key in PUBLISHED}, **{key: "updated" for key in UPDATED},
    },
}
NOT_KEPT = ("enclosures, tags, categories, contributors, publisher, rights, subtitle, generator, image, "
            "language and base of a detail, author email/href, feed dates and ids, itunes/media/geo/psc extensions, "
            "encoding, version, bozo, HTTP headers")
_ACTIVE_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "base",
                          "meta", "link", "style", "noscript", "template"})
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                             "srcset", "cite", "longdesc", "usemap", "dynsrc", "lowsrc"})

# -- the expectations -------------------------------------------------------------------------------------------

def comparisons(expect: str):
    """(path, expected value) for each `path == value` in `expect` whose value needs no feedparser result."""
    try:
        tree = ast.parse(expect, mode="eval")
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or not all(isinstance(op, ast.Eq) for op in node.ops):
            continue
        operands = [node.left, *node.comparators]
        paths = [_path(operand) for operand in operands]
        values = [_value(operand) for operand, path in zip(operands, paths) if path is None]
        if len(values) != 1 or values[0] is _UNKNOWN:
            continue
        found += [(path, values[0]) for path in paths if path]
    return found



def _path(node) -> list | None:
    keys = []
    while True:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            keys.append(node.slice.value)
            node = node.value
        elif isinstance(node, ast.Attribute):
            keys.append(node.attr)
            node = node.value
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and node.args and isinstance(node.args[0], ast.Constant)):
            keys.append(node.args[0].value)
            node = node.func.value
        elif isinstance(node, ast.Name):
            return [node.id, *reversed(keys)]
        else:
            return None


def _value(node):
    try:
        return eval(compile(ast.Expression(node), "<expect>", "eval"), {"datetime": dt, "time": time})  # noqa: S307
    except Exception:  # noqa: BLE001 - names feedparser's result: not a literal
        return _UNKNOWN


def field_of(path: list, reference) -> tuple[str, int | None, str, str | None] | None:
    """(scope, entry index, BlogReader field, feedparser's declared type) for `path`, or None when not kept."""
    if path[0] == "feed":
        scope, index, rest, node = "feed", None, path[1:], _get(reference, "feed")
    elif path[0] == "entries" and len(path) > 1 and isinstance(path[1], int):
        scope, index, rest = "entry", path[1], path[2:]
        node = _get(reference, "entries", index)
    else:
        return None
    key = ".".join(str(part) for part in rest)
    name = re.sub(r"\.\d+", "[]", key).replace("[].", "[].")
    if name in ("links[].href",):
        link = rest[1] if len(rest) > 1 and isinstance(rest[1], int) else None
        if _get(node, "links", link, "href") != _get(node, "link"):
            return None  # another link than the one feedparser calls the item's
        return scope, index, "link", None
    name = {"authors[].name": "authors[0].name" if rest[1:2] == [0] else None,
            "content[].value": "content[].value"}.get(name, name) if "[]" in name else name
    field = KEPT[scope].get(name)
    if field is None:
        return None
    detail = {"title": "title_detail", "summary": "summary_detail"}.get(field)
    mime = _get(node, detail, "type") if detail else None
    if field == "content":
        mime = _get(node, "content", rest[1], "type")
    return scope, index, field, mime


def _get(node, *keys):
    for key in keys:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


# -- comparing -------------------------------------------------------------------------------------------------

def ours(field: str, scope: str, index, feed, entries) -> object:
    if scope == "feed":
        return feed.title if field == "title" else feed.site_url
    if index >= len(entries):
        return MISSING
    entry, item = entries[index], feed.entries[index]
    if field == "title":  # an untitled entry is shown with a stand-in ("(untitled)", its first words)
        return entry.title if item.title and plain_title(item.title) else ""
    if field == "link":
        return entry.url
    if field in ("guid", "author"):
        return getattr(entry, field)
    if field == "published":
        return item.published
    if field == "updated":
        return item.updated or item.published  # feedparser's "updated" falls back to "published" too
    body = markup_text(entry.content_html)
    return (entry.feed_summary or body) if field == "summary" else body



def words(value) -> str:
    return " ".join(str(value or "").split())


def expected_texts(value, mime: str | None, field: str) -> set[str]:
    """The text(s) an expected value shows: HTML and XHTML read as markup, text/plain as it is, and a base64
    type ("application/octet-stream": its bytes, which feedparser decodes but leaves unread) either way."""
    if not isinstance(value, str):
        return {words(value)}
    mime = (mime or ("text/html" if field in ("summary", "content") else "text/plain")).lower()
    if mime in ("text/html", "application/xhtml+xml", "html", "xhtml"):
        return {words(markup_text(value))}
    if mime.startswith("text/") or mime in ("text", "plain"):
        return {words(value)}
    return {words(value), words(markup_text(value))}


class _TextOf(HTMLParser):
    """The text of an HTML fragment as a browser shows it: script and style bodies and comments left out,
    blocks apart. One extractor for both sides, so neither is judged by the other's sanitizer."""

    BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                        "table", "tr", "td", "th", "hr", "section", "article", "dd", "dt", "dl", "figure"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style") and self.hidden > 0
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def markup_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def instant(value) -> dt.datetime | None:
    """An expected date as a UTC instant: a time tuple, a datetime, or a string read by feedparser's date parser."""
    if isinstance(value, time.struct_time | tuple) and len(value) >= 6:
        return dt.datetime(*value[:6], tzinfo=dt.UTC)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str):
        from feedparser.datetimes import _parse_date

        parsed = _parse_date(value)
        return dt.datetime(*parsed[:6], tzinfo=dt.UTC) if parsed else None
    return value


def check(field: str, mime, expected, got, name: str) -> tuple[bool, str]:
    """(matched, why not) for BlogReader's value `got` against feedparser's `expected`."""
    if got is MISSING:
        return False, "entry missing"
    if field in ("published", "updated"):
        want = instant(expected)
        return got == want, "date missing" if got is None else "date differs"
    if field == "link":
        want = urljoin(BASE + name, expected.strip()) if isinstance(expected, str) else expected
        return got == want, "link missing" if not got else "link differs"
    have = words(got)
    wanted = expected_texts(expected, mime, field) if field in ("title", "summary", "content") else {words(expected)}
    return have in wanted, f"{field} missing" if not have else f"{field} differs"


class _ActiveFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for attribute, value in attrs:
            value = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if attribute.startswith("on"):
                self.found.append(f"{tag} {attribute}=")
            elif attribute in _URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:", "data:text", "livescript:")):
                self.found.append(f"{tag} {attribute}={value[:20]}")
            elif attribute == "style" and ("expression(" in value or "javascript:" in value or "url(" in value):
                self.found.append(f"{tag} style={value[:30]}")


def active_parts(entries) -> list[str]:
    found = []
    for entry in entries:
        finder = _ActiveFinder()
        finder.feed(entry.content_html)
        finder.close()
        found += finder.found
    return found
