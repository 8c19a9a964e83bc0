"""Roundup items as mentions: one row per (roundup, work) with that roundup's rank, title and blurb; kept
when the first roundup naming a work goes; migrated from the item links of schema 6."""

from __future__ import annotations

import pytest

from blogreader.models import NewEntry
from blogreader.roundups import RoundupItem
from blogreader.roundups.entries import item_entry
from blogreader.store import Store, database


def link(title: str, url: str | None, blurb: str) -> NewEntry:
    """A roundup item as the pipeline stores it."""
    return item_entry(RoundupItem(0, title, url, blurb), published=None)


def post(title: str, url: str) -> NewEntry:
    return link(title, url, f"The post {title}.")


def library(tmp_path) -> tuple[Store, int, int, int, int]:
    """A store with two sources, each with one roundup post; returns (store, source a, roundup a, source b, roundup b)."""
    store = Store.open(tmp_path / "blogreader.db")
    a, _ = store.add_source("https://a.example/feed", "feed", title="A Weekly", site_url="https://a.example/")
    b, _ = store.add_source("https://b.example/feed", "feed", title="B Digest", site_url="https://b.example/")
    [roundup_a] = store.save_entries(a.id, [post("A's picks", "https://a.example/picks")]).ids
    [roundup_b] = store.save_entries(b.id, [post("B's picks", "https://b.example/picks")]).ids
    return store, a.id, roundup_a, b.id, roundup_b


PAPER = "https://arxiv.org/abs/2606.11873"


def test_each_roundup_keeps_its_own_rank_title_and_blurb_for_one_work(tmp_path):
    store, _a, roundup_a, b, roundup_b = library(tmp_path)
    [paper, _other] = store.save_items(roundup_a, [(1, link("A's title", PAPER, "A's blurb.")),
                                                  (2, link("Other", "https://arxiv.org/abs/2606.00001", "x"))])
    assert store.save_items(roundup_b, [(5, link("B's title", PAPER + "v2", "B's blurb."))]) == [paper]
    shown_a, shown_b = store.children(roundup_a), store.children(roundup_b)
    first = shown_a[0]
    assert (first.id, first.rank, first.title, first.text, first.source) == (paper, 1, "A's title", "A's blurb.", "A Weekly")
    assert [(e.id, e.rank, e.title, e.text, e.source, e.source_id) for e in shown_b] == [
        (paper, 5, "B's title", "B's blurb.", "B Digest", b)]
    assert store.parents(paper) == [roundup_a, roundup_b]
    work = store.entry(paper)
    assert (work.parent_id, work.rank) == (roundup_a, 1)  # the first parent, as the README says


def test_a_work_under_a_later_roundup_shows_that_roundups_blurb_as_text_and_no_summary_made_elsewhere(tmp_path):
    from blogreader.enrich.standalone import standalone_problem

    from blogreader.config import load_settings
    from blogreader.enrich.runner import enrich_entries

    store, _a, roundup_a, _b, roundup_b = library(tmp_path)
    a_blurb = "A new attention kernel that halves the memory of long-context inference on one GPU."
    [paper] = store.save_items(roundup_a, [(1, link("A's title", PAPER, a_blurb))])
    enrich_entries(store, load_settings(tmp_path), [paper])
    b_blurb = "@someone made it! Worth a read, and congrats to the authors.\nReddit\nCode"
    store.save_items(roundup_b, [(2, link("B's title", PAPER, b_blurb))])
    [shown] = store.children(roundup_b)
    assert shown.text == b_blurb  # the later roundup's own words
    assert shown.summary is None and shown.summary_origin is None  # neither A's summary nor B's raw blurb
    [first] = store.children(roundup_a)
    assert first.summary == store.entry(paper).summary and standalone_problem(first.summary) is None
    store.edit(paper, summary="My own note on why this kernel matters for long contexts.")
    assert store.children(roundup_b)[0].summary == "My own note on why this kernel matters for long contexts."


def test_a_resplit_roundup_updates_its_mentions_and_drops_what_it_no_longer_names(tmp_path):
    store, _a, roundup_a, _b, _ = library(tmp_path)
    first = store.save_items(roundup_a, [(1, link("One", PAPER, "old")), (2, link("Two", "https://t.example/2", "t"))])
    added = store.conn.execute("SELECT added FROM mentions WHERE entry_id = ?", (first[0],)).fetchone()[0]
    again = store.save_items(roundup_a, [(3, link("One, retitled", PAPER, "new")), (4, link("One twice", PAPER, "dup"))])
    assert again == [first[0]]  # a work named twice in one roundup is one mention, the first
    rows = store.conn.execute("SELECT entry_id, rank, title, blurb, added FROM mentions").fetchall()
    assert [tuple(row) for row in rows] == [(first[0], 3, "One, retitled", "new", added)]


def test_a_user_title_wins_over_every_roundups_title(tmp_path):
    store, _a, roundup_a, _b, roundup_b = library(tmp_path)
    [paper] = store.save_items(roundup_a, [(1, link("A's title", PAPER, "A's blurb."))])
    store.save_items(roundup_b, [(1, link("B's title", PAPER, "B's blurb."))])
    store.edit(paper, title="My title")
    assert [e.title for e in store.children(roundup_a) + store.children(roundup_b)] == ["My title", "My title"]


def test_removing_the_source_of_the_first_roundup_keeps_what_others_name_and_what_the_user_kept(tmp_path):
    store, a, roundup_a, _b, roundup_b = library(tmp_path)
    shared, kept, only_a = store.save_items(roundup_a, [
        (1, link("Shared", PAPER, "a")), (2, link("Kept", "https://k.example/", "k")),
        (3, link("Only A", "https://o.example/", "o"))])
    store.save_items(roundup_b, [(1, link("Shared, says B", PAPER, "b"))])
    store.set_picked([kept], True)
    store.remove_source(a)
    assert [(e.id, e.title) for e in store.children(roundup_b)] == [(shared, "Shared, says B")]
    assert (store.entry(shared).parent_id, store.entry(shared).rank) == (roundup_b, 1)
    assert store.entry(kept).picked and store.entry(kept).parent_id is None
    remaining = {row[0] for row in store.conn.execute("SELECT id FROM entries")}
    assert only_a not in remaining and roundup_a not in remaining
    assert store.conn.execute("SELECT count(*) FROM mentions WHERE roundup_id = ?", (roundup_a,)).fetchone()[0] == 0


@pytest.mark.sqlite_only  # SQLite's own migrations, from a file at schema 6
def test_a_schema_6_library_with_roundup_items_migrates_to_mentions(tmp_path, monkeypatch):
    """Items as schema 6 stored them (a link entry under its first roundup, a row per roundup in entry_parents)."""
    path = tmp_path / "blogreader.db"
    shipped = database.migrations
    assert [name for _v, name, _sql in shipped()][5] == "0006_content_hash_index.sql"
    monkeypatch.setattr(database, "migrations", lambda: shipped()[:6])
    conn = database.connect(path)
    run = conn.execute
    for source in (1, 2):
        run("INSERT INTO sources (id, url, kind, title, created) VALUES (?, ?, 'feed', ?, '2026-01-01')",
            (source, f"https://s{source}.example/feed", f"Source {source}"))
        run("INSERT INTO entries (id, source_id, title, text, added) VALUES (?, ?, ?, 'roundup', ?)",
            (source * 10, source, f"Roundup {source}", f"2026-01-0{source}"))
    run("""INSERT INTO entries (id, kind, source_id, url, canonical_url, title, text, added, parent_id, rank, picked)
           VALUES (100, 'link', 1, ?, ?, 'First title', 'First blurb', '2026-01-01', 10, 3, 1)""", (PAPER, PAPER))
    run("INSERT INTO entry_parents (entry_id, parent_id, rank, position) VALUES (100, 10, 3, 2), (100, 20, 7, 0)")
    assert run("PRAGMA user_version").fetchone()[0] == 6
    conn.close()

    monkeypatch.setattr(database, "migrations", shipped)
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(shipped())
    assert (tmp_path / "blogreader.db.pre-migration-v6.bak").exists()
    assert not store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entry_parents'").fetchone()
    rows = store.conn.execute(
        "SELECT entry_id, roundup_id, source_id, rank, position, title, blurb, added FROM mentions ORDER BY roundup_id")
    assert [tuple(row) for row in rows] == [(100, 10, 1, 3, 2, "First title", "First blurb", "2026-01-01"),
                                           (100, 20, 2, 7, 0, "First title", "First blurb", "2026-01-02")]
    [under_second] = store.children(20)
    assert (under_second.id, under_second.rank, under_second.source, under_second.picked) == (100, 7, "Source 2", True)
    work = store.entry(100)
    assert (work.parent_id, work.rank, work.title, work.picked) == (10, 3, "First title", True)
    # The next split of a roundup writes its own words over what the migration could only borrow.
    store.save_items(20, [(1, link("Second's own title", PAPER, "Second's own blurb"))])
    assert [(e.title, e.text) for e in store.children(20)] == [("Second's own title", "Second's own blurb")]
    assert [(e.title, e.text) for e in store.children(10)] == [("First title", "First blurb")]
    store.close()
