"""`compact` makes a library written by earlier versions as small as one written today: posts stored as
plain HTML or plain text are packed, band rows no version reads are dropped, the freed pages go back to the disk, and
every entry reads exactly as before."""

from __future__ import annotations

import sqlite3
from html import escape

import pytest

from blogreader.dedupe.near_duplicates import BANDS

pytestmark = pytest.mark.sqlite_only  # a SQLite file's own upkeep; PostgreSQL is refused below


def feed(count: int) -> str:
    items = "".join(
        f"<item><title>Post {n}</title><link>https://blog.example/{n}</link><guid>post-{n}</guid>"
        f"<description>{escape(''.join(f'<p>Post {n}, part {k}: caching, batching and attention.</p>' for k in range(40)))}"
        "</description></item>" for n in range(count))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>{items}</channel></rss>'


def as_an_earlier_version_left_it(database) -> None:
    """Every post's text as plain text, and the HTML too in half of them (the other half as the version that
    packed HTML alone left it), and a second set of bands past the ones read (as with 64 bands)."""
    from blogreader.store.packed_posts import register_post_text, unpack_html, unpack_text

    with sqlite3.connect(database) as conn:
        register_post_text(conn)
        for entry_id, value, text in conn.execute("SELECT id, content_html, text FROM entries").fetchall():
            html = unpack_html(value)
            conn.execute("UPDATE entries SET content_html = ?, text = ? WHERE id = ?",
                         (html if entry_id % 2 else value, unpack_text(text, html), entry_id))
        conn.execute(f"INSERT INTO entry_bands (band, key, entry_id) SELECT band + {BANDS}, key, entry_id FROM entry_bands")


def test_compact_packs_old_posts_drops_unread_bands_and_keeps_every_entry(server, cli, home):
    assert cli("add", server.serve("/feed.xml", feed(30))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    database = home / "blogreader.db"
    as_an_earlier_version_left_it(database)
    ids = [entry["id"] for entry in cli("list", "--all", "--json").json]
    before = [cli("show", str(entry_id), "--json").json for entry_id in ids]
    search = cli("search", "batching", "--limit", "0", "--json").json

    done = cli("compact", "--json")
    assert done.code == 0, done.err
    assert done.json["posts_packed"] == 30 and done.json["band_rows_dropped"] == 30 * BANDS
    assert done.json["bytes_after"] < done.json["bytes_before"]
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT DISTINCT typeof(content_html), typeof(text) FROM entries").fetchall() == [
            ("blob", "blob")]
        assert conn.execute("SELECT max(band) FROM entry_bands").fetchone()[0] == BANDS - 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [cli("show", str(entry_id), "--json").json for entry_id in ids] == before
    assert cli("search", "batching", "--limit", "0", "--json").json == search

    again = cli("compact")
    assert again.code == 0 and "0 posts packed, 0 descriptions repeating their post dropped, 0 unused band" in again.out


def test_compact_of_a_postgresql_library_says_there_is_nothing_to_do(cli, postgres_cluster, monkeypatch):
    from postgres_cluster import fresh_schema_url

    monkeypatch.setenv("BLOGREADER_DATABASE_URL", fresh_schema_url(postgres_cluster.url))
    result = cli("compact")
    assert result.code == 2 and "on PostgreSQL" in result.err and "autovacuum" in result.err


def test_compact_drops_a_description_stored_again_as_the_summary_but_keeps_a_teasers_and_a_real_summary(
        server, cli, home):
    long_post = escape("".join(f"<p>Part {k}: caching, batching and attention in serving.</p>" for k in range(40)))
    teaser = escape("<p>" + " ".join(["A short note on speculative decoding and its draft models."] * 6) + "</p>")
    items = [
        ("one", f"<description>{long_post}</description>"),
        ("two", f"<description>{long_post.replace('caching', 'paging')}</description>"),
        ("teaser", f"<description>{teaser}</description>"),
        ("summarized", "<description>A summary of its own, written by the author for the feed, about batching "
                       "requests on one accelerator and why it pays: longer than a line, shorter than the post."
                       "</description>"
                       f"<content:encoded>{long_post.replace('caching', 'queueing')}</content:encoded>"),
    ]
    body = "".join(f"<item><title>{guid}</title><link>https://blog.example/{guid}</link><guid>{guid}</guid>{xml}</item>"
                   for guid, xml in items)
    url = server.serve("/feed.xml", '<?xml version="1.0"?><rss version="2.0" '
                       'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Blog</title>'
                       f"{body}</channel></rss>")
    assert cli("add", url).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    database = home / "blogreader.db"
    with sqlite3.connect(database) as conn:  # as versions before a description-only post was stored once left it
        from blogreader.store.packed_posts import register_post_text

        register_post_text(conn)
        conn.execute("UPDATE entries SET feed_summary = post_text(text, content_html) "
                     "WHERE guid IN ('one', 'two', 'teaser')")
    search = cli("search", "batching", "--limit", "0", "--json").json

    done = cli("compact", "--json")
    assert done.code == 0, done.err
    assert done.json["descriptions_dropped"] == 2
    with sqlite3.connect(database) as conn:
        kept = dict(conn.execute("SELECT guid, feed_summary IS NOT NULL FROM entries"))
    assert kept == {"one": 0, "two": 0, "teaser": 1, "summarized": 1}
    assert cli("search", "batching", "--limit", "0", "--json").json == search
    assert "0 descriptions repeating their post dropped" in cli("compact").out
