"""`migrate-to` copies a whole library to the other engine and back, and every command reads the same library
from the copy: ids, triage, roundup mentions, near-duplicate bands and search all survive."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from postgres_cluster import fresh_schema_url

from blogreader.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

pytestmark = pytest.mark.sqlite_only  # it starts from a SQLite library by design


def roundup_feed() -> str:
    items = []
    for number, name in enumerate(("numbered_substack_desc.html", "digest_h3_source.html"), start=1):
        body = (FIXTURES / "roundups" / name).read_text(encoding="utf-8")
        items.append(f"<item><title>Weekly picks {number}</title><link>https://news.example/{number}</link>"
                     f"<pubDate>Mon, 0{number} Jun 2026 08:00:00 +0000</pubDate>"
                     f"<description>{escape(body)}</description></item>")
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Picks weekly</title>'
            f"<link>https://news.example/</link>{''.join(items)}</channel></rss>")


@pytest.fixture
def library(server, cli):
    for path in ("rss2.xml", "atom.xml", "syndicated.xml"):
        assert cli("add", server.serve_file(f"/{path}", FIXTURES / "feeds" / path)).code == 0
    assert cli("add", server.serve("/picks.xml", roundup_feed())).code == 0
    assert cli("fetch").code == 0
    ids = [entry["id"] for entry in cli("list", "--all", "--json").json]
    assert len(ids) > 10
    assert cli("pick", str(ids[0])).code == 0
    assert cli("star", str(ids[1])).code == 0
    assert cli("note", str(ids[2]), "keep this one").code == 0
    assert cli("read", str(ids[3])).code == 0
    return ids


def views(cli, env_url, monkeypatch, ids) -> dict:
    """What the commands show of the library: every entry in full, the sources, a search."""
    if env_url:
        monkeypatch.setenv("BLOGREADER_DATABASE_URL", env_url)
    else:
        monkeypatch.delenv("BLOGREADER_DATABASE_URL", raising=False)
    shown = {
        "list": cli("list", "--all", "--json").json,
        "entries": [cli("show", str(entry_id), "--json").json for entry_id in ids],
        "sources": cli("sources", "--json").json,
        # The same entries match; each engine ranks them by its own measure (bm25, ts_rank).
        "search": sorted(entry["id"] for entry in cli("search", "model", "--limit", "0", "--json").json),
        "picked": cli("list", "--picked", "--json").json,
    }
    monkeypatch.delenv("BLOGREADER_DATABASE_URL", raising=False)
    return shown


def packed_posts(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM entries WHERE typeof(content_html) = 'blob'").fetchone()[0]


def test_a_library_moves_to_postgresql_and_back_and_reads_the_same(library, cli, postgres_cluster, tmp_path,
                                                                    monkeypatch, home):
    before = views(cli, None, monkeypatch, library)
    url = fresh_schema_url(postgres_cluster.url)

    moved = cli("migrate-to", url, "--json")
    assert moved.code == 0, moved.err
    tables = {table["table"]: table for table in moved.json["tables"]}
    assert tables["entries"]["rows"] >= len(before["list"])  # with the hidden copies
    assert tables["mentions"]["rows"] > 0 and tables["entry_bands"]["rows"] > 0

    on_postgres = views(cli, url, monkeypatch, library)
    assert on_postgres == before

    back = tmp_path / "back.db"
    monkeypatch.setenv("BLOGREADER_DATABASE_URL", url)
    returned = cli("migrate-to", "--to-sqlite", str(back), "--json")
    monkeypatch.delenv("BLOGREADER_DATABASE_URL")
    assert returned.code == 0, returned.err
    # SQLite keeps long posts packed (store/packed_posts.py), PostgreSQL as text; each copy stores its own way.
    assert packed_posts(home / "blogreader.db") > 0 and packed_posts(back) == packed_posts(home / "blogreader.db")
    assert [(t["table"], t["rows"], t["checksum"]) for t in returned.json["tables"]] == \
        [(t["table"], t["rows"], t["checksum"]) for t in moved.json["tables"]]

    # The copy is a library of its own: new rows take ids after the copied ones, the original is untouched.
    monkeypatch.setenv("BLOGREADER_DATABASE_URL", url)
    assert cli("note", str(library[0]), "written on PostgreSQL").code == 0
    newest = max(source["id"] for source in before["sources"])
    with Store.open(url) as copy:
        assert copy.add_source("https://late.example/feed.xml", "feed")[0].id == newest + 1
    monkeypatch.delenv("BLOGREADER_DATABASE_URL")
    assert cli("show", str(library[0]), "--json").json.get("note") != "written on PostgreSQL"


def test_a_copy_into_a_library_that_holds_entries_is_refused(library, cli, postgres_cluster, monkeypatch):
    url = fresh_schema_url(postgres_cluster.url)
    assert cli("migrate-to", url).code == 0
    again = cli("migrate-to", url)
    assert again.code == 2
    assert "not empty" in again.err and "nothing was copied" in again.err


def test_a_copy_that_differs_is_caught_by_its_checksums(library, cli, home, postgres_cluster):
    from blogreader.errors import UsageError
    from blogreader.store.transfer import verify_copy

    url = fresh_schema_url(postgres_cluster.url)
    assert cli("migrate-to", url).code == 0
    with Store.open(url) as copy, Store.open(home / "blogreader.db") as original:
        verify_copy(original.conn, copy.conn)  # the same, table by table
        copy.conn.execute("UPDATE entries SET title = title || '.' WHERE id = ?", (library[5],))
        with pytest.raises(UsageError, match="copy of entries differs"):
            verify_copy(original.conn, copy.conn)


def test_targets_that_are_not_a_database_are_refused(cli, tmp_path):
    assert cli("list").code == 0
    not_url = cli("migrate-to", "db.example/blogreader")
    assert not_url.code == 2 and "not a PostgreSQL address" in not_url.err
    existing = tmp_path / "there.db"
    existing.write_bytes(b"")
    taken = cli("migrate-to", "--to-sqlite", str(existing))
    assert taken.code == 2 and "already exists" in taken.err
