"""The search index of a SQLite library, written once per batch (store/search_queue.py, migration 0020).

Expected: a fetch's batch indexes every post it keeps, once, with the words it was last given (a post changed
within the batch is read back, a deleted or rolled-back one is not indexed); writes outside a batch, and
another program's, are indexed by the triggers as they happen; a batch whose index write fails keeps
nothing, and what earlier batches committed stays searchable.
"""

from __future__ import annotations

import sqlite3

import pytest

from blogreader.models import NewEntry
from blogreader.store import EnrichmentUpdate, Store
from blogreader.store.database import Batch
from blogreader.store.packed_posts import register_post_text
from blogreader.store.search_queue import SearchQueue

pytestmark = pytest.mark.sqlite_only  # PostgreSQL's search vector is a column of the entry: nothing is queued

LONG = " Sparse features of a language model, read one layer at a time." * 8  # packed: read back through post_text


def post(guid: str, words: str, *, long: bool = False) -> NewEntry:
    html = f"<p>{words}{LONG if long else ''}</p>"
    return NewEntry(title=f"Post {guid}", url=f"https://blog.example.com/{guid}", canonical_url=None, guid=guid,
                    author=None, published=None, content_html=html, text=html[3:-4], word_count=len(html.split()),
                    reading_minutes=1, feed_summary=None, content_hash=f"{guid}:{words}")


def found(store: Store, word: str) -> list[str]:
    return sorted(entry.guid for entry in store.search(word))


def indexed_once(store: Store) -> bool:
    """Every entry has one row in the index, and no entry that is gone has one."""
    entries = [row[0] for row in store.conn.execute("SELECT id FROM entries ORDER BY id")]
    rows = [row[0] for row in store.conn.execute("SELECT id FROM entries_fts_docsize ORDER BY id")]
    return entries == rows


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "blogreader.db")
    store.add_source("https://blog.example.com/feed", "feed")
    yield store
    store.close()


def test_a_batch_indexes_the_words_each_post_holds_when_it_commits(store):
    batch = Batch(store.conn, 10)
    with batch.unit():
        store.save_entries(1, [post("a", "alpha zebra", long=True), post("b", "beta okapi")])
    with batch.unit():  # a queued post changed: read back from its row, never taken out of the index first
        store.save_entries(1, [post("a", "alpha yak", long=True)])
    with pytest.raises(ValueError), batch.unit():  # a unit undone: its post's id may be given again
        store.save_entries(1, [post("c", "gamma quagga")])
        raise ValueError("this feed fails")
    with batch.unit():
        store.save_entries(1, [post("d", "delta narwhal")])
        store.conn.execute("DELETE FROM entries WHERE guid = 'b'")  # a queued post gone before the commit
    with pytest.raises(ValueError), batch.unit():  # the last unit undone: its post's id is given to no one
        store.save_entries(1, [post("e", "epsilon tapir")])
        raise ValueError("this feed fails")
    assert store.conn.in_transaction
    batch.commit()
    assert not store.conn.in_transaction
    assert found(store, "yak") == ["a"] and found(store, "layer") == ["a"]
    assert [found(store, word) for word in ("zebra", "okapi", "quagga", "tapir")] == [[], [], [], []]
    assert found(store, "narwhal") == ["d"]
    assert indexed_once(store)
    # Later changes of posts the batch indexed go through the triggers: out with the old words, in with the new.
    store.save_entries(1, [post("d", "delta walrus")])
    assert found(store, "narwhal") == [] and found(store, "walrus") == ["d"] and indexed_once(store)


def test_writes_outside_a_batch_and_another_programs_are_indexed_as_they_happen(store, tmp_path):
    store.save_entries(1, [post("a", "alpha zebra", long=True)])  # its own transaction: no batch
    assert found(store, "zebra") == ["a"]
    other = sqlite3.connect(tmp_path / "blogreader.db", isolation_level=None)
    try:
        register_post_text(other)  # what the README tells another program to register
        other.execute("UPDATE entries SET title = 'Renamed capybara' WHERE guid = 'a'")
    finally:
        other.close()
    assert found(store, "capybara") == ["a"] and found(store, "zebra") == ["a"] and indexed_once(store)


def test_a_batch_whose_index_write_fails_keeps_none_of_its_posts(store, monkeypatch):
    batch = Batch(store.conn, 10)
    with batch.unit():
        store.save_entries(1, [post("a", "alpha zebra")])
    batch.commit()

    def fail(queue, conn):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SearchQueue, "write", fail)
    with batch.unit():
        store.save_entries(1, [post("b", "beta okapi", long=True)])
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        batch.commit()
    monkeypatch.undo()
    assert not store.conn.in_transaction
    assert [row[0] for row in store.conn.execute("SELECT guid FROM entries")] == ["a"]
    assert found(store, "zebra") == ["a"] and indexed_once(store)
    with batch.unit():  # the next batch starts afresh
        store.save_entries(1, [post("b", "beta okapi")])
    batch.commit()
    assert found(store, "okapi") == ["b"] and indexed_once(store)


def integrity_holds(store: Store) -> bool:
    # Raises when the index's own structures disagree (its words are checked by the searches around it: the
    # index reads the posts' words through post_text, so FTS5 cannot compare them with the rows itself).
    store.conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
    return True


def test_saved_summaries_rewrite_the_window_s_index_rows_once(store):
    store.save_entries(1, [post("a", "alpha zebra", long=True), post("b", "beta okapi")])
    ids = [row[0] for row in store.conn.execute("SELECT id FROM entries ORDER BY id")]
    store.save_enrichment([EnrichmentUpdate(id=ids[0], summary="A summary about lemurs.", summary_origin="extractive")])
    assert found(store, "lemurs") == ["a"] and integrity_holds(store)
    store.save_enrichment([EnrichmentUpdate(id=ids[0], summary="A summary about pangolins.", summary_origin="extractive"),
                           EnrichmentUpdate(id=ids[1], category="Safety", category_origin="local"),
                           EnrichmentUpdate(id=ids[1] + 99, summary="An entry that is gone.", summary_origin="extractive")])
    assert found(store, "pangolins") == ["a"] and found(store, "zebra") == ["a"] and found(store, "layer") == ["a"]
    assert found(store, "okapi") == ["b"] and found(store, "gone") == [] and found(store, "lemurs") == []
    assert indexed_once(store) and integrity_holds(store) and not store.conn.search_queue.rows
    # A later edit goes through the triggers: out with the summary's words, in with the new ones.
    store.edit(ids[0], summary="Now about armadillos.")
    assert found(store, "pangolins") == [] and found(store, "armadillos") == ["a"] and integrity_holds(store)


def test_a_window_of_summaries_that_fails_leaves_the_index_as_it_was(store, monkeypatch):
    store.save_entries(1, [post("a", "alpha zebra", long=True)])
    entry_id = store.conn.execute("SELECT id FROM entries").fetchone()[0]

    def fail(queue, conn):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SearchQueue, "write", fail)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        store.save_enrichment([EnrichmentUpdate(id=entry_id, summary="About pangolins.", summary_origin="extractive")])
    monkeypatch.undo()
    assert not store.conn.in_transaction and not store.conn.search_queue.rows
    assert store.entry(entry_id).summary is None
    assert found(store, "zebra") == ["a"] and found(store, "pangolins") == [] and integrity_holds(store)


def test_summaries_saved_inside_a_fetch_s_batch_are_indexed_by_the_triggers(store):
    batch = Batch(store.conn, 10)
    with batch.unit():
        store.save_entries(1, [post("a", "alpha zebra")])
    store.save_entries(1, [post("b", "beta okapi")])  # in the open batch: queued
    entry_id = store.conn.execute("SELECT id FROM entries WHERE guid = 'a'").fetchone()[0]
    with batch.unit():
        store.save_enrichment([EnrichmentUpdate(id=entry_id, summary="About pangolins.", summary_origin="extractive")])
    batch.commit()
    assert found(store, "pangolins") == ["a"] and found(store, "okapi") == ["b"]
    assert indexed_once(store) and integrity_holds(store)
