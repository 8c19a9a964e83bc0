"""`import`: subscription lists (OPML), curated Markdown lists and lists of URLs into the library."""

from __future__ import annotations

from pathlib import Path

from blogreader.config import Settings
from blogreader.errors import BlogReaderError, UsageError
from blogreader.fetch.guard import check_url
from blogreader.imports.collection import import_curated_list
from blogreader.imports.curated import looks_curated
from blogreader.imports.url_list import save_urls, url_lines
from blogreader.sources.opml import Outline, parse_opml
from blogreader.store import Store

MAX_IMPORT_BYTES = 50_000_000


def import_file(store: Store, settings: Settings, path: Path) -> str:
    """Import one file, detected by its content; returns a one-line account of what changed."""
    try:
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise UsageError(f"{path}: over {MAX_IMPORT_BYTES // 1_000_000} MB, larger than any subscription or reading "
                             "list; split it and import the parts")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
    return import_data(store, settings, data, str(path))


def import_data(store: Store, settings: Settings, data: bytes, path: str) -> str:
    """Import the bytes of one file (`path` names it in messages), detected by their content."""
    if _looks_like_xml(data[:4096]):
        return subscribe_outlines(store, settings, parse_opml(data, path))
    text = _decode(data)
    if text.lstrip().startswith("{"):
        return load_export(store, text, path)
    if looks_curated(text):
        return import_curated_list(store, text, path)
    urls, not_urls = url_lines(text)
    if urls:
        return save_urls(store, settings, urls, not_urls)
    raise UsageError(
        f"{path}: not a file BlogReader imports: expected OPML, a curated Markdown list "
        "(`| Blog | Summary | Category |` tables under month headings) or a text file of URLs, one a line"
    )


def load_export(store: Store, text: str, path: str) -> str:
    """Load a BlogReader JSON export (`export json`) into an empty library: the same library again."""
    import json

    from blogreader.store.library_file import load_library

    try:
        document = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc}); check the file; nothing was imported") from None
    if not isinstance(document, dict) or "blogreader" not in document or "entries" not in document:
        raise UsageError(f"{path}: JSON, but not a BlogReader export (`blogreader export json` writes one); "
                         "nothing was imported")
    counts = load_library(store.conn, document, path)
    return f"library loaded: {counts['sources']} source(s), {counts['entries']} entries"


def _looks_like_xml(head: bytes) -> bool:
    """An XML document in any of the encodings XML allows (UTF-16 and UTF-32 have NULs between letters)."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    head = head.replace(b"\x00", b"").lstrip(b" \t\r\n").lower()
    if head.startswith((b"<?xml", b"<opml", b"<!doctype")):
        return True
    return head.startswith(b"<!--") and b"<opml" in head  # a comment before <opml>; Markdown may open with one too


def _decode(data: bytes) -> str:
    """Text of a file saved as UTF-8 or, failing that, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


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
        _source, created = store.add_source(outline.url, outline.kind, title=outline.title, category=outline.category)
        added += created
        existing += not created
    report = f"{added} source(s) added, {existing} already subscribed"
    if skipped:
        report += f", {len(skipped)} skipped: " + "; ".join(skipped)
    return report
