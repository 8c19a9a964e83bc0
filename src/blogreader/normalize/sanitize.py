"""The allow-list sanitizer every stored or shown piece of HTML passes through."""

from __future__ import annotations

import re

import nh3

# Ammonia's default allow-list, less the tags that let content escape its box or pose as the page.
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"area", "map", "center", "header", "footer", "hgroup"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in ALLOWED_TAGS},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "time": {"datetime"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_C0_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
MAX_PASSES = 4  # two always sufficed on fuzzed tag soup; the bound keeps a pathological input cheap
MAX_DEPTH = 512  # elements nested deeper are flattened, as browsers do (Blink's limit)
MAX_HTML = 1_000_000  # characters of one piece of HTML that are parsed; long posts are a few hundred thousand
_START_OR_END_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
# Elements never dropped for depth: void ones, those the parser closes by itself when a sibling starts,
# and those whose content is raw text (dropping <script> would turn its code into visible text).
_FLAT = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
    "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
})


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Keep only safe tags, attributes and http(s)/mailto URLs; resolve relative URLs against `base_url`.

    The result is a fixed point: sanitizing it again changes nothing. One pass is not always enough,
    because mis-nested markup (an <a> inside an <a>, a newline after <pre>) serializes into HTML that
    parses into a different tree; the passes repeat until the output is stable.
    """
    if not html:
        return ""
    relative = ("rewrite_with_base", base_url) if base_url and base_url.startswith(("http://", "https://")) else "deny"
    clean = _clean(tractable(html), relative)
    if clean == html:
        return clean  # already a fixed point: stored HTML shown again (the web app re-sanitizes it)
    for _ in range(MAX_PASSES - 1):
        again = _clean(clean, relative)
        if again == clean:
            break
        clean = again
    return clean


def tractable(html: str) -> str:
    """`html` as an HTML parser gets through in about linear time: at most MAX_HTML characters, nested
    at most MAX_DEPTH deep. Some shapes (content foster-parented out of a <table>) still cost the
    square of their size, so the size is bounded too."""
    return limit_nesting(html[:MAX_HTML])


def limit_nesting(html: str, limit: int = MAX_DEPTH) -> str:
    """`html` without the start tags nested deeper than `limit`, nor their end tags; usually `html` itself.

    An HTML parser's work grows with the square of the nesting depth (each new element looks down the
    stack of open ones), so a megabyte of <div>s nested 100,000 deep held a fetch for minutes, and
    ten megabytes for hours. Dropping the excess tags keeps their text; the sanitizer runs after.
    """
    if html.count("<") <= limit:
        return html
    depth = dropped = 0
    cuts: list[tuple[int, int]] = []
    for match in _START_OR_END_TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _FLAT or self_closing:
            continue
        if closing and dropped:
            dropped -= 1
            cuts.append(match.span())
        elif closing:
            depth = max(0, depth - 1)
        elif depth >= limit:
            dropped += 1
            cuts.append(match.span())
        else:
            depth += 1
    if not cuts:
        return html
    pieces, last = [], 0
    for start, end in cuts:
        pieces.append(html[last:start])
        last = end
    pieces.append(html[last:])
    return "".join(pieces)


def _clean(html: str, relative) -> str:
    # C0 controls (ESC, BEL...) are invalid in HTML and drive terminals; C1 ones stay, as they are often
    # mojibake that the text stage repairs.
    return _C0_CONTROLS.sub("", _allowed_only(html, relative))


def _allowed_only(html: str, relative) -> str:
    options = dict(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                   link_rel="noopener noreferrer nofollow", strip_comments=True)
    try:
        return nh3.clean(html, url_relative=relative, **options)
    except ValueError:  # a base URL ammonia cannot parse: relative links go, the rest is as strict
        return nh3.clean(html, url_relative="deny", **options)
