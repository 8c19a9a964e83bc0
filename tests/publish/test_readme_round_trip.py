"""Property: whatever the titles, summaries and categories, publish readme -> import gives the same entries back."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogreader.config import load_settings
from blogreader.imports.file import import_file
from blogreader.publish.runner import publish
from blogreader.store import Store
from tests.publish.support import pick

# Markdown's troublemakers, plus non-ASCII text that is not mojibake-shaped.
ALPHABET = st.sampled_from(list("abcXYZ 019|[]()<>\\`*_#!-:&;'\"/.?\n") + ["é", "×", "→", "日", "🌟"])
TEXT = st.text(ALPHABET, min_size=1, max_size=40).filter(lambda t: t.strip())
CELL = st.one_of(st.none(), TEXT)


def normal(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(TEXT, CELL, CELL, st.booleans(), st.sampled_from(["2026-01", "2026-02", "2025-12"])),
                     min_size=1, max_size=6))
def test_published_readme_imports_back_to_the_same_entries(rows):
    with tempfile.TemporaryDirectory() as tmp:
        picks = [pick(title, f"https://ex.org/p/{index}?q=(a)|b", f"{month}-0{index + 1}T00:00:00Z", summary,
                      category, starred) for index, (title, summary, category, starred, month) in enumerate(rows)]
        first, second = Path(tmp) / "first", Path(tmp) / "second"
        first.mkdir()
        with Store.open(first / "blogreader.db") as store:
            store.import_picks(picks)
            published = publish(store, load_settings(first), "readme", out=Path(tmp) / "README.md")
        second.mkdir()
        with Store.open(second / "blogreader.db") as store:
            import_file(store, load_settings(second), published.path)
            back = store.picked_entries()
    expected = sorted(picks, key=lambda p: p.picked_at)
    assert [(normal(e.title), e.url, normal(e.summary), normal(e.category), e.starred, e.picked_at[:7])
            for e in back] == [(normal(p.title), p.url, normal(p.summary), normal(p.category), p.starred,
                                p.picked_at[:7]) for p in expected]
