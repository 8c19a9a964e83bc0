"""Schema migrations: a library with data is backed up first; all pending migrations run in one
transaction, so a failing one leaves the database and its data exactly as they were."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from blogreader.store import Store, database
from tests.hostile.helpers import item, rss, write_config

# The SQLite migration scripts and the file's pre-migration copies (PostgreSQL's are tests/postgres/).
pytestmark = pytest.mark.sqlite_only

FEED = rss("".join(item(f"Post {n}", f"p{n}") for n in range(3)), title="Migration Feed")


@pytest.fixture
def library(cli, server, home):
    write_config(home)
    assert cli("add", server.serve("/feed.xml", FEED)).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    assert cli("star", "1").code == 0
    return home


def state(home) -> dict:
    """Everything that must not change: schema version, every table's definition, every row."""
    conn = sqlite3.connect(home / "blogreader.db")
    try:
        schema = sorted(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
        rows = {name: sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))
                for _type, name, _sql in schema if _type == "table" and not name.startswith("entries_fts")}
        return {"version": conn.execute("PRAGMA user_version").fetchone()[0], "schema": schema, "rows": rows}
    finally:
        conn.close()


def with_migrations(monkeypatch, *extra: tuple[str, str]) -> int:
    """Add migrations after the shipped ones, as an upgrade would; returns the current version."""
    known = database.migrations()
    added = [(len(known) + n, f"{len(known) + n:04d}_{name}.sql", sql) for n, (name, sql) in enumerate(extra, 1)]
    monkeypatch.setattr(database, "migrations", lambda: [*known, *added])
    return len(known)


BROKEN = ("broken", """
    CREATE TABLE half_done (x TEXT);
    INSERT INTO half_done VALUES ('written before the failure');
    ALTER TABLE entries ADD COLUMN half_column TEXT;
    UPDATE entries SET title = 'overwritten by a failed migration';
    DELETE FROM entry_sources;
    SELECT no_such_column FROM sources;
""")


def fetch_with_older_schema(cli, home, older: pytest.MonkeyPatch, version: int, *urls: str) -> None:
    """A library as the program of schema `version` left it: `urls` added and fetched (`older` may patch more)."""
    shipped = database.migrations()
    older.setattr(database, "migrations", lambda: shipped[:version])
    if version < 23:  # that program's item pages are none of these tests' business: its columns (0021, 0023) differ
        from blogreader.fulltext import FullText

        async def no_backlog(*args, **kwargs) -> None:
            return None

        older.setattr(FullText, "read_waiting", no_backlog)
        older.setattr(Store, "failed_pages", lambda *args: None)  # nor counted a teaser's failed page (0023)
    write_config(home)
    for url in urls:
        assert cli("add", url).code == 0
    assert cli("fetch", "--no-enrich").code == 0


def test_a_failing_migration_leaves_the_database_and_its_data_unchanged(cli, library, monkeypatch):
    before = state(library)
    current = with_migrations(monkeypatch, BROKEN)
    result = cli("list")
    assert result.code == 1
    assert f"migration {current + 1:04d}_broken.sql failed" in result.err and "no_such_column" in result.err
    assert "the database is unchanged" in result.err and "pre-migration" in result.err
    assert "Traceback" not in result.err
    assert state(library) == before
    backup = library / f"blogreader.db.pre-migration-v{current}.bak"
    assert backup.exists() and backup.stat().st_size > 0


def test_every_pending_migration_is_one_transaction(cli, library, monkeypatch):
    """The first of two new migrations is good, the second fails: the first is rolled back too."""
    before = state(library)
    with_migrations(monkeypatch, ("good", "CREATE TABLE good_one (x TEXT); ALTER TABLE sources ADD COLUMN y TEXT;"),
                    BROKEN)
    assert cli("list").code == 1
    assert state(library) == before


def test_a_migration_backs_the_library_up_first_and_keeps_its_data(cli, library, monkeypatch):
    before = state(library)
    current = with_migrations(monkeypatch, ("annotate", """
        -- a comment; with a semicolon
        ALTER TABLE sources ADD COLUMN remark TEXT DEFAULT 'a;b';
        CREATE TRIGGER sources_remark AFTER UPDATE OF title ON sources BEGIN
            UPDATE sources SET remark = 'renamed; really' WHERE id = new.id;
        END;
        CREATE INDEX sources_by_remark ON sources (remark)""",))
    result = cli("list", "--json", "--all")
    assert result.code == 0, result.err
    assert len(result.json) == 3 and result.json[-1]["starred"] is True
    after = state(library)
    assert after["version"] == current + 1 and after["rows"]["entries"] == before["rows"]["entries"]
    backup = library / f"blogreader.db.pre-migration-v{current}.bak"
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 3
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_new_library_is_not_backed_up(cli, home):
    write_config(home)
    assert cli("sources").code == 0
    assert list(home.glob("*.bak")) == []


def test_no_migration_without_its_backup(cli, library, monkeypatch):
    before = state(library)
    with_migrations(monkeypatch, ("fine", "CREATE TABLE fine (x);"))
    from blogreader.store import snapshot

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "snapshot", disk_full)
    result = cli("list")
    assert result.code == 1
    assert "backup taken first could not be written" in result.err and "nothing was changed" in result.err
    assert state(library) == before


def test_two_processes_upgrading_at_once_both_succeed(library, tmp_path):
    """After an upgrade, a cron `update` and a `serve` may open the old library at the same moment."""
    program = tmp_path / "upgrade.py"
    program.write_text(
        "import sys\n"
        "from blogreader.store import database\n"
        "known = database.migrations()\n"
        "extra = (len(known) + 1, f'{len(known) + 1:04d}_race.sql', 'CREATE TABLE race (x); ALTER TABLE sources ADD COLUMN z;')\n"
        "database.migrations = lambda: [*known, extra]\n"
        "from blogreader.cli import main\n"
        "main(['--home', sys.argv[1], 'list', '--json', '--all'])\n", encoding="utf-8")
    runs = [subprocess.Popen([sys.executable, str(program), str(library)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outcomes = [run.communicate(timeout=60) + (run.returncode,) for run in runs]
    assert all(code == 0 for _out, _err, code in outcomes), outcomes
    conn = sqlite3.connect(library / "blogreader.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(database.migrations()) + 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_locked_database_is_busy_not_damaged(cli, library, monkeypatch):
    """An exclusive lock held elsewhere while this process opens the library: "busy", not "damaged"."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    with_migrations(monkeypatch, ("wait", "CREATE TABLE waited (x);"))
    holder = sqlite3.connect(library / "blogreader.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = cli("list")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == 1
    assert "busy" in result.err and "damaged" not in result.err and "Traceback" not in result.err
    assert cli("list").code == 0  # and once the lock is gone, the upgrade goes through


def test_the_search_index_merges_eight_segments_at_a_time(cli, home):
    """Migration 0017: fewer merges of the full-text index while a fetch writes (see the script for figures)."""
    assert cli("list").code == 0
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert dict(conn.execute("SELECT k, v FROM entries_fts_config").fetchall())["automerge"] == 8


def test_text_indexed_before_it_was_packed_stays_found_and_leaves_the_index_cleanly(cli, server, home, monkeypatch):
    """Migration 0018: the index's triggers read the text through post_text(), which gives text stored before
    as it is, so rows indexed then are found, rewritten (now packed) and deleted to the same words."""
    from blogreader.store import entries, packed_posts

    def post(word: str) -> str:
        return "".join(f"<p>Part {n} of a long post about {word}, batching and attention.</p>" for n in range(20))

    def feed(word: str) -> str:
        return rss(item("A long post", "long", description=post(word)), title="Packed Feed")

    url = server.serve("/feed.xml", feed("caching"))
    with monkeypatch.context() as older:  # the version before 0018: HTML packed, text plain
        older.setattr(entries, "stored_post", lambda html, text, postgres: (packed_posts.stored_html(html, postgres), text))
        older.setattr("blogreader.reading.pack_post", lambda html, text: (packed_posts.pack_html(html), text))
        fetch_with_older_schema(cli, home, older, 17, url)
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("SELECT typeof(content_html), typeof(text) FROM entries").fetchall() == [("blob", "text")]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 17

    entry_id = cli("search", "caching", "--json").json[0]["id"]  # migrates first
    server.serve("/feed.xml", feed("quantization"))
    assert cli("fetch", "--no-enrich").code == 0
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("SELECT typeof(text) FROM entries").fetchall() == [("blob",)]
    assert cli("search", "caching", "--json").json == []
    assert [e["id"] for e in cli("search", "quantization", "--json").json] == [entry_id]
    assert cli("remove", url).code == 0
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'quantization OR batching'"
                            ).fetchone()[0] == 0


def test_the_search_index_and_the_bands_are_rebuilt_smaller_with_every_row(cli, server, home, monkeypatch):
    """Migration 0019: the search index is rebuilt without word positions from every entry's text (packed or
    not), and the bands are copied without their index by entry: the same searches find the same entries, the
    same band rows that are read are there, and a source removed afterwards takes its bands with it."""
    from blogreader.dedupe.near_duplicates import BANDS

    assert BANDS == 32  # the migration keeps bands 0 to 31
    def post(word: str) -> str:
        return "".join(f"<p>Part {n} of a long post about {word}, speculative_decoding and attention.</p>"
                       for n in range(20))

    url = server.serve("/feed.xml", rss(item("Caching", "one", description=post("caching"))
                                        + item("Sharding", "two", description=post("sharding")), title="Feed"))
    with monkeypatch.context() as older:
        fetch_with_older_schema(cli, home, older, 18, url)
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 18
        bands = conn.execute("SELECT band, key, entry_id FROM entry_bands ORDER BY 1, 2, 3").fetchall()
        assert len(bands) == 64
        # As a library from when there were 64 bands left them (keys made up: nothing reads them): not copied.
        conn.execute(f"INSERT INTO entry_bands SELECT band + {BANDS}, key + 1, entry_id FROM entry_bands")

    found = {word: sorted(e["title"] for e in cli("search", word, "--json").json)  # migrates first
             for word in ("caching", "sharding", "attention", "speculative_decoding")}
    assert found == {"caching": ["Caching"], "sharding": ["Sharding"], "attention": ["Caching", "Sharding"],
                     "speculative_decoding": ["Caching", "Sharding"]}, found
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert "detail = column" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'entries_fts'").fetchone()[0]
        assert conn.execute("SELECT band, key, entry_id FROM entry_bands ORDER BY 1, 2, 3").fetchall() == bands
        assert [row[3] for row in conn.execute("PRAGMA index_list(entry_bands)")] == ["pk"]  # no other index
        assert conn.execute("PRAGMA foreign_key_list(entry_bands)").fetchall() == []
    assert cli("remove", url).code == 0
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("SELECT count(*) FROM entry_bands").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'attention'").fetchone()[0] == 0


def test_posts_indexed_by_the_old_triggers_and_by_a_batch_search_and_leave_alike(cli, server, home, monkeypatch):
    """Migration 0020: the triggers ask the connection's search queue. Posts a library indexed one by one
    before it are found as they were and taken out cleanly; the posts a fetch stores after it are indexed by
    its batch, and found the same way."""
    def post(word: str) -> str:
        return "".join(f"<p>Part {n} of a long post about {word} and attention.</p>" for n in range(20))

    before = server.serve("/before.xml", rss(item("Caching", "one", description=post("caching")), title="Before"))
    after = server.serve("/after.xml", rss(item("Sharding", "two", description=post("sharding")), title="After"))
    with monkeypatch.context() as older:
        fetch_with_older_schema(cli, home, older, 19, before)
    assert cli("add", after).code == 0  # migrates first
    assert cli("fetch", "--no-enrich").code == 0

    def titles(word: str) -> list[str]:
        return sorted(e["title"] for e in cli("search", word, "--json").json)

    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == database.schema_version()
        assert "search_queue_takes(new.id)" in conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'entries_fts_insert'").fetchone()[0]
    assert titles("caching") == ["Caching"] and titles("sharding") == ["Sharding"]
    assert titles("attention") == ["Caching", "Sharding"]
    assert cli("remove", before).code == 0
    assert (titles("caching"), titles("attention")) == ([], ["Sharding"])
    with sqlite3.connect(home / "blogreader.db") as conn:
        indexed = conn.execute("SELECT id FROM entries_fts_docsize").fetchall()
        assert conn.execute("SELECT id FROM entries").fetchall() == indexed


def test_band_keys_made_with_the_old_shingle_hash_are_made_again(cli, server, home, monkeypatch):
    """Migration 0022: the shingles' hash changed (CRC-32 of each shingle's bytes, then a polynomial over its code
    points), so a key stored before would never meet a new post's. Every stored post's keys are made again from
    its text: a copy that only its bands can lead to (a new opening, so not the opening words) is linked to the
    post stored before the upgrade, and a post too short for bands still has none."""
    import zlib

    import numpy as np

    from blogreader.dedupe.near_duplicates import band_keys_of, shingles, text_band_keys

    story = " ".join(f"Sentence {n} on how sparse autoencoders split a model's features into parts." for n in range(14))
    url = server.serve("/feed.xml", rss(item("Features", "one", description=f"<p>{story}</p>")
                                        + item("Short", "two", description="<p>A note too short for bands.</p>"),
                                        title="Feed"))
    with monkeypatch.context() as older:
        fetch_with_older_schema(cli, home, older, 21, url)
    with sqlite3.connect(home / "blogreader.db") as conn:  # the keys the program of schema 21 stored
        (entry_id,) = conn.execute("SELECT id FROM entries WHERE guid = 'one'").fetchone()
        marks = shingles(story)
        old = band_keys_of(np.fromiter(map(zlib.crc32, marks), dtype=np.uint32, count=len(marks)))
        conn.execute("DELETE FROM entry_bands")
        conn.executemany("INSERT INTO entry_bands (band, key, entry_id) VALUES (?, ?, ?)",
                         [(band, key, entry_id) for band, key in enumerate(old)])
    assert old != text_band_keys(story)

    copy = server.serve("/copy.xml", rss(item("Features, again", "copy", link="https://mirror.example/features",
                                              description=f"<p>Reposted here, with thanks to its author. {story} "
                                                          "Shared by a reader.</p>"), title="Mirror"))
    assert cli("add", copy).code == 0  # migrates first
    assert cli("fetch", "--no-enrich").code == 0
    with sqlite3.connect(home / "blogreader.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == database.schema_version()
        keys = [row[0] for row in conn.execute("SELECT key FROM entry_bands WHERE entry_id = ? ORDER BY band",
                                               (entry_id,))]
        short = conn.execute("SELECT count(*) FROM entry_bands WHERE entry_id = "
                             "(SELECT id FROM entries WHERE guid = 'two')").fetchone()[0]
        linked = conn.execute("SELECT duplicate_of FROM entries WHERE guid = 'copy'").fetchone()[0]
    assert keys == text_band_keys(story) and short == 0
    assert linked == entry_id


def test_an_upgrade_is_announced_on_a_terminal_before_it_runs(cli, server, home, monkeypatch):
    """Opening a library of an older schema upgrades it, which takes a while on a large one: on a terminal a line
    says so first (from which schema, to which, and where the copy goes); piped, nothing is added."""
    url = server.serve("/feed.xml", rss(item("A post", "one", description="<p>Enough words to store a post.</p>"),
                                        title="Feed"))
    with monkeypatch.context() as older:
        fetch_with_older_schema(cli, home, older, 21, url)
    assert database.pending_upgrade(home / "blogreader.db") == (21, database.schema_version())
    monkeypatch.setattr("blogreader.cli.output.is_terminal", lambda: True)
    listed = cli("list")
    assert listed.code == 0
    assert (f"upgrading the library from schema 21 to {database.schema_version()}, after keeping a copy as "
            "blogreader.db.pre-migration-v21.bak") in listed.err
    assert (home / "blogreader.db.pre-migration-v21.bak").is_file()
    assert database.pending_upgrade(home / "blogreader.db") is None  # done: the next command says nothing
    assert "upgrading" not in cli("list").err
