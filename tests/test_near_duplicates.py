"""The same post syndicated under another URL is linked to the first copy and not shown twice."""

from __future__ import annotations

import pytest

from blogreader.dedupe.fingerprint import text_fingerprint

BODY = " ".join(f"Sentence {n} about sparse autoencoders and the features they find in large models." for n in range(12))


def feed(link: str, title: str, body: str, guid: str) -> str:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>{guid}</title><link>https://x.example/</link>
    <item><title>{title}</title><link>{link}</link><guid isPermaLink="false">{guid}-1</guid>
    <description><![CDATA[<p>{body}</p>]]></description></item></channel></rss>"""


def test_fingerprint_ignores_case_punctuation_and_the_ending():
    assert text_fingerprint(BODY) == text_fingerprint(BODY.upper().replace(".", "!") + " Subscribe for more.")
    assert text_fingerprint("too short to tell") is None
    assert text_fingerprint(BODY) != text_fingerprint("Another post entirely. " + BODY)


def test_a_syndicated_copy_is_linked_and_hidden(cli, server):
    cli("add", server.serve("/a.xml", feed("https://author.example/posts/sae", "SAEs at scale", BODY, "a")))
    cli("fetch")
    cli("add", server.serve("/b.xml", feed("https://medium.example/@author/saes-at-scale-1a2b", "SAEs at Scale",
                                            BODY + " Originally published on the author's blog.", "b")))
    cli("fetch")
    everything = cli("list", "--all", "--json").json
    assert len(everything) == 2
    first = next(e for e in everything if e["url"].startswith("https://author.example"))
    copy = next(e for e in everything if e["url"].startswith("https://medium.example"))
    assert copy["duplicate_of"] == first["id"] and first["duplicate_of"] is None
    assert [e["id"] for e in cli("list", "--json").json] == [first["id"]]


def test_the_original_is_decided_by_structure_not_by_arrival():
    from blogreader.dedupe.originals import Copy, first_hand, original

    own = Copy(1, "https://www.author.example/posts/sae", sites=("https://author.example/", "https://author.example/feed"))
    planet = Copy(2, "https://planet.example/mirror/sae", sites=("https://aggregator.example/",))
    assert first_hand(own) and not first_hand(planet)
    assert original(planet, own) is own and original(own, planet) is own
    # A page naming another address as canonical yields to it, whatever the sites say.
    medium = Copy(3, "https://medium.example/@a/sae-1a2b", sites=("https://medium.example/",),
                  page_canonical="http://author.example/posts/sae/")
    assert not first_hand(medium) and original(medium, own) is own
    saved = Copy(4, "https://author.example/posts/sae")  # saved by hand: no source, so no site
    assert original(medium, saved) is saved
    # Naming itself as canonical, or nothing telling the copies apart: the first seen stays the original.
    twin = Copy(5, "https://twin.example/sae", sites=("https://twin.example/",), page_canonical="https://twin.example/sae")
    assert original(twin, own) is twin and original(own, twin) is own
    assert original(Copy(6, None), Copy(7, "not a url")).id == 6


# -- by content: a new opening, a footer, reworded sentences ----------------------------------------

STORY = [
    "We moved our serving stack from eight bit to four bit weights last month, and memory fell by half.",
    "Our traffic is mostly prefill on long prompts, where the matrix multiplies are compute bound, so "
    "packing the weights helped far less than it does for short chats decoded in small batches.",
    "Quality dropped by one point of exact match on our question set, mostly on questions with numbers; "
    "keeping the first and the last layers in eight bits won half of it back.",
    "Serve short chats at small batch sizes and four bits is an easy win; serve long documents and you "
    "should measure first, and keep an eye on arithmetic.",
]
OTHER = [
    "Every quantization method needs a calibration set, and most papers treat it as an afterthought.",
    "We tried web pages, code, chat transcripts and a mix, five hundred samples of two thousand tokens "
    "each, with the recipe and the bit width fixed throughout the study.",
    "The chat set won on chat benchmarks and lost on code, where brackets went unbalanced; the code set "
    "showed the mirror image, and the mix was never best and never worst.",
    "Calibrate on text that looks like your traffic, and mix it when your traffic is varied.",
]
INTRO = ("This article first appeared on the author's own blog and is republished with permission, lightly "
         "edited for our readers.")
FOOTER = "Thanks for reading; subscribe to get the next post by email."


def rss(name: str, items: list[tuple[str, list[str]]]) -> str:
    body = "".join(
        f"""<item><title>Post {n}</title><link>https://{name}.example/posts/{slug}</link>
        <guid isPermaLink="false">{name}-{slug}</guid>
        <description><![CDATA[{''.join(f'<p>{p}</p>' for p in paragraphs)}]]></description></item>"""
        for n, (slug, paragraphs) in enumerate(items))
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>
    <link>https://{name}.example/</link>{body}</channel></rss>"""


def library_with_a_syndicated_story(cli, server) -> tuple[dict, dict, dict]:
    """The author's post, a syndicated copy (new opening, footer) elsewhere, and another post: by kind."""
    cli("add", server.serve("/own.xml", rss("author", [("int4", STORY), ("calibration", OTHER)])))
    cli("fetch")
    cli("add", server.serve("/planet.xml", rss("planet", [("int4-notes", [INTRO, *STORY[1:], FOOTER])])))
    cli("fetch")
    everything = {e["url"].split("//")[1].split(".")[0] + ":" + e["url"].rsplit("/", 1)[1]: e
                  for e in cli("list", "--all", "--json").json}
    return everything["author:int4"], everything["planet:int4-notes"], everything["author:calibration"]


def test_a_copy_with_a_new_opening_and_a_footer_is_the_same_story(cli, server):
    own, copy, other = library_with_a_syndicated_story(cli, server)
    assert copy["duplicate_of"] == own["id"] and own["duplicate_of"] is None and other["duplicate_of"] is None
    assert sorted(e["id"] for e in cli("list", "--json").json) == sorted([own["id"], other["id"]])


def test_reading_one_copy_reads_the_story_and_unreading_unreads_it(cli, server):
    own, copy, other = library_with_a_syndicated_story(cli, server)
    assert cli("read", str(copy["id"])).code == 0  # the hidden copy, read by id
    read = {e["id"]: e["read"] for e in cli("list", "--all", "--json").json}
    assert read == {own["id"]: True, copy["id"]: True, other["id"]: False}
    assert cli("unread", str(own["id"])).code == 0
    read = {e["id"]: e["read"] for e in cli("list", "--all", "--json").json}
    assert read == {own["id"]: False, copy["id"]: False, other["id"]: False}


def test_a_copy_arriving_after_the_story_was_read_arrives_read(cli, server):
    cli("add", server.serve("/own.xml", rss("author", [("int4", STORY)])))
    cli("fetch")
    own = cli("list", "--json").json[0]
    cli("read", str(own["id"]))
    cli("add", server.serve("/planet.xml", rss("planet", [("int4-notes", [INTRO, *STORY[1:], FOOTER])])))
    cli("fetch")
    assert all(e["read"] for e in cli("list", "--all", "--json").json)


def test_bulk_read_reads_the_hidden_copies_and_undo_puts_them_back(cli, server, home):
    from blogreader.config import load_settings
    from blogreader.store import EntryFilter, Store

    own, copy, other = library_with_a_syndicated_story(cli, server)
    store = Store.open(load_settings(home).database_path)
    try:
        marked = store.mark_read_matching(EntryFilter())
        assert marked.count == 2  # what the inbox showed: the story once, and the other post
        assert all(store.entry(i).read for i in (own["id"], copy["id"], other["id"]))
        assert store.undo_mark_read(marked.undo) == 2
        assert not any(store.entry(i).read for i in (own["id"], copy["id"], other["id"]))
        store.open_entry(copy["id"])  # opening a copy in the web app
        assert store.entry(own["id"]).read and not store.entry(other["id"]).read
    finally:
        store.close()


def test_posts_of_one_blog_sharing_its_intro_and_footer_are_not_one_story(cli, server):
    template = ("Hello and welcome to Field Notes, where our team writes up the experiments, mistakes and "
                "small discoveries of the month; the numbers come from our own systems.")
    cli("add", server.serve("/own.xml", rss("author", [("a", [template, *STORY, FOOTER]),
                                                        ("b", [template, *OTHER, FOOTER])])))
    cli("fetch")
    assert [e["duplicate_of"] for e in cli("list", "--all", "--json").json] == [None, None]


@pytest.mark.sqlite_only  # SQLite's query plan (PostgreSQL's planner picks from its statistics)
def test_the_candidate_lookup_is_an_indexed_query(cli, server, home):
    import sqlite3

    from blogreader.config import load_settings
    from blogreader.store.duplicates import candidates_sql

    library_with_a_syndicated_story(cli, server)
    conn = sqlite3.connect(load_settings(home).database_path)
    try:
        plan = " ".join(row[3] for row in conn.execute(
            f"EXPLAIN QUERY PLAN {candidates_sql(conn)}", {"bands": "[1, 2]", "id": 1, "mark": "m", "limit": 20}))
        assert "SEARCH b USING PRIMARY KEY (band=? AND key=?)" in plan and "SCAN b" not in plan, plan
        assert "SEARCH entries USING COVERING INDEX entries_by_fingerprint" in plan, plan
    finally:
        conn.close()


def test_band_keys_are_kept_per_entry_and_go_with_it(cli, server, home):
    """An entry's bands have no index by entry (migration 0019): they are deleted by their keys, recomputed
    from the text they were made from, when the text changes and when the entry goes."""
    from blogreader.config import load_settings
    from blogreader.dedupe.near_duplicates import band_keys, shingles
    from blogreader.store import Store

    def bands(store, entry_id):
        return [key for (key,) in store.conn.execute(
            "SELECT key FROM entry_bands WHERE entry_id = ? ORDER BY band", (entry_id,))]

    own, copy, other = library_with_a_syndicated_story(cli, server)
    database = load_settings(home).database_path
    with Store.open(database) as store:
        assert store.conn.execute("SELECT count(DISTINCT entry_id) FROM entry_bands").fetchone()[0] == 3
        before = store.entry(own["id"]).text
        assert bands(store, own["id"]) == band_keys(shingles(before))
    planet = next(s["id"] for s in cli("sources", "--json").json if "planet" in s["url"])
    assert cli("remove", str(planet)).code == 0
    rewritten = [STORY[0], *OTHER[1:], FOOTER]
    server.serve("/own.xml", rss("author", [("int4", rewritten), ("calibration", OTHER)]))
    assert cli("fetch").code == 0
    with Store.open(database) as store:
        assert bands(store, copy["id"]) == []  # went with its source
        text = store.entry(own["id"]).text
        assert text != before and bands(store, own["id"]) == band_keys(shingles(text))
        assert store.conn.execute("SELECT count(*) FROM entry_bands").fetchone()[0] == 64  # nothing left behind


@pytest.mark.sqlite_only  # `compact` is for a SQLite library; PostgreSQL's bands keep their foreign key
def test_compact_drops_the_bands_of_entries_that_are_gone(cli, server, home):
    from blogreader.config import load_settings
    from blogreader.store import Store

    library_with_a_syndicated_story(cli, server)
    database = load_settings(home).database_path
    with Store.open(database) as store:
        store.conn.execute("INSERT INTO entry_bands (band, key, entry_id) VALUES (0, 1, 999), (1, 2, 999)")
    assert cli("compact").code == 0
    with Store.open(database) as store:
        assert store.conn.execute("SELECT count(*) FROM entry_bands WHERE entry_id = 999").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(DISTINCT entry_id) FROM entry_bands").fetchone()[0] == 3


def test_an_entry_stored_with_64_bands_is_still_found_by_the_32_now_kept(cli, server, home):
    """Entries stored before keep their 64 band rows; the first 32 are the keys new entries compute, so a copy
    fetched now is linked to a post stored then, and the rows past the 32nd are never read."""
    from blogreader.config import load_settings
    from blogreader.dedupe.near_duplicates import BANDS
    from blogreader.store import Store

    cli("add", server.serve("/own.xml", rss("author", [("int4", STORY), ("calibration", OTHER)])))
    cli("fetch")
    with Store.open(load_settings(home).database_path) as store:
        # As 64 bands left them: a second half of rows (with keys made up here: nothing may read them).
        store.conn.execute(f"INSERT INTO entry_bands (band, key, entry_id) "
                           f"SELECT band + {BANDS}, key + 1, entry_id FROM entry_bands")
        assert store.conn.execute("SELECT max(band) FROM entry_bands").fetchone()[0] == 2 * BANDS - 1
    cli("add", server.serve("/planet.xml", rss("planet", [("int4-notes", [INTRO, *STORY[1:], FOOTER])])))
    cli("fetch")
    everything = {e["url"].rsplit("/", 1)[1]: e for e in cli("list", "--all", "--json").json}
    assert everything["int4-notes"]["duplicate_of"] == everything["int4"]["id"]
    with Store.open(load_settings(home).database_path) as store:
        new = store.conn.execute("SELECT count(*), max(band) FROM entry_bands WHERE entry_id = ?",
                                 (everything["int4-notes"]["id"],)).fetchone()
        assert tuple(new) == (BANDS, BANDS - 1)


def test_a_stored_entry_whose_text_changed_is_compared_by_its_new_text(tmp_path):
    """The store keeps the shingles of the entries it compared lately (store/duplicates.py); an entry whose
    text changed since is compared by the new text, never by what was kept of the old one."""
    import json

    from blogreader.models import NewEntry
    from blogreader.store import Store
    from blogreader.store.duplicates import candidates_sql, near_duplicate_marks

    def post(guid: str, text: str) -> NewEntry:
        return NewEntry(title=guid, url=f"https://{guid}.example/post", canonical_url=None, guid=guid, author=None,
                        published=None, content_html=f"<p>{text}</p>", text=text, word_count=len(text.split()),
                        reading_minutes=1, feed_summary=None, content_hash=f"{guid}:{hash(text)}")

    # The new text keeps the first five sentences: a candidate still for a copy of the old one (a shared band,
    # the same opening words), with a fifth of its 5-grams shared, which is not a copy.
    other = (". ".join(BODY.split(". ")[:5]) + ". "
             + " ".join(f"Paragraph {n} on retrieval, rerankers and the indexes they read from." for n in range(14)))
    with Store.open(tmp_path / "blogreader.db") as store:
        first, copy, later = (store.add_source(f"https://{name}.example/feed", "feed")[0].id
                              for name in ("first", "copy", "later"))
        original = store.save_entries(first, [post("a", BODY)]).ids[0]
        syndicated = store.save_entries(copy, [post("b", BODY + " Originally published elsewhere.")]).ids[0]
        assert store.entry(syndicated).duplicate_of == original  # compared: the original's shingles kept
        store.remove_source(copy)
        store.save_entries(first, [post("a", other)])  # the original now says something else
        shared = BODY + " Shared by a reader."
        arrived = store.save_entries(later, [post("c", shared)]).ids[0]
        assert store.entry(arrived).duplicate_of is None
        marks = near_duplicate_marks(shared)  # and it was compared: a candidate still
        candidates = store.conn.execute(candidates_sql(store.conn), {
            "bands": json.dumps(list(marks.keys)), "id": arrived, "mark": marks.fingerprint, "limit": 20}).fetchall()
        assert original in [row[0] for row in candidates]


def test_an_entry_whose_text_changed_is_no_longer_a_candidate_by_its_old_opening(tmp_path):
    """A refresh rewrites what leads copies to an entry, its bands and its opening-words fingerprint, from the
    new text: a copy of the old text does not even make it a candidate."""
    import json

    from blogreader.models import NewEntry
    from blogreader.store import Store
    from blogreader.store.duplicates import candidates_sql, near_duplicate_marks

    def post(text: str) -> NewEntry:
        return NewEntry(title="a", url="https://a.example/post", canonical_url=None, guid="a", author=None,
                        published=None, content_html=f"<p>{text}</p>", text=text, word_count=len(text.split()),
                        reading_minutes=1, feed_summary=None, content_hash=str(len(text)))

    other = " ".join(f"Paragraph {n} on retrieval, rerankers and the indexes they read from." for n in range(14))
    with Store.open(tmp_path / "blogreader.db") as store:
        source = store.add_source("https://a.example/feed", "feed")[0].id
        entry_id = store.save_entries(source, [post(BODY)]).ids[0]
        assert store.save_entries(source, [post(other)]).updated == 1
        marks = near_duplicate_marks(BODY + " Shared by a reader.")
        candidates = store.conn.execute(candidates_sql(store.conn), {
            "bands": json.dumps(list(marks.keys)), "id": 0, "mark": marks.fingerprint, "limit": 20}).fetchall()
        assert entry_id not in [row[0] for row in candidates]
