"""Until migrations 0012-0014 of the other work in progress land, 0015 waits as a .pending file: applied here in sequence."""

from __future__ import annotations

from pathlib import Path

import pytest

DRAFT = Path(__file__).parents[2] / "src" / "blogreader" / "store" / "migrations" / "0015_published.sql.pending"


@pytest.fixture(autouse=True)
def _published_migration(monkeypatch):
    from blogreader.store import database

    original = database.migrations

    def with_draft():
        found = original()
        if any(name.startswith("0015_") for _version, name, _sql in found) or not DRAFT.exists():
            return found
        return [*found, (len(found) + 1, "0015_published.sql", DRAFT.read_text(encoding="utf-8"))]

    monkeypatch.setattr(database, "migrations", with_draft)
