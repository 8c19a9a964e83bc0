"""The command line as a person uses it: fixtures served on 127.0.0.1, a real library folder."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES

FEEDS = FIXTURES / "feeds"


def subscribe(cli, server, name: str = "rss2.xml", path: str = "/feed.xml") -> str:
    url = server.serve_file(path, FEEDS / name)
    result = cli("add", url)
    assert result.code == 0, result.err
    return url


def test_every_feed_format_is_detected_and_read(cli, server):
    for index, name in enumerate(["rss2.xml", "atom.xml", "feed.json", "rss1.rdf"], start=1):
        content_type = "application/feed+json" if name.endswith(".json") else "application/xml"
        url = server.serve_file(f"/{name}", FEEDS / name, content_type=content_type)
        added = cli("add", url)
        assert added.code == 0, added.err
        assert f"added source {index} (feed)" in added.out
    assert cli("fetch").code == 0
    titles = {entry["title"] for entry in cli("list", "--json", "--limit", "100").json}
    assert {"Why warmup matters for Adam", "Probing persona directions", "Flash decoding on consumer GPUs",
            "Kernel methods are back", "Café notes: reading arXiv on the train"} <= titles


def test_entry_content_is_sanitized_and_links_canonical(cli, server):
    subscribe(cli, server)
    cli("fetch")
    entries = {e["title"]: e for e in cli("list", "--json").json}
    warmup = cli("show", str(entries["Why warmup matters for Adam"]["id"]), "--json").json
    html = warmup["content_html"]
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert 'src="https://notes.example.org/img/warmup.png"' in html
    assert warmup["canonical_url"] == "https://notes.example.org/posts/warmup"
    assert warmup["author"] == "Rae Okafor"
    assert "second-moment" in warmup["text"]


def test_plain_text_content_is_shown_as_text_never_markup(cli, server):
    subscribe(cli, server, "atom.xml", "/atom.xml")
    cli("fetch")
    plain = next(e for e in cli("list", "--json").json if e["title"] == "Plain-text post")
    shown = cli("show", str(plain["id"]), "--json").json
    assert "<script>" not in shown["content_html"]
    assert "&lt;script&gt;" in shown["content_html"]
    assert "<script>alert(1)</script>" in shown["text"]


def test_triage_flags_notes_and_edits_round_trip(cli, server):
    subscribe(cli, server)
    cli("fetch")
    ids = [e["id"] for e in cli("list", "--json").json]
    assert cli("read", str(ids[0])).code == 0
    assert cli("star", str(ids[1])).code == 0
    assert cli("note", str(ids[1]), "Worth a second read").code == 0
    assert cli("edit", str(ids[2]), "--title", "My own title", "--category", "Optimizers").code == 0

    unread = {e["id"] for e in cli("list", "--unread", "--json").json}
    assert ids[0] not in unread and ids[1] in unread
    starred = cli("list", "--starred", "--json").json
    assert [e["id"] for e in starred] == [ids[1]]
    assert starred[0]["picked"] is True and starred[0]["picked_at"]
    assert starred[0]["note"] == "Worth a second read"
    edited = cli("show", str(ids[2]), "--json").json
    assert edited["title"] == "My own title"
    assert edited["category"] == "Optimizers" and edited["category_origin"] == "user"
    assert [e["id"] for e in cli("list", "--category", "optimizers", "--json").json] == [ids[2]]

    assert cli("unpick", str(ids[1])).code == 0
    unpicked = cli("show", str(ids[1]), "--json").json
    assert unpicked["picked"] is False and unpicked["starred"] is False
    assert unpicked["note"] == "Worth a second read"  # unpicking keeps the user's note
    assert [e["id"] for e in cli("search", "worth", "--json").json] == [ids[1]]  # notes are searchable


def test_user_title_survives_a_changed_feed(cli, server):
    subscribe(cli, server)
    cli("fetch")
    entry = next(e for e in cli("list", "--json").json if e["title"] == "Why warmup matters for Adam")
    cli("edit", str(entry["id"]), "--title", "Warmup, explained")
    changed = (FEEDS / "rss2.xml").read_text().replace("Without warmup", "Without any warmup")
    server.serve("/feed.xml", changed)
    assert cli("fetch").code == 0
    shown = cli("show", str(entry["id"]), "--json").json
    assert shown["title"] == "Warmup, explained"
    assert "Without any warmup" in shown["text"]


def test_list_filters_by_date_kind_and_source(cli, server):
    subscribe(cli, server)
    subscribe(cli, server, "atom.xml", "/atom.xml")
    cli("fetch")
    march = cli("list", "--since", "2026-03-01", "--until", "2026-03-31", "--json").json
    assert {e["title"] for e in march} == {"Why warmup matters for Adam", "Plain-text post"}
    from_atom = cli("list", "--source", "Latent Space Diary", "--json").json
    assert {e["source"] for e in from_atom} == {"Latent Space Diary"} and len(from_atom) == 2
    assert cli("list", "--kind", "link", "--json").json == []
    newest_first = [e["published"] for e in cli("list", "--json").json]
    assert newest_first == sorted(newest_first, reverse=True)
    assert len(cli("list", "--limit", "2", "--json").json) == 2


def test_remove_keeps_picked_entries(cli, server):
    subscribe(cli, server)
    cli("fetch")
    entries = cli("list", "--json").json
    cli("pick", str(entries[0]["id"]))
    removed = cli("remove", "1")
    assert removed.code == 0 and "2 entries deleted, 1 kept" in removed.out
    left = cli("list", "--all", "--json").json
    assert [e["id"] for e in left] == [entries[0]["id"]]
    assert left[0]["source"] is None and left[0]["picked"] is True
    assert cli("sources", "--json").json == []


def test_opml_import_and_export_round_trip(cli, server, tmp_path):
    url = server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        f'<outline text="Training"><outline type="rss" text="Gradient Notes" xmlUrl="{url}"/></outline>'
        '<outline type="rss" text="Bad" xmlUrl="ftp://example.org/feed"/>'
        "</body></opml>"
    )
    first = cli("import", str(opml))
    assert first.code == 0, first.err
    assert "1 source(s) added" in first.out and "1 skipped" in first.out and "ftp" in first.out
    assert "0 source(s) added, 1 already subscribed" in cli("import", str(opml)).out
    assert cli("fetch").code == 0
    out = tmp_path / "out.opml"
    assert cli("export", "opml", "--out", str(out)).code == 0
    exported = out.read_text()
    assert f'xmlUrl="{url}"' in exported and 'text="Training"' in exported
    assert cli("import", str(out)).code == 0
    assert len(cli("sources", "--json").json) == 1


def test_import_dash_reads_standard_input(cli, server, monkeypatch, tmp_path):
    import io

    url = server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    opml = f'<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" text="Piped" xmlUrl="{url}"/></body></opml>'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(opml.encode("utf-8"))))
    monkeypatch.chdir(tmp_path)
    result = cli("import", "-")
    assert result.code == 0, result.err
    assert result.out.startswith("standard input: 1 source(s) added")
    assert [row["url"] for row in cli("sources", "--json").json] == [url]


def test_export_json_has_sources_and_entries(cli, server):
    subscribe(cli, server)
    cli("fetch")
    document = cli("export", "json").json
    assert [s["title"] for s in document["sources"]] == ["Gradient Notes"]
    assert len(document["entries"]) == 3 and "text" in document["entries"][0]


def test_bad_input_exits_2_with_a_message_and_no_traceback(cli, server, tmp_path):
    cases = [
        ("show", "999"),
        ("read", "1", "999"),
        ("list", "--since", "last tuesday"),
        ("add", "ftp://example.org/feed"),
        ("add", "not a url"),
        ("import", str(tmp_path / "missing.opml")),
        ("edit", "1"),
        ("list", "--kind", "video"),
        ("frobnicate",),
    ]
    subscribe(cli, server)
    cli("fetch")
    for args in cases:
        result = cli(*args)
        assert result.code == 2, (args, result)
        assert result.err.strip(), args
        assert "Traceback" not in result.err, args
    assert len(cli("list", "--json").json) == 3


def test_non_feed_page_is_refused_on_add_with_a_reason(cli, server):
    url = server.serve_file("/page", FEEDS / "not-a-feed.html", content_type="text/html")
    result = cli("add", url)
    assert result.code == 2
    assert "no feed found" in result.err
    assert cli("sources", "--json").json == []


def test_newer_database_is_refused_and_left_alone(cli, home):
    from blogreader.store import Store

    assert cli("sources").code == 0
    with Store.open(home / "blogreader.db") as store:  # the library on the engine the tests run on
        version = ("PRAGMA user_version" if store.engine == "sqlite" else "SELECT version FROM schema_version")
        store.conn.execute("PRAGMA user_version = 999" if store.engine == "sqlite"
                           else "UPDATE schema_version SET version = 999")
        result = cli("sources")
        assert result.code == 1
        assert "newer BlogReader" in result.err and "upgrade" in result.err
        assert store.conn.execute(version).fetchone()[0] == 999


def test_config_is_written(cli, home):
    cli("sources")
    assert "allow_private_networks = false" in (home / "config.toml").read_text()


@pytest.mark.sqlite_only  # the journal mode of the library's file
def test_database_uses_wal(cli, home):
    cli("sources")
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_broken_config_is_a_clear_error(cli, home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[fetch\nmax_bytes = 'big'\n")
    result = cli("sources")
    assert result.code == 2 and "config.toml" in result.err and "Traceback" not in result.err


def test_module_entry_point_and_environment_home(tmp_path):
    env = {"BLOGREADER_HOME": str(tmp_path / "lib"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "blogreader", "sources", "--json"], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "lib" / "blogreader.db").exists()
