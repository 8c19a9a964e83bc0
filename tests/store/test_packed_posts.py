"""A SQLite library keeps a post packed with zstd, its HTML alone and its text against that HTML: every way
of reading a post gets the HTML and text it was fetched with, search finds it by its words, rows stored
before the packing still read, and damaged bytes fail with a clear error."""

from __future__ import annotations

import sqlite3

import pytest

from blogreader.errors import StoreError
from blogreader.store.packed_posts import PACK_FROM, pack_html, pack_post, register_post_text, unpack_html, unpack_text

pytestmark = pytest.mark.sqlite_only  # PostgreSQL stores the HTML as text and compresses it itself

LONG_POST = "".join(f"<p>Paragraph {n}: attention, caching and the batch size, at length — ü ✓.</p>"
                    for n in range(60))
TEXT = "\n\n".join(f"Paragraph {n}: attention, caching and the batch size, at length — ü ✓." for n in range(60))


def feed(*posts: tuple[str, str]) -> str:
    from html import escape

    items = "".join(f"<item><title>{title}</title><link>https://blog.example/{n}</link><guid>post-{n}</guid>"
                    f"<description>{escape(body)}</description></item>" for n, (title, body) in enumerate(posts))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>{items}</channel></rss>'


def stored(home, sql: str, *params):
    with sqlite3.connect(home / "blogreader.db") as conn:
        return conn.execute(sql, params).fetchall()


def test_short_html_stays_text_and_long_html_round_trips_exactly():
    assert pack_html("<p>short</p>") == "<p>short</p>"
    packed = pack_html(LONG_POST)
    assert isinstance(packed, bytes) and len(packed) < len(LONG_POST.encode()) / 3
    assert unpack_html(packed) == LONG_POST
    assert unpack_html(memoryview(packed)) == LONG_POST
    assert unpack_html("<p>stored before</p>") == "<p>stored before</p>"
    assert unpack_html(None) == ""
    assert len("<p>x</p>" * (PACK_FROM // 8)) >= PACK_FROM  # the threshold is in characters of HTML


def test_a_fetched_post_is_stored_packed_and_every_reader_sees_the_same_html(server, cli, home):
    assert cli("add", server.serve("/feed.xml", feed(("A long post", LONG_POST), ("A short one", "<p>Hi.</p>")))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    kinds = dict(stored(home, "SELECT title, typeof(content_html) FROM entries"))
    assert kinds == {"A long post": "blob", "A short one": "text"}
    long_id = next(e["id"] for e in cli("list", "--all", "--json").json if e["title"] == "A long post")

    shown = cli("show", str(long_id), "--json").json
    assert shown["content_html"].count("<p>") == 60 and "ü ✓" in shown["content_html"]
    exported = {e["title"]: e for e in cli("export", "json").json["entries"]}
    assert exported["A long post"]["content_html"] == shown["content_html"]
    # The search index reads the plain text, so a packed post is found by its words.
    assert [e["id"] for e in cli("search", "caching", "--json").json] == [long_id]


def test_an_export_imported_into_a_new_library_is_packed_again(server, cli, home, tmp_path):
    assert cli("add", server.serve("/feed.xml", feed(("A long post", LONG_POST)))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    document = tmp_path / "library.json"
    document.write_text(cli("export", "json").out, encoding="utf-8")
    other = tmp_path / "other"
    assert cli("--home", str(other), "import", str(document)).code == 0
    assert stored(other, "SELECT typeof(content_html) FROM entries") == [("blob",)]
    entry_id = stored(other, "SELECT id FROM entries")[0][0]
    assert cli("--home", str(other), "show", str(entry_id), "--json").json["content_html"].count("<p>") == 60


def test_html_stored_as_text_before_the_packing_still_reads(server, cli, home):
    assert cli("add", server.serve("/feed.xml", feed(("A long post", LONG_POST)))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    entry_id, = stored(home, "SELECT id FROM entries")[0]
    with sqlite3.connect(home / "blogreader.db") as conn:  # as a library written by an earlier version holds it
        register_post_text(conn)
        conn.execute("UPDATE entries SET content_html = ?, text = ? WHERE id = ?", (LONG_POST, TEXT, entry_id))
    shown = cli("show", str(entry_id), "--json").json
    assert shown["content_html"].count("<p>") == 60 and shown["text"] == TEXT
    assert [e["id"] for e in cli("search", "caching", "--json").json] == [entry_id]


def test_damaged_packed_html_is_a_clear_error_not_a_traceback(server, cli, home):
    assert cli("add", server.serve("/feed.xml", feed(("A long post", LONG_POST)))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    entry_id, = stored(home, "SELECT id FROM entries")[0]
    with sqlite3.connect(home / "blogreader.db") as conn:
        register_post_text(conn)
        conn.execute("UPDATE entries SET content_html = ?, text = 'plain' WHERE id = ?",
                     (b"\x28\xb5\x2f\xfd" + b"\xff" * 40, entry_id))
    result = cli("show", str(entry_id), "--json")
    assert result.code == 1 and "damaged" in result.err and "restore a backup" in result.err
    assert "Traceback" not in result.err
    with pytest.raises(StoreError, match="damaged"):
        unpack_html(b"not a zstd frame at all")


def test_text_packs_against_its_html_to_a_few_bytes_and_reads_only_with_that_html():
    html, text = pack_post(LONG_POST, TEXT)
    assert isinstance(html, bytes) and isinstance(text, bytes)
    assert len(text) < len(TEXT.encode()) / 20  # nearly every run of it is in the HTML already
    assert unpack_text(text, LONG_POST) == TEXT and unpack_text(memoryview(text), LONG_POST) == TEXT
    with pytest.raises(StoreError, match="text is damaged"):  # the checksum catches another post's HTML
        unpack_text(text, LONG_POST.replace("caching", "batching"))
    assert pack_post("<p>short</p>", "short") == ("<p>short</p>", "short")
    assert pack_post(LONG_POST, "A short text.")[1] == "A short text."  # too short to gain
    assert unpack_text("stored before", LONG_POST) == "stored before" and unpack_text(None, "") == ""


def test_a_packed_text_is_searched_shown_rewritten_and_deleted_through_the_index(server, cli, home):
    url = server.serve("/feed.xml", feed(("A long post", LONG_POST)))
    assert cli("add", url).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    (entry_id, kind), = stored(home, "SELECT id, typeof(text) FROM entries")
    assert kind == "blob"
    assert "Paragraph 59: attention" in cli("show", str(entry_id), "--json").json["text"]
    assert [e["id"] for e in cli("search", "caching", "--json").json] == [entry_id]

    # The post changes: the index forgets the old words and learns the new ones.
    server.serve("/feed.xml", feed(("A long post", LONG_POST.replace("caching", "quantization"))))
    assert cli("fetch", "--no-enrich").code == 0
    assert stored(home, "SELECT typeof(text) FROM entries") == [("blob",)]
    assert cli("search", "caching", "--json").json == []
    assert [e["id"] for e in cli("search", "quantization", "--json").json] == [entry_id]
    # A note is indexed too: the text is read twice for it (old row out, new row in) and stays found.
    assert cli("note", str(entry_id), "worth a reread").code == 0
    assert [e["id"] for e in cli("search", "reread", "--json").json] == [entry_id]
    assert [e["id"] for e in cli("search", "quantization", "--json").json] == [entry_id]

    assert cli("note", str(entry_id), "").code == 0  # else removing the source keeps the noted entry
    assert cli("remove", url).code == 0
    assert stored(home, "SELECT count(*) FROM entries") == [(0,)]
    assert stored(home, "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'quantization'") == [(0,)]


def test_another_program_reads_a_library_but_changes_a_post_only_with_its_text(server, cli, home):
    assert cli("add", server.serve("/feed.xml", feed(("A long post", LONG_POST)))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    entry_id, = stored(home, "SELECT id FROM entries")[0]
    with sqlite3.connect(home / "blogreader.db") as conn:
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            conn.execute("UPDATE entries SET title = 'Renamed' WHERE id = ?", (entry_id,))  # the index's triggers need them
        register_post_text(conn)
        conn.execute("UPDATE entries SET title = 'Renamed' WHERE id = ?", (entry_id,))
        with pytest.raises(sqlite3.IntegrityError, match="packed against"):  # the text would be lost
            conn.execute("UPDATE entries SET content_html = '<p>Other</p>' WHERE id = ?", (entry_id,))
        conn.execute("UPDATE entries SET content_html = '<p>Other</p>', text = 'Other' WHERE id = ?", (entry_id,))
    shown = cli("show", str(entry_id), "--json").json
    assert (shown["title"], shown["text"]) == ("Renamed", "Other")
    assert [e["id"] for e in cli("search", "renamed", "--json").json] == [entry_id]
