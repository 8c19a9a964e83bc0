"""An entry's near-duplicate band keys are stored alike on both engines (PostgreSQL writes them in one
statement, SQLite one row each), and a copy is found through them."""

from __future__ import annotations

import pytest

from blogreader.dedupe.near_duplicates import band_keys, shingles
from tests.postgres.test_store_engines import STORY, entry, open_store, source


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    opened = open_store(request.param, request, tmp_path)
    yield opened
    opened.close()


def test_every_band_is_stored_with_its_place_and_finds_a_copy(store):
    a, b = source(store, "a"), source(store, "b")
    [original] = store.save_entries(a, [entry("Features", "https://a.example/features", STORY)]).ids
    rows = store.conn.execute("SELECT band, key FROM entry_bands WHERE entry_id = ? ORDER BY band", (original,))
    expected = list(enumerate(band_keys(shingles(STORY))))
    assert [(row[0], row[1]) for row in rows] == expected and len(expected) > 1
    assert any(key < 0 for _band, key in expected) or any(key >= 2**31 for _band, key in expected)  # 64-bit keys
    [copy] = store.save_entries(b, [entry("Features (repost)", "https://b.example/repost", STORY)]).ids
    assert store.entry(copy).duplicate_of == original
    # A text rewritten to one that hashes alike keeps each band once, also where one was missing.
    store.conn.execute("DELETE FROM entry_bands WHERE entry_id = ? AND band = 0", (original,))
    from blogreader.store.duplicates import rewrite_bands

    rewrite_bands(store.conn, original, STORY)
    stored = store.conn.execute("SELECT count(*) FROM entry_bands WHERE entry_id = ?", (original,)).fetchone()[0]
    assert stored == len(expected)


def test_every_entry_s_bands_are_made_again_from_its_text_in_chunks(store):
    """Migration 0022's step on either engine: the entries that had band rows get their keys from their text
    again (old keys gone), read a chunk at a time; an entry without rows gets none."""
    from blogreader.dedupe.near_duplicates import text_band_keys
    from blogreader.store.database import transaction
    from blogreader.store.duplicates import rehash_all_bands

    a = source(store, "a")
    texts = [f"{STORY} Part {n} adds its own closing words." for n in range(3)]
    ids = store.save_entries(a, [entry(f"Post {n}", f"https://a.example/{n}", text) for n, text in enumerate(texts)]).ids
    bare = store.save_entries(a, [entry("Note", "https://a.example/note", "Too short for bands.")]).ids[0]
    store.conn.execute("UPDATE entry_bands SET key = key / 2")  # keys as another hash made them
    with transaction(store.conn):
        rehash_all_bands(store.conn, chunk=2)
    for entry_id, text in zip(ids, texts):
        rows = store.conn.execute("SELECT band, key FROM entry_bands WHERE entry_id = ? ORDER BY band", (entry_id,))
        assert [(row[0], row[1]) for row in rows] == list(enumerate(text_band_keys(text)))
    assert store.conn.execute("SELECT count(*) FROM entry_bands WHERE entry_id = ?", (bare,)).fetchone()[0] == 0
