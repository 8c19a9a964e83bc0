"""Endorsements in the store: every mention kept under its roundup, counted by distinct recommenders."""

from __future__ import annotations

from blogreader.models import NewEntry
from blogreader.roundups import RoundupItem
from blogreader.roundups.entries import item_entry
from blogreader.store import Store


def link(title: str, url: str, blurb: str) -> NewEntry:
    return item_entry(RoundupItem(0, title, url, blurb), published=None)


def library(tmp_path, names=("A Weekly", "B Digest", "C Links")):
    """A store with one roundup post per source; returns (store, [(source id, roundup id), ...])."""
    store = Store.open(tmp_path / "blogreader.db")
    made = []
    for index, name in enumerate(names):
        site = f"https://{chr(97 + index)}.example/"
        source, _ = store.add_source(site + "feed", "feed", title=name, site_url=site)
        [roundup] = store.save_entries(source.id, [link(f"{name} #1", site + "issue-1", "picks")]).ids
        made.append((source.id, roundup))
    return store, made


def test_one_paper_linked_three_ways_is_one_entry_with_three_recommenders(tmp_path):
    store, [(a, ra), (b, rb), (c, rc)] = library(tmp_path)
    [paper] = store.save_items(ra, [(1, link("Mamba", "https://arxiv.org/abs/2312.00752", "A says: fast."))])
    assert store.save_items(rb, [(3, link("Mamba (pdf)", "https://arxiv.org/pdf/2312.00752v2", "B says: linear."))]) == [paper]
    assert store.save_items(rc, [(None, link("Mamba", "https://huggingface.co/papers/2312.00752", "C: read it."))]) == [paper]
    assert store.recommended_by(paper) == 3
    mentions = store.mentions_of(paper)
    assert [(m.source, m.source_id, m.roundup_id, m.rank, m.title, m.blurb) for m in mentions] == [
        ("A Weekly", a, ra, 1, "Mamba", "A says: fast."),
        ("B Digest", b, rb, 3, "Mamba (pdf)", "B says: linear."),
        ("C Links", c, rc, None, "Mamba", "C: read it."),
    ]
    assert mentions[0].to_json()["roundup_title"] == "A Weekly #1"


def test_two_roundups_of_one_source_are_one_recommender(tmp_path):
    store, [(a, ra), (_b, rb)] = library(tmp_path, ("A Weekly", "B Digest"))
    [second_issue] = store.save_entries(a, [link("A Weekly #2", "https://a.example/issue-2", "more")]).ids
    [paper] = store.save_items(ra, [(1, link("P", "https://openreview.net/forum?id=HkxLXnAcFQ", "first"))])
    store.save_items(second_issue, [(1, link("P", "https://openreview.net/pdf?id=HkxLXnAcFQ", "again"))])
    [other] = store.save_items(rb, [(1, link("Q", "https://doi.org/10.1145/3442188.3445922", "q"))])
    store.save_items(rb, [(1, link("Q", "https://dl.acm.org/doi/10.1145/3442188.3445922", "q")),
                          (2, link("P", "https://openreview.net/forum?id=HkxLXnAcFQ&noteId=x1", "b on p"))])
    assert len(store.mentions_of(paper)) == 3
    assert store.recommended_by(paper) == 2  # A twice, B once
    ranked = store.most_recommended()
    assert [(entry.id, count) for entry, count in ranked] == [(paper, 2), (other, 1)]


def test_since_counts_only_recent_roundups(tmp_path):
    store, [(_a, ra), (_b, rb)] = library(tmp_path, ("A Weekly", "B Digest"))
    store.conn.execute("UPDATE entries SET published = '2026-01-05T00:00:00Z' WHERE id = ?", (ra,))
    store.conn.execute("UPDATE entries SET published = '2026-03-05T00:00:00Z' WHERE id = ?", (rb,))
    [old] = store.save_items(ra, [(1, link("Old", "https://arxiv.org/abs/2401.12345", "x"))])
    store.save_items(rb, [(1, link("Old", "https://arxiv.org/abs/2401.12345v2", "y")),
                          (2, link("New", "https://arxiv.org/abs/2403.00001", "z"))])
    assert [(e.title, n) for e, n in store.most_recommended()][0] == ("Old", 2)
    assert sorted((e.title, n) for e, n in store.most_recommended(since="2026-02-01T00:00:00Z")) == [("New", 1), ("Old", 1)]
    assert store.most_recommended(limit=1)[0][0].id == old


def test_a_link_to_the_address_a_stored_page_names_canonical_is_that_post(tmp_path):
    store, [(_a, ra)] = library(tmp_path, ("A Weekly",))
    saved = store.save_entries(None, [link("The compute curve", "https://aistrategy.substack.com/p/the-compute-curve", "x")])
    [post] = saved.ids
    store.conn.execute("UPDATE entries SET page_canonical = ? WHERE id = ?",
                       ("https://www.aistrategynotes.com/p/the-compute-curve", post))
    named = store.save_items(ra, [(1, link("Compute", "https://www.aistrategynotes.com/p/the-compute-curve", "y"))])
    assert named == [post]
    assert store.recommended_by(post) == 1


def test_a_work_nobody_recommends_has_no_mentions(tmp_path):
    store, [(_a, ra)] = library(tmp_path, ("A Weekly",))
    assert store.mentions_of(ra) == [] and store.recommended_by(ra) == 0


def test_works_stored_under_older_rules_are_found_by_their_new_address(tmp_path):
    store, [(_a, ra), (b, rb)] = library(tmp_path, ("A Weekly", "B Digest"))
    hf, doi = store.save_items(ra, [(1, link("Mamba", "https://huggingface.co/papers/2312.00752", "a")),
                                    (2, link("Parrots", "https://dl.acm.org/doi/10.1145/3442188.3445922", "a2"))])
    [alpha] = store.save_items(rb, [(1, link("Mamba again", "https://www.alphaxiv.org/abs/2312.00752", "b"))])
    assert alpha == hf
    # As an older version stored them: each link its own address, so the one paper became two entries.
    store.conn.execute("UPDATE entries SET canonical_url = url WHERE id = ?", (hf,))
    store.conn.execute("UPDATE entries SET canonical_url = url WHERE id = ?", (doi,))
    store.conn.execute("DELETE FROM mentions WHERE roundup_id = ?", (rb,))
    [copy] = store.save_entries(b, [link("Mamba again", "https://www.alphaxiv.org/abs/2312.00752", "b")]).ids
    store.conn.execute("UPDATE entries SET canonical_url = url WHERE id = ?", (copy,))
    store.conn.execute("INSERT INTO mentions (entry_id, roundup_id, source_id, rank, position, title, blurb, added) "
                       "VALUES (?, ?, ?, 1, 0, 'Mamba again', 'b', '2026-03-01T00:00:00Z')", (copy, rb, b))
    store.conn.execute("DELETE FROM meta WHERE key = 'works_folded'")

    [third] = store.save_entries(b, [link("C's issue", "https://b.example/issue-2", "picks")]).ids
    assert store.save_items(third, [(1, link("Mamba (pdf)", "https://arxiv.org/pdf/2312.00752", "c")),
                                    (2, link("Parrots", "https://doi.org/10.1145/3442188.3445922", "c2"))]) == [hf, doi]
    assert store.entry(copy).duplicate_of == hf  # kept, hidden, its mention moved to the work
    assert [m.roundup_id for m in store.mentions_of(hf)] == [ra, rb, third]
    assert store.recommended_by(hf) == 2
    assert [entry.id for entry, _ in store.most_recommended()].count(copy) == 0


def test_a_stored_copy_the_user_kept_is_left_alone(tmp_path):
    store, [(a, ra)] = library(tmp_path, ("A Weekly",))
    first, second = store.save_entries(a, [link("One", "https://openreview.net/forum?id=HkxLXnAcFQ", "x"),
                                           link("Two", "https://example.org/elsewhere", "y")]).ids
    store.conn.execute("UPDATE entries SET url = 'https://openreview.net/pdf?id=HkxLXnAcFQ', "
                       "canonical_url = 'https://openreview.net/pdf?id=HkxLXnAcFQ', note = 'mine' WHERE id = ?", (second,))
    store.conn.execute("DELETE FROM meta WHERE key = 'works_folded'")
    store.save_items(ra, [(1, link("One", "https://openreview.net/forum?id=HkxLXnAcFQ", "z"))])
    assert store.entry(second).duplicate_of is None and store.entry(second).note == "mine"


def test_a_direct_post_recommends_the_work_with_its_own_words_unless_it_is_the_works_home(tmp_path):
    from dataclasses import replace

    store, [(sam, _), (forum, _)] = library(tmp_path, ("Sam's Links", "LessWrong"))
    store.conn.execute("UPDATE sources SET site_url = 'https://www.lesswrong.com/' WHERE id = ?", (forum,))
    post = "https://www.lesswrong.com/posts/AanbbjYr5zckMKde7/specification-gaming"
    [work] = store.save_entries(sam, [replace(link("Specification gaming", post, "x"), feed_summary="Read this one.")]).ids
    cross_post = "https://www.alignmentforum.org/posts/AanbbjYr5zckMKde7/specification-gaming"
    assert store.save_entries(forum, [link("Specification gaming", cross_post, "y")]).ids == [work]
    assert [(m.source, m.roundup_id, m.blurb) for m in store.mentions_of(work)] == [("Sam's Links", None, "Read this one.")]
    assert store.recommended_by(work) == 1
    assert [(entry.id, count) for entry, count in store.most_recommended()] == [(work, 1)]
    assert store.recommender_names([work]) == {work: ["Sam's Links"]}
