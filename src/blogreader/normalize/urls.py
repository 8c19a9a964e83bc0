"""Canonical URLs: one spelling per resource, for identity and dedupe."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from blogreader.dedupe.works import work_url

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
        "mkt_tok", "ref_src", "ref_url", "triedredirect", "publication_id", "post_id", "isfreemail",
        "showwelcomeonshare",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMS


def web_url(url: str | None) -> str | None:
    """`url` (stripped) when it is an absolute http(s) URL with a host, else None.

    Feeds are written by strangers: an item "link" of javascript:, data:, file: or vbscript: is not a
    link to a post, and must not reach a listing, a terminal or a page as one.
    """
    url = (url or "").strip()
    if not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in _DEFAULT_PORTS and parts.hostname else None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters; works named by id folded."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return url
    work = work_url(url)
    if work:  # a paper or forum post named by its id: one address for every mirror, version and viewer
        return work
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))
