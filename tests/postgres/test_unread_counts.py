"""The inbox's unread counts (migration 0014's partial indexes and `also_carried`) give, on both engines, what
a plain join of every unread shown entry with entry_sources gives: an entry counted once under each source
that carries it, roundup items under none."""

from __future__ import annotations

import pytest

from tests.postgres.test_store_engines import entry, link, open_store, source

# The count as it was written before migration 0014: every unread shown entry joined with its carriers.
REFERENCE = """SELECT es.source_id, count(*) FROM entries e JOIN entry_sources es ON es.entry_id = e.id
               WHERE e.read = 0 AND e.promo = 0 AND e.duplicate_of IS NULL
                 AND NOT (e.kind = 'link' AND e.parent_id IS NOT NULL)
               GROUP BY es.source_id ORDER BY es.source_id"""


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    opened = open_store(request.param, request, tmp_path)
    yield opened
    opened.close()


def counted(store) -> list[tuple[int, int]]:
    return sorted((source_id, unread) for source_id, _name, unread in store.unread_counts().sources)


def reference(store) -> list[tuple[int, int]]:
    return [(row[0], row[1]) for row in store.conn.execute(REFERENCE).fetchall()]


def api_reference(store) -> tuple:
    """The reader API's counts as they were computed before migration 0014: one pass over every unread entry."""
    rows = store.conn.execute(
        """SELECT e.id, e.category, e.added, es.source_id, s.category FROM entries e
           LEFT JOIN entry_sources es ON es.entry_id = e.id LEFT JOIN sources s ON s.id = es.source_id
           WHERE e.read = 0 AND e.promo = 0 AND e.duplicate_of IS NULL""").fetchall()
    sources: dict = {}
    folders: dict = {}
    tags: dict = {}
    everything: dict = {}
    for entry_id, category, added, source_id, folder in rows:
        everything[entry_id] = added
        if category:
            tags.setdefault(category, {})[entry_id] = added
        if source_id is not None:
            sources.setdefault(source_id, []).append(added)
        if folder:
            folders.setdefault(folder, {})[entry_id] = added
    return (sorted((key, len(v), max(v)) for key, v in sources.items()),
            sorted((key, len(v), max(v.values())) for key, v in folders.items()),
            sorted((key, len(v), max(v.values())) for key, v in tags.items()),
            (len(everything), max(everything.values(), default=None)))


def api_counted(store) -> tuple:
    sources, folders, tags, total = store.api_unread_counts()
    return sorted(sources), sorted(folders), sorted(tags), total


def same_counts(store) -> list[tuple[int, int]]:
    assert api_counted(store) == api_reference(store)
    assert counted(store) == reference(store)
    return counted(store)


def test_each_carrier_counts_an_entry_once_and_roundup_items_count_nowhere(store):
    a, b, c = source(store, "a"), source(store, "b"), source(store, "c")
    for folder, source_id in (("Labs", a), ("Labs", b)):  # b's copy of a's post is one entry in the folder
        store.conn.execute("UPDATE sources SET category = ? WHERE id = ?", (folder, source_id))
    own = store.save_entries(a, [entry(f"A {n}", f"https://a.example/{n}", f"post {n}", day=n) for n in (1, 2, 3)]).ids
    # The same post carried by b too (syndicated): one entry, counted under a and under b.
    assert store.save_entries(b, [entry("Syndicated", "https://a.example/2", "post 2", guid="b-2")]).ids == [own[1]]
    store.save_entries(b, [entry("B 1", "https://b.example/1", "b's own post")])
    [roundup] = store.save_entries(c, [entry("Weekly picks", "https://c.example/weekly", "picks")]).ids
    store.conn.execute("UPDATE entries SET category = 'Agents' WHERE id = ?", (own[1],))
    items = store.save_items(roundup, [(1, link("Paper one", "https://arxiv.org/abs/2601.00001", "one")),
                                       (2, link("Paper two", "https://arxiv.org/abs/2601.00002", "two"))])
    assert same_counts(store) == [(a, 3), (b, 2), (c, 1)]
    flags = dict(store.conn.execute("SELECT id, also_carried FROM entries").fetchall())
    assert {entry_id for entry_id, flag in flags.items() if flag} == {own[1]}

    # A starred item outlives its roundup: a shown link, which no source carries.
    store.set_starred([items[0]], True)
    store.conn.execute("DELETE FROM entries WHERE id = ?", (roundup,))
    assert store.entry(items[0]).parent_id is None
    assert same_counts(store) == [(a, 3), (b, 2)]

    store.set_read([own[1]], True)
    assert same_counts(store) == [(a, 2), (b, 1)]
    store.set_read([own[1]], False)
    # Unsubscribing from a: the entry b carries too moves to b and is still counted once there.
    store.remove_source(a)
    assert same_counts(store) == [(b, 2)]


def test_a_category_written_in_two_cases_is_one_category(store):
    a = source(store, "a")
    posts = [entry(f"Post {n}", f"https://a.example/{n}", f"post {n}", day=n) for n in (1, 2, 3)]
    ids = store.save_entries(a, posts).ids
    for entry_id, category in zip(ids, ("RL", "rl", "Agents")):
        store.conn.execute("UPDATE entries SET category = ? WHERE id = ?", (category, entry_id))
    categories = dict((name.casefold(), unread) for name, unread in store.unread_counts().categories)
    assert categories == {"rl": 2, "agents": 1}
    assert sorted(store.category_names()) == ["Agents", "RL", "rl"]
