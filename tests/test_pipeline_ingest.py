"""The fetch's ingest path: feeds stored several to a transaction with nothing lost when one fails or the run
stops, identity found for a whole feed at once, near-duplicate marks computed before the insert, the roundup
pre-screen, and one HTML read once when it is both body and summary."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from blogreader.config import load_settings
from blogreader.dedupe.discussed import discussed_works
from blogreader.models import ParsedEntry
from blogreader.normalize.entry import normalize_entry
from blogreader.normalize.text import html_to_text, repair_text
from blogreader.pipeline import refresh, roundup_items
from blogreader.roundups import split_roundup
from blogreader.normalize.sanitize import sanitize_html
from blogreader.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


def rss(n: int, items: int, *, guid_twice: bool = False) -> str:
    """Feed n with `items` posts of their own (and with `guid_twice`, its first post listed twice)."""
    posts = []
    for i in range(items):
        words = " ".join(f"feed{n}word{i}x{k}" for k in range(80))
        posts.append(f"<item><title>Post {i} of feed {n}</title><link>https://blog{n}.example.com/{i}</link>"
                     f"<guid>tag:blog{n}.example.com,2024:{i}</guid><description>&lt;p&gt;{words}&lt;/p&gt;</description></item>")
    if guid_twice:
        posts.append(posts[0])
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
            f"<link>https://blog{n}.example.com/</link>{''.join(posts)}</channel></rss>")


@pytest.fixture
def library(tmp_path, monkeypatch):
    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    home = tmp_path / "library"
    settings = load_settings(home)
    store = Store.open(settings.database_path)
    yield store, settings
    store.close()


def count(store: Store, sql: str = "SELECT count(*) FROM entries") -> int:
    return store.conn.execute(sql).fetchone()[0]


def test_many_feeds_are_stored_whole_and_searchable_in_batches(library, server, monkeypatch):
    store, settings = library
    monkeypatch.setattr("blogreader.pipeline.BATCH_FEEDS", 3)
    for n in range(40):  # enough to parse in worker processes, which compute the near-duplicate marks
        store.add_source(server.serve(f"/{n}.xml", rss(n, 2, guid_twice=n == 0)), "feed")
    report = refresh(store, store.sources(), settings)
    assert report.count("new") == 40 and report.new_entries == 80
    assert count(store) == 80 and len(store.search("feed5word1x7")) == 1
    assert not store.conn.in_transaction  # the last batch is committed when the refresh returns
    # Every entry has its near-duplicate marks, written with the row (no rewrite after the insert).
    assert count(store, "SELECT count(*) FROM entries WHERE fingerprint IS NULL") == 0
    assert count(store, "SELECT count(DISTINCT entry_id) FROM entry_bands") == 80
    again = refresh(store, store.sources(), settings)
    assert again.new_entries == 0 and count(store) == 80


def test_the_papers_a_post_discusses_are_read_in_the_workers_as_the_store_reads_them(library, server):
    store, settings = library
    paper = "https://arxiv.org/abs/2312.00752"
    words = " ".join(f"word{k}" for k in range(200))
    about = (f'<p>We read <a href="{paper}">the selective scan paper</a> closely.</p><p>{words}</p>'
             f'<p>Its recurrence, as <a href="{paper}">the paper</a> writes it, runs in linear time.</p>')
    for n in range(40):  # enough to parse in worker processes
        feed = rss(n, 1)
        if n == 7:
            feed = feed.replace("</channel>", "<item><title>On selective scans</title>"
                                "<link>https://blog7.example.com/scans</link><guid>scans</guid>"
                                f"<description>{html.escape(about)}</description></item></channel>")
        store.add_source(server.serve(f"/{n}.xml", feed), "feed")
    assert refresh(store, store.sources(), settings).new_entries == 41
    rows = store.conn.execute("SELECT e.url, d.work_url, d.reason, d.links FROM discussions d "
                              "JOIN entries e ON e.id = d.post_id").fetchall()
    assert [tuple(row) for row in rows] == [("https://blog7.example.com/scans", paper, "opening", 2)]
    # The store's own reading of the stored post (what a library made before the workers read) agrees.
    stored = store.entry(store.conn.execute("SELECT id FROM entries WHERE url LIKE '%/scans'").fetchone()[0])
    assert [(d.work, d.reason, d.links) for d in discussed_works(stored.content_html, stored.url, stored.url)] == [
        (paper, "opening", 2)]


def test_a_feed_that_fails_to_store_loses_nothing_else_and_the_next_fetch_completes_it(library, server, monkeypatch):
    store, settings = library
    monkeypatch.setattr("blogreader.pipeline.BATCH_FEEDS", 50)  # all of them in one open batch
    urls = [server.serve(f"/{n}.xml", rss(n, 3)) for n in range(5)]
    for url in urls:
        store.add_source(url, "feed")
    real_save = Store.save_entries
    broken = store.source_by_url(urls[3]).id

    def save(self, source_id, entries, *computed):
        result = real_save(self, source_id, entries, *computed)
        if source_id == broken:  # after its rows were written: the savepoint must take them back
            raise RuntimeError("stopped while storing")
        return result

    monkeypatch.setattr(Store, "save_entries", save)
    with pytest.raises(RuntimeError):
        refresh(store, store.sources(), settings)
    assert not store.conn.in_transaction
    stored = {row[0] for row in store.conn.execute("SELECT DISTINCT source_id FROM entries")}
    assert broken not in stored and stored  # what was stored before the failure was committed
    assert store.source(broken).body_hash is None  # not recorded as fetched: the next fetch reads it again
    monkeypatch.setattr(Store, "save_entries", real_save)
    refresh(store, store.sources(), settings)
    assert count(store) == 15


def test_identity_of_a_whole_feed_at_once_matches_one_by_one(library):
    store, _ = library
    source = store.add_source("https://blog.example.com/feed", "feed")[0]
    base = dict(author=None, published=None, content_html="<p>x</p>", word_count=1, reading_minutes=1,
                feed_summary=None)
    from blogreader.models import NewEntry

    def entry(guid, url, text, content_hash):
        return NewEntry(title=text, url=url, canonical_url=url, guid=guid, text=text, content_hash=content_hash, **base)

    first = [entry("a", "https://blog.example.com/a", "alpha", "h1"),
             entry("a", "https://blog.example.com/a2", "alpha again", "h2"),  # the same guid: the same entry
             entry(None, None, "no name", "h3"),
             entry(None, None, "no name", "h3"),  # nothing names it: the same text in the same source
             entry("tag:blog.example.com,2024:b", "https://blog.example.com/b", "beta", "h4")]
    saved = store.save_entries(source.id, first)
    assert len(saved.new_ids) == 3 and saved.ids[0] == saved.ids[1] and saved.ids[2] == saved.ids[3]
    again = store.save_entries(source.id, first)
    assert again.new_ids == [] and again.ids == saved.ids
    other = store.add_source("https://planet.example.com/feed", "feed")[0]
    mirrored = store.save_entries(other.id, [entry("tag:blog.example.com,2024:b", None, "beta", "h4")])
    assert mirrored.ids == [saved.ids[4]]  # a self-describing guid names the post across feeds
    assert store.known_entry(source.id, first[0]) and not store.known_entry(source.id, entry("z", None, "z", "hz"))


def roundup_fixtures():
    return sorted((FIXTURES / "roundups").glob("*.html")) + sorted((FIXTURES / "roundup_shapes").glob("*.html"))


@pytest.mark.parametrize("path", roundup_fixtures(), ids=lambda path: path.name)
def test_the_roundup_pre_screen_never_turns_a_roundup_away(path):
    page = "https://news.example.com/p/1"
    html = sanitize_html(path.read_text(encoding="utf-8"), page)
    assert roundup_items(html, page, "https://news.example.com/") == split_roundup(html, page, "https://news.example.com/")


def test_the_roundup_pre_screen_skips_a_plain_post():
    html = "<p>One paragraph with <a href='https://a.example.com/'>a link</a>.</p><p>Another, <em>stressed</em>.</p>"
    assert roundup_items(html, "https://blog.example.com/p", None) == []


def test_one_html_as_body_and_summary_is_read_once_with_the_same_result():
    html = "<p>We’re   training a model\u00a0 with  data.</p><p>Second\tparagraph.</p>"
    entry = normalize_entry(ParsedEntry(title="T", url="https://blog.example.com/p", content_html="",
                                        summary_html=html), None)
    assert entry.feed_summary == repair_text(html_to_text(html))
    assert entry.text == "We’re training a model with data.\nSecond paragraph."


def test_a_whole_post_given_as_the_description_is_stored_once_as_the_text():
    post = "".join(f"<p>Paragraph {n} of a post about sparse autoencoders, long enough to be the whole post and not a "
                   f"teaser of it: features, dictionaries and the reconstruction loss.</p>" for n in range(12))
    whole = normalize_entry(ParsedEntry(title="SAEs", url="https://blog.example.com/sae", summary_html=post), None)
    assert whole.word_count > 150 and not whole.teaser
    assert whole.feed_summary is None and whole.text.startswith("Paragraph 0 of a post")
    # A real description beside the post is kept, and so is a teaser's (its article page may replace the text).
    both = normalize_entry(ParsedEntry(title="SAEs", url="https://blog.example.com/sae", content_html=post,
                                       summary_html="<p>What sparse autoencoders find in a model.</p>"), None)
    assert both.feed_summary == "What sparse autoencoders find in a model."
    teaser = normalize_entry(ParsedEntry(title="SAEs", url="https://blog.example.com/sae",
                                         summary_html="<p>What sparse autoencoders find. Read more</p>"), None)
    assert teaser.teaser and teaser.feed_summary == teaser.text == "What sparse autoencoders find. Read more"


def test_band_keys_are_datasketchs_bit_for_bit():
    datasketch = pytest.importorskip("datasketch")
    from blogreader.dedupe.near_duplicates import (BANDS, NUM_PERM, ROWS, SCHEME, SEED, band_keys, shingle_code,
                                                   shingles, text_band_keys)

    text = " ".join(f"word{i % 97} w{i % 13} straße{i % 7}" for i in range(500))
    marks = shingles(text)
    signature = datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=shingle_code)
    signature.update_batch(marks)
    values = signature.hashvalues.astype("<u4").tobytes()
    ranges = datasketch.MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS)).hashranges
    assert band_keys(marks) == [int.from_bytes(values[a * 4:b * 4], "little", signed=True) for a, b in ranges]
    assert text_band_keys(text) == band_keys(marks)  # all of the text's shingles hashed at once: the same keys


def test_a_batch_commits_after_its_size_undoes_a_failed_unit_alone_and_joins_a_callers_transaction(tmp_path):
    from blogreader.store.database import Batch, connect, transaction

    conn = connect(tmp_path / "blogreader.db")
    conn.execute("CREATE TABLE probe (v INTEGER)")
    batch = Batch(conn, 2)
    with batch.unit():
        conn.execute("INSERT INTO probe VALUES (1)")
    assert conn.in_transaction  # one unit: not committed yet
    with pytest.raises(ValueError), batch.unit():
        conn.execute("INSERT INTO probe VALUES (2)")
        raise ValueError("this unit fails")
    with batch.unit():
        conn.execute("INSERT INTO probe VALUES (3)")
    assert not conn.in_transaction  # two units done: committed
    with transaction(conn):
        with Batch(conn, 1).unit():
            conn.execute("INSERT INTO probe VALUES (4)")
        assert conn.in_transaction  # the caller's transaction is the caller's to commit
    assert [row[0] for row in conn.execute("SELECT v FROM probe ORDER BY v")] == [1, 3, 4]
    conn.close()


@pytest.mark.sqlite_only  # PostgreSQL stores the HTML as text: nothing is packed anywhere
def test_the_parse_workers_pack_each_post_and_the_writer_stores_it_as_it_comes(library, server, monkeypatch, tmp_path):
    import os

    from blogreader.store import entries, packed_posts

    store, settings = library
    calls = tmp_path / "packed-by"
    pack = packed_posts.pack_post

    def recorded(html_text, text):
        with calls.open("a") as log:  # appended by whichever process packs (the parse workers are forked)
            log.write(f"{os.getpid()}\n")
        return pack(html_text, text)

    monkeypatch.setattr(packed_posts, "pack_post", recorded)
    monkeypatch.setattr("blogreader.reading.pack_post", recorded)
    monkeypatch.setattr(entries, "stored_post", lambda *args: pytest.fail("the writer packed a post again"))
    for n in range(40):  # enough to parse in worker processes
        store.add_source(server.serve(f"/{n}.xml", rss(n, 2)), "feed")
    assert refresh(store, store.sources(), settings).new_entries == 80
    packers = calls.read_text().split()
    assert len(packers) == 80 and str(os.getpid()) not in packers  # once per post, never again by the writer
    assert count(store, "SELECT count(*) FROM entries WHERE typeof(content_html) = 'blob' AND typeof(text) = 'blob'") == 80
    entry = store.entry(store.conn.execute("SELECT id FROM entries WHERE url = 'https://blog7.example.com/1'").fetchone()[0])
    assert entry.content_html.startswith("<p>feed7word1x0 ") and "feed7word1x79" in entry.content_html
    assert entry.text.startswith("feed7word1x0 ") and entry.text.endswith("feed7word1x79")
