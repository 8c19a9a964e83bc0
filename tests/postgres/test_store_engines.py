"""The store's write path gives the same results on both engines: each test runs once on a SQLite file and once
on a fresh PostgreSQL schema (skipped, with the reason, where no PostgreSQL server can be had)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from blogreader.errors import UsageError
from blogreader.models import NewEntry
from blogreader.roundups import RoundupItem
from blogreader.roundups.entries import item_entry
from blogreader.store import Store
from blogreader.store.database import connect
from blogreader.store.library_file import dump_library, load_library
from tests.postgres_cluster import fresh_schema_url

STORY = " ".join(f"Sentence {n} says how sparse autoencoders find the features of a large model." for n in range(14))


def open_store(engine: str, request, tmp_path, name: str = "blogreader.db") -> Store:
    """A new empty library on `engine`. The SQLite file is opened without Store.open, which the suite's
    engine switch (BLOGREADER_TEST_ENGINE=postgresql) would send to PostgreSQL."""
    if engine == "sqlite":
        path = tmp_path / name
        return Store(connect(path), path)
    return Store.open(fresh_schema_url(request.getfixturevalue("postgres_cluster").url))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request) -> str:
    return request.param


@pytest.fixture
def store(engine, request, tmp_path):
    opened = open_store(engine, request, tmp_path)
    assert opened.engine == engine
    yield opened
    opened.close()


def entry(title: str, url: str, text: str, *, guid: str | None = None, day: int = 1) -> NewEntry:
    html = f"<p>{text}</p>"
    return NewEntry(title=title, url=url, canonical_url=url, guid=guid, author=None,
                    published=datetime(2026, 3, day, 9, 0, tzinfo=timezone.utc), content_html=html, text=text,
                    word_count=len(text.split()), reading_minutes=1, feed_summary=None,
                    content_hash=hashlib.blake2b(html.encode(), digest_size=16).hexdigest())


def link(title: str, url: str, blurb: str) -> NewEntry:
    return item_entry(RoundupItem(0, title, url, blurb), published=None)


def source(store: Store, letter: str) -> int:
    made, _new = store.add_source(f"https://{letter}.example/feed", "feed", title=f"Blog {letter.upper()}",
                                  site_url=f"https://{letter}.example/")
    return made.id


def test_saved_entries_are_listed_newest_first(store):
    a = source(store, "a")
    saved = store.save_entries(a, [entry("First", "https://a.example/1", "one", day=1),
                                   entry("Second", "https://a.example/2", "two", day=2)])
    assert saved.new_ids == saved.ids == saved.changed_ids and saved.updated == 0
    listed = store.list_entries(store_filter())
    assert [(e.title, e.source, e.read) for e in listed] == [("Second", "Blog A", False), ("First", "Blog A", False)]
    store.set_read([saved.ids[0]], True)
    assert [e.title for e in store.list_entries(store_filter(unread=True))] == ["Second"]


def test_a_resaved_entry_keeps_its_identity_and_the_users_title(store):
    a, b = source(store, "a"), source(store, "b")
    [first] = store.save_entries(a, [entry("Post", "https://a.example/p", "old text", guid="g1")]).ids
    store.edit(first, title="Mine")
    again = store.save_entries(a, [entry("Post, revised", "https://a.example/p", "new text", guid="g1")])
    assert (again.ids, again.new_ids, again.updated, again.changed_ids) == ([first], [], 1, [first])
    unchanged = store.save_entries(a, [entry("Post, revised", "https://a.example/p", "new text", guid="g1")])
    assert (unchanged.ids, unchanged.new_ids, unchanged.updated) == ([first], [], 0)
    # Another feed carrying the same address is the same entry, recorded as carried by it too.
    assert store.save_entries(b, [entry("Syndicated", "https://a.example/p", "x", guid="other")]).ids == [first]
    shown = store.entry(first)
    assert (shown.title, shown.text) == ("Mine", "new text")
    carriers = store.conn.execute("SELECT source_id FROM entry_sources WHERE entry_id = ? ORDER BY source_id",
                                  (first,)).fetchall()
    assert [row[0] for row in carriers] == [a, b]


def test_a_copy_under_another_address_is_linked_to_the_shown_one_and_read_with_it(store):
    a, b = source(store, "a"), source(store, "b")
    [original] = store.save_entries(a, [entry("Features", "https://a.example/features", STORY)]).ids
    [copy] = store.save_entries(b, [entry("Features (repost)", "https://b.example/repost", STORY)]).ids
    assert copy != original
    assert (store.entry(original).duplicate_of, store.entry(copy).duplicate_of) == (None, original)
    assert [e.id for e in store.list_entries(store_filter())] == [original]
    store.set_read([original], True)
    assert store.entry(copy).read


def test_search_ranks_a_title_match_above_a_text_match(store):
    a = source(store, "a")
    in_text, in_title, elsewhere = store.save_entries(a, [
        entry("Notes on training", "https://a.example/1", "Attention heads and tokenizers, tokenizers again."),
        entry("Tokenizers", "https://a.example/2", "A short post."),
        entry("Unrelated", "https://a.example/3", "Nothing to see."),
    ]).ids
    assert [e.id for e in store.search("tokenizer")] == [in_title, in_text]  # stemmed on both engines
    assert [e.id for e in store.search("tokenizers attention")] == [in_text]  # every word required
    assert store.search("nothing", limit=-1)[0].id == elsewhere
    with pytest.raises(UsageError):
        store.search("?!")


def test_sqlite_search_ranks_by_the_fields_holding_each_word_then_newest(request, tmp_path):
    """SQLite's index keeps which fields hold a word (not where): each word scores 10 in the title and 5 in the
    summary or note, and the newest come first among equals. (PostgreSQL ranks by ts_rank.)"""
    store = open_store("sqlite", request, tmp_path)
    a = source(store, "a")
    both_in_title, one_in_title, in_note, old_text, new_text = store.save_entries(a, [
        entry("Speculative decoding", "https://a.example/1", "Draft models help a larger one.", day=2),
        entry("Decoding at scale", "https://a.example/2", "Speculative drafts, measured.", day=3),
        entry("Serving notes", "https://a.example/3", "On speculative decoding in production.", day=4),
        entry("Weekly links", "https://a.example/4", "Speculative decoding, and decoding again, decoding.", day=5),
        entry("More links", "https://a.example/5", "Speculative decoding once.", day=6),
    ]).ids
    store.set_note(in_note, "speculative tricks")
    assert [e.id for e in store.search("speculative decoding", limit=-1)] == [
        both_in_title, one_in_title, in_note, new_text, old_text]
    store.close()


def test_search_words_are_split_as_the_index_splits_them(store, engine):
    """A query word is a run of letters and digits (the index splits at "_" too), so no query is a phrase, which
    SQLite's index, keeping no word positions, cannot answer. A letter the index's Unicode tables place among
    the separators makes a usage error that names the word, not a database error."""
    a = source(store, "a")
    [post] = store.save_entries(a, [entry("Drafts", "https://a.example/1", "On speculative_decoding at scale.")]).ids
    assert [e.id for e in store.search("speculative_decoding")] == [post]
    assert [e.id for e in store.search("decoding-speculative!")] == [post]
    newer_letter = "ab\u19b0cd"  # NEW TAI LUE VOWEL SIGN: a letter to Python, a separator to SQLite's tables
    if engine == "sqlite":
        with pytest.raises(UsageError, match=newer_letter):
            store.search(f"speculative {newer_letter}")
    else:
        assert store.search(f"speculative {newer_letter}") == []


def test_a_search_with_a_limit_ranks_the_newest_matches_on_postgresql(engine, store, monkeypatch):
    """PostgreSQL ranks only the newest SEARCH_CANDIDATES matches (ts_rank reads each one's vector); SQLite's
    FTS5 ranks them all; asking for every match ranks every match on both."""
    from blogreader.store import search as search_module

    monkeypatch.setattr(search_module, "SEARCH_CANDIDATES", 2)
    a = source(store, "a")
    old_title, newer, newest = store.save_entries(a, [
        entry("Tokenizers", "https://a.example/1", "An old post.", day=1),
        entry("Notes", "https://a.example/2", "On tokenizers.", day=2),
        entry("More notes", "https://a.example/3", "Tokenizers again.", day=3),
    ]).ids
    best = store.search("tokenizers", limit=1)[0].id
    if engine == "sqlite":
        assert best == old_title
    else:
        assert best in (newer, newest)  # the old title match is beyond the newest two
    assert store.search("tokenizers", limit=-1)[0].id == old_title


def test_a_roundups_mentions_keep_their_own_rank_title_and_blurb(store):
    a, b = source(store, "a"), source(store, "b")
    [roundup_a] = store.save_entries(a, [link("A's picks", "https://a.example/picks", "picks")]).ids
    [roundup_b] = store.save_entries(b, [link("B's picks", "https://b.example/picks", "picks")]).ids
    paper = "https://arxiv.org/abs/2606.11873"
    work, other = store.save_items(roundup_a, [(1, link("A's title", paper, "A's blurb.")),
                                               (2, link("Other", "https://arxiv.org/abs/2606.00001", "x"))])
    assert store.save_items(roundup_b, [(5, link("B's title", paper + "v2", "B's blurb."))]) == [work]
    assert [(m.source_id, m.roundup_id, m.rank, m.title, m.blurb) for m in store.mentions_of(work)] == [
        (a, roundup_a, 1, "A's title", "A's blurb."), (b, roundup_b, 5, "B's title", "B's blurb.")]
    assert [(c.id, c.rank, c.title) for c in store.children(roundup_b)] == [(work, 5, "B's title")]
    assert store.recommended_by(work) == 2 and store.parents(work) == [roundup_a, roundup_b]
    # A roundup saved again with fewer items forgets the others' mentions.
    assert store.save_items(roundup_a, [(1, link("A's title", paper, "A's blurb."))]) == [work]
    assert store.mentions_of(other) == []
    inputs = {row.id: row for row in store.enrichment_inputs([roundup_a, roundup_b, work])}
    assert (inputs[roundup_b].roundup, inputs[roundup_b].picks, inputs[work].roundup) == (True, "B's title", False)


def test_an_export_loads_into_an_empty_library_as_the_same_library(engine, store, request, tmp_path):
    a = source(store, "a")
    [roundup] = store.save_entries(a, [link("A's picks", "https://a.example/picks", "picks")]).ids
    [work] = store.save_items(roundup, [(1, link("Paper", "https://arxiv.org/abs/2606.11873", "Read it."))])
    store.set_starred([work], True)
    store.set_note(work, "second read")
    exported = dump_library(store.conn)
    assert {"rowid", "search_vector", "sort_date"}.isdisjoint(exported["entries"][0])
    assert [set(row) for row in exported["entry_sources"]] == [{"entry_id", "source_id", "guid"}]  # no rowid

    copy = open_store(engine, request, tmp_path, "copy.db")
    try:
        assert load_library(copy.conn, exported, "library.json") == {"sources": 1, "entries": 2}
        assert dump_library(copy.conn) == exported
        assert [e.id for e in copy.search("second read")] == [work]
        # New rows take ids after the loaded ones (PostgreSQL's sequences were moved past them).
        b = source(copy, "b")
        [new] = copy.save_entries(b, [entry("New", "https://b.example/new", "new")]).ids
        assert b > a and new > max(roundup, work)
    finally:
        copy.close()

    broken = dict(exported, mentions=[dict(exported["mentions"][0], roundup_id=999)])
    empty = open_store(engine, request, tmp_path, "third.db")
    try:
        with pytest.raises(UsageError, match="a mentions row points at a entries row the file does not hold"):
            load_library(empty.conn, broken, "broken.json")
        with pytest.raises(UsageError, match="nothing was imported"):
            load_library(empty.conn, dict(exported, entries=[{"id": "x"}]), "bad.json")
        assert empty.conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    finally:
        empty.close()


def store_filter(**options):
    from blogreader.store import EntryFilter

    return EntryFilter(**options)
