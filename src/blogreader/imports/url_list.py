"""A plain text file of URLs, one a line: each saved as an article, a failure reported and skipped."""

from __future__ import annotations

import logging
import re

from blogreader.config import Settings
from blogreader.errors import BlogReaderError
from blogreader.store import Store

log = logging.getLogger(__name__)

_BULLET = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_URL_LINE = re.compile(r"^<?(https?://\S+?)>?$", re.IGNORECASE)


def url_lines(text: str) -> list[str]:
    """The URLs of a file that holds only URLs (blank lines, `#` comments and list bullets allowed), else []."""
    urls = []
    for line in text.splitlines():
        stripped = _BULLET.sub("", line.strip())
        if not stripped or stripped.startswith("#"):
            continue
        match = _URL_LINE.match(stripped)
        if not match:
            return []
        urls.append(match.group(1))
    return urls


def save_urls(store: Store, settings: Settings, urls: list[str]) -> str:
    """Save every URL as an article, going on past failures; returns what happened to each failure."""
    from blogreader.pipeline import save_article

    saved: list[int] = []
    failed: list[str] = []
    for url in dict.fromkeys(urls):
        try:
            saved.append(save_article(store, settings, url))
        except BlogReaderError as exc:
            log.info("%s not saved: %s", url, exc)
            failed.append(f"{url}: {exc}")
    report = f"{len(saved)} article(s) saved, {len(failed)} failed"
    if saved:
        report += _enrich(store, settings, saved)
    if failed:
        report += "\n  failed: " + "\n  failed: ".join(failed)
    if failed and not saved:
        raise BlogReaderError(report + "\nno URL could be saved; check the addresses and your connection")
    return report


def _enrich(store: Store, settings: Settings, ids: list[int]) -> str:
    from blogreader.enrich.runner import enrich_entries

    items = [item.id for entry_id in ids for item in store.children(entry_id)]  # a roundup's picks too
    try:
        enrich_entries(store, settings, list(dict.fromkeys(ids + items)))
    except BlogReaderError as exc:
        return f" (not summarized yet: {exc}; run `blogreader enrich`)"
    return ""
