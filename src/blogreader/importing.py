"""`import`: subscription lists (OPML) into the library."""

from __future__ import annotations

from pathlib import Path

from blogreader.config import Settings
from blogreader.errors import BlogReaderError, UsageError
from blogreader.fetch.guard import check_url
from blogreader.sources.opml import Outline, parse_opml
from blogreader.store import Store


def import_file(store: Store, settings: Settings, path: Path) -> str:
    """Import one file, detected by its content; returns a one-line account of what changed."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<opml"):
        return subscribe_outlines(store, settings, parse_opml(data, str(path)))
    raise UsageError(
        f"{path}: not an OPML file; this version imports OPML subscription lists "
        "(curated Markdown lists and URL lists come in a later version)"
    )


def subscribe_outlines(store: Store, settings: Settings, outlines: list[Outline]) -> str:
    """Subscribe to every outline's feed URL without fetching; bad URLs are reported and skipped."""
    added = existing = 0
    skipped: list[str] = []
    for outline in outlines:
        try:
            check_url(outline.url, allow_private=True)  # the address itself is checked when fetched
        except BlogReaderError as exc:
            skipped.append(str(exc))
            continue
        _source, created = store.add_source(outline.url, "feed", title=outline.title, category=outline.category)
        added += created
        existing += not created
    report = f"{added} source(s) added, {existing} already subscribed"
    if skipped:
        report += f", {len(skipped)} skipped: " + "; ".join(skipped)
    return report
