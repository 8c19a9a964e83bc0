"""Helpers for the publishing tests: picks stored straight into a library, a Markdown table reader, goldens."""

from __future__ import annotations

import os
import re
from pathlib import Path

from blogreader import __version__
from blogreader.config import load_settings
from blogreader.normalize.urls import canonical_url
from blogreader.store import Store
from blogreader.store.collection import ImportedPick
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "publish"
CONFIG = """starter_subscriptions = false

[publish]
title = "Test Collection"
description = "Picked posts, for tests."
site_url = "https://reader.example.org/"
"""


def pick(title: str, url: str | None, picked_at: str, summary: str | None = None, category: str | None = None,
         starred: bool = False) -> ImportedPick:
    """A pick with a fixed time, so published output is stable."""
    return ImportedPick(title=title, url=url, canonical_url=canonical_url(url) if url else None,
                        guid=None if url else f"urn:test:{title}", summary=summary, category=category,
                        starred=starred, picked_at=picked_at)


def store_picks(home: Path, picks: list[ImportedPick], notes: dict[str, str] | None = None,
                config: str = CONFIG) -> None:
    """Create a library at `home` holding `picks` (and notes by title)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(config, encoding="utf-8")
    with Store.open(load_settings(home).database_path) as store:
        store.import_picks(picks)
        for title, note in (notes or {}).items():
            entry_id = store.conn.execute("SELECT id FROM entries WHERE title = ?", (title,)).fetchone()[0]
            store.set_note(entry_id, note)


def table_rows(markdown: str) -> list[tuple[str | None, list[str]]]:
    """(month heading, cells) of every table body row, split on unescaped pipes; written apart from the importer."""
    rows, month = [], None
    for line in markdown.splitlines():
        if line.startswith("## "):
            month = line[3:].strip()
        elif line.startswith("|") and not re.match(r"^\|\s*:?-", line) and not line.startswith("| Blog |"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append((month, [cell.strip() for cell in cells]))
    return rows


def matches_golden(text: str, name: str) -> bool:
    """Compare with tests/fixtures/publish/NAME; BLOGREADER_UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    text = text.replace(f'version="{__version__}"', 'version="VERSION"')
    if os.environ.get("BLOGREADER_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path.read_text(encoding="utf-8") == text
