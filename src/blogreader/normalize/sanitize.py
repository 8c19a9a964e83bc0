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


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Keep only safe tags, attributes and http(s)/mailto URLs; resolve relative URLs against `base_url`.

    The result is a fixed point: sanitizing it again changes nothing. One pass is not always enough,
    because mis-nested markup (an <a> inside an <a>, a newline after <pre>) serializes into HTML that
    parses into a different tree; the passes repeat until the output is stable.
    """
    if not html:
        return ""
    relative = ("rewrite_with_base", base_url) if base_url and base_url.startswith(("http://", "https://")) else "deny"
    clean = _clean(html, relative)
    for _ in range(MAX_PASSES - 1):
        again = _clean(clean, relative)
        if again == clean:
            break
        clean = again
    return clean


def _clean(html: str, relative) -> str:
    # C0 controls (ESC, BEL...) are invalid in HTML and drive terminals; C1 ones stay, as they are often
    # mojibake that the text stage repairs.
    return _C0_CONTROLS.sub("", _allowed_only(html, relative))


def _allowed_only(html: str, relative) -> str:
    try:
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            url_relative=relative,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
    except ValueError:  # a base URL ammonia cannot parse
        return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, url_relative="deny")
