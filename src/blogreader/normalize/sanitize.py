"""The allow-list sanitizer every stored or shown piece of HTML passes through."""

from __future__ import annotations

import html as html_lib
import re
import threading
from functools import lru_cache

import nh3

from blogreader.normalize.math_svg import MATH_ATTRIBUTES, MATH_TAGS, SVG_ATTRIBUTES, SVG_TAGS, svg_attribute

# Ammonia's default allow-list, less the tags that let content escape its box or pose as the page, plus
# formulas (MathML) and simple drawings (SVG shapes): ML posts are written in them.
ALLOWED_TAGS = ((frozenset(nh3.ALLOWED_TAGS) - {"area", "map", "center", "header", "footer", "hgroup"})
                | MATH_TAGS | SVG_TAGS)
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in ALLOWED_TAGS},
    **MATH_ATTRIBUTES,
    **SVG_ATTRIBUTES,
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "time": {"datetime"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_SVG = re.compile(r"<svg", re.IGNORECASE)
_C0_CHARACTERS = [*map(chr, range(0x00, 0x09)), "\x0b", *map(chr, range(0x0e, 0x20)), "\x7f"]
_C0_CONTROLS = re.compile("[" + "".join(_C0_CHARACTERS) + "]")
MAX_PASSES = 4  # two always sufficed on fuzzed tag soup; the bound keeps a pathological input cheap
MAX_DEPTH = 512  # elements nested deeper are flattened, as browsers do (Blink's limit)
MAX_HTML = 1_000_000  # characters of one piece of HTML that are parsed; long posts are a few hundred thousand
# A tag as an HTML tokenizer reads it: a quote opens a value only after "="; a tag whose quote or ">" never
# comes runs to the end (`\Z`). Without that, each of 30,000 unclosed "<a" scanned the rest of the page.
_TAG_BODY = (r"([A-Za-z][^\s/>]*)(?:[\s/]|[^\s/>][^\s/>=]*(?:\s*=\s*(?:\"[^\"]*(?:\"|\Z)|'[^']*(?:'|\Z)|[^\s>]*))?)*"
             r"(>|\Z)")
_START_OR_END_TAG = re.compile(r"<(/?)" + _TAG_BODY)
# What an HTML tokenizer reads as markup: comments (also "<!-->"), bogus comments and doctypes, tags.
_MARKUP = re.compile(
    r"<!--(?:-?>|.*?(?:--!?>|\Z))|<[!?][^>]*(?:>|\Z)|</(?![A-Za-z])[^>]*(?:>|\Z)|<(/?)" + _TAG_BODY, re.DOTALL)
_RAW_TEXT = frozenset({"textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"})
_SKIPPED_RAW = frozenset({"script", "style"})
TEXT_RUN = 2000  # characters of text the parser gets in one piece (see break_text_runs)
# Where a run may be cut without changing what it says: after a character that cannot continue a character
# reference nor pair with a line break, or just before an "&".
_CUT = re.compile(r"[^A-Za-z0-9#&\r](?![\r\n])|(?=&)")
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
    clean = _clean(tractable(html), relative, as_written=True)
    if clean == html:
        return clean  # already a fixed point: stored HTML shown again (the web app re-sanitizes it)
    for _ in range(MAX_PASSES - 1):
        again = _clean(break_text_runs(clean), relative)  # escaping made "&amp;"s: as slow as "&"s in one run
        if again == clean:
            break
        clean = again
    return clean


def tractable(html: str) -> str:
    """`html` as an HTML parser gets through in about linear time: at most MAX_HTML characters, nested
    at most MAX_DEPTH deep. Some shapes (content foster-parented out of a <table>) still cost the
    square of their size, so the size is bounded too."""
    return break_text_runs(limit_nesting(html[:MAX_HTML]))


def break_text_runs(html: str, every: int = TEXT_RUN) -> str:
    """`html` with an empty comment every `every` characters of a long run of text; the same document.

    nh3's parser (ammonia 4.2, html5ever 0.40) spends time growing with the square of a run of text that
    holds many "&" or characters U+0080-U+00BF: a megabyte of "·" took 20 s. Each comment ends a run;
    comments are dropped and the text around one is joined again. Inside a textarea, title and the like
    the element is closed and reopened instead.
    """
    if len(html) <= every or max(map(len, html.split("<"))) <= every:  # no run to cut (lengths taken in C)
        return html
    pieces: list[str] = []
    last = index = 0
    while (markup := _MARKUP.search(html, index)) is not None:
        last = _cut_run(html, index, markup.start(), "<!---->", every, pieces, last)
        index = markup.end()
        name = (markup.group(2) or "").lower()
        if markup.group(1) != "" or name not in _RAW_TEXT | _SKIPPED_RAW:
            continue
        if name == "plaintext":  # no end tag: the rest of the page is its text, which as escaped text can be cut
            # <center> closes an open <p> as <plaintext> does, and the sanitizer drops both.
            pieces.append(html[last:markup.start()] + "<center>")
            html, index, last = html_lib.escape(html[index:], quote=False), 0, 0
            break
        end = re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE).search(html, index)
        stop = end.start() if end else len(html)
        if name in _RAW_TEXT:
            last = _cut_run(html, index, stop, f"</{name}><{name}>", every, pieces, last)
        index = stop
    last = _cut_run(html, index, len(html), "<!---->", every, pieces, last)
    pieces.append(html[last:])
    return "".join(pieces)


def _cut_run(html: str, start: int, end: int, cut: str, every: int, pieces: list[str], last: int) -> int:
    """Add `html[last:p]` and `cut` to `pieces` at a safe point p about every `every` characters of
    `html[start:end]`; the new `last`."""
    at = start + every
    while at < end and (found := _CUT.search(html, max(at - 1, last + 1), end)) is not None and found.end() < end:
        pieces += [html[last:found.end()], cut]
        last = found.end()
        at = last + every
    return last


def limit_nesting(html: str, limit: int = MAX_DEPTH) -> str:
    """`html` without the start tags nested deeper than `limit`, nor their end tags; usually `html` itself.

    An HTML parser's work grows with the square of the nesting depth (each new element looks down the
    stack of open ones), so a megabyte of <div>s nested 100,000 deep held a fetch for minutes, and
    ten megabytes for hours. Dropping the excess tags keeps their text; the sanitizer runs after.
    """
    # Only a start tag ("<" then a letter) goes deeper: with at most `limit` of them none can go past the limit.
    tags = html.count("<")
    if tags <= limit or tags - html.count("</") <= limit:
        return html
    depth = dropped = 0
    cuts: list[tuple[int, int]] = []
    for match in _START_OR_END_TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        self_closing = html[match.end() - 2] == "/"
        if name in _FLAT or self_closing or not match.group(3):  # no ">": the rest is inside this tag
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


def _clean(html: str, relative, as_written: bool = False) -> str:
    # C0 controls (ESC, BEL...) are invalid in HTML and drive terminals; C1 ones stay, as they are often
    # mojibake that the text stage repairs.
    clean = _allowed_only(html, relative, as_written)
    # A substring test per control character is a quarter of one regex scan of non-ASCII text.
    return _C0_CONTROLS.sub("", clean) if any(char in clean for char in _C0_CHARACTERS) else clean


def _allowed_only(html: str, relative, as_written: bool = False) -> str:
    svg = _SVG.search(html) is not None  # the filter is a Python call per attribute: only where SVG is
    if relative == "deny":
        return _cleaner(svg, None).clean(html)
    # Building a sanitizer (its allow-lists as Rust sets) cost 115 µs, four times the cleaning of a post, and
    # a base URL is given per entry: so one prebuilt sanitizer only notes whether the post has a relative
    # URL at all, and only then does one with the post's base URL clean it again. Where the HTML as written
    # (not a pass over the sanitizer's own output) plainly has a link or image address without a scheme, that
    # first cleaning is skipped, the one with the base URL giving the same either way: on posts with relative
    # links, over half of real ones, it cost a third of the sanitizing.
    if not (as_written and _looks_relative(html)):
        _RELATIVE_SEEN.found = False
        clean = _cleaner(svg, _note_relative).clean(html)
        if not _RELATIVE_SEEN.found:
            return clean  # no URL to resolve: what the sanitizer with the base URL gives, exactly
    options = dict(_OPTIONS, attribute_filter=svg_attribute) if svg else _OPTIONS
    try:
        return nh3.clean(html, url_relative=relative, **options)
    except ValueError:  # a base URL ammonia cannot parse: relative links go, the rest is as strict
        return _cleaner(svg, None).clean(html)


# Elements dropped with their content: code, and what a page shows only to a browser that cannot play its video or
# audio ("Your browser does not support the video tag."): no reader of the post sees it, and it is no text of it.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "video", "audio"})
_OPTIONS = dict(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                link_rel="noopener noreferrer nofollow", strip_comments=True, clean_content_tags=CLEAN_CONTENT_TAGS)
_RELATIVE_SEEN = threading.local()  # set by _note_relative during one clean on this thread
# A link or image address that does not start with a scheme, as such HTML is usually written (a hint: the
# sanitizer decides). It starts with a plain "=", which the regex engine looks for quickly: a fifth of the
# time of looking for "href=" and "src=" apart.
_RELATIVE_HINT = re.compile(r"""=(?<=href=|.src=)["']?+(?![A-Za-z][A-Za-z0-9+.-]*:)""")


def _looks_relative(html: str) -> bool:
    """Does `html` plainly hold a relative URL (`href="/about"`, `src=img.png`)?"""
    return _RELATIVE_HINT.search(html) is not None


def _note_relative(url: str) -> None:
    """Called by ammonia for each relative URL: notes it and drops it (the post is cleaned again with its base)."""
    _RELATIVE_SEEN.found = True


@lru_cache(maxsize=4)
def _cleaner(svg: bool, relative) -> nh3.Cleaner:
    """A prebuilt sanitizer: relative URLs denied (None) or passed to `relative`, SVG attributes filtered or not."""
    options = dict(_OPTIONS, attribute_filter=svg_attribute) if svg else _OPTIONS
    return nh3.Cleaner(url_relative=relative or "deny", **options)
