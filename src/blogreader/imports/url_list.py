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


def url_lines(text: str) -> tuple[list[str], list[str]]:
    """The URLs of a file of URLs one a line (blank lines, `#` comments and list bullets allowed), and each
    other line as "line N: ..."; no URLs at all when most lines are not URLs (then it is not a URL list)."""
    urls, others = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = _BULLET.sub("", line.strip())
        if not stripped or stripped.startswith("#"):
            continue
        match = _URL_LINE.match(stripped)
        if match:
            urls.append(match.group(1))
        else:
            others.append(f"line {number}: {stripped[:80]!r} is not a URL")
    if len(others) > len(urls):
        return [], []
    return urls, others


def save_urls(store: Store, settings: Settings, urls: list[str], skipped: list[str] = ()) -> str:
    """Save every URL as an article, going on past failures; returns what happened to each failure.

    `skipped` are the lines that were not URLs: reported, and the import fails (exit 1) after saving the rest.
    """
    from blogreader.imports.page import save_page

    saved: list[int] = []
    failed: list[str] = list(skipped)
    for url in dict.fromkeys(urls):
        try:
            saved.append(save_page(store, settings, url))
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
    if skipped:
        raise BlogReaderError(report + f"\n{len(skipped)} line(s) skipped; the other URLs were saved")
    return report


def _enrich(store: Store, settings: Settings, ids: list[int]) -> str:
    from blogreader.enrich.runner import enrich_entries

    items = [item.id for entry_id in ids for item in store.children(entry_id)]  # a roundup's picks too
    try:
        enrich_entries(store, settings, list(dict.fromkeys(ids + items)))
    except BlogReaderError as exc:
        return f" (not summarized yet: {exc}; run `blogreader enrich`)"
    return ""
