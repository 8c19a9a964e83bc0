"""Hostile files a user is handed: an OPML subscription list to `import`, a backup to `restore`.

OPML: a DTD is refused wherever it stands (not only in the first 64 KB), as a usage error that names
the file and the DTD, with nothing imported; outlines nested 50,000 deep import or are refused without
a traceback; a list of 200,000 outlines is read in time and memory linear in its size.

Backups: `restore` compares the backup's schema (every table, index, trigger and view, the full-text
index's tables included) with what this version's migrations create for the backup's schema version,
and refuses any difference by name, replacing nothing: a planted trigger would otherwise run as ours.
"""

from __future__ import annotations

import sqlite3
import time
import tracemalloc
from pathlib import Path

import pytest

from blogreader.errors import UsageError
from blogreader.sources.opml import MAX_FEEDS, parse_opml
from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import assert_clean_failure, entries, item, rss, sources

OPML_HEAD = '<?xml version="1.0" encoding="{encoding}"?>'
PADDING = "<!-- " + "padding " * 9_000 + "-->"  # 72 KB of comment before the DTD


def opml(body: str, *, prolog: str = "", encoding: str = "utf-8", declared: str | None = None) -> bytes:
    text = (OPML_HEAD.format(encoding=declared or encoding) + prolog + '<opml version="2.0"><head><title>Subs</title></head>'
            f"<body>{body}</body></opml>")
    return text.encode(encoding)


# --- OPML: a DTD anywhere -------------------------------------------------------------------------

def _dtds(secret: Path) -> dict[str, tuple[str, str]]:
    """(DTD, a use of it) by name: each read something hidden into the library when past the first 64 KB."""
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 6))
    return {
        "internal-entity": ('<!DOCTYPE opml [<!ENTITY feed "https://hidden.example/feed.xml">]>', "&feed;"),
        "external-entity": (f'<!DOCTYPE opml [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"),
        "small-laughs": (f'<!DOCTYPE opml [<!ENTITY l0 "lol">{laughs}]>', "https://laughs.example/&l5;"),
        "external-dtd": (f'<!DOCTYPE opml SYSTEM "{secret.as_uri()}">', "https://plain.example/feed.xml"),
    }


@pytest.mark.parametrize("kind", ["internal-entity", "external-entity", "small-laughs", "external-dtd"])
def test_a_dtd_after_64_kb_of_comment_is_refused_and_nothing_is_imported(cli, library, secret, tmp_path, kind):
    dtd, use = _dtds(secret)[kind]
    path = tmp_path / "subscriptions.opml"
    path.write_bytes(opml(f'<outline text="x" xmlUrl="{use}"/>', prolog=PADDING + dtd))
    result = cli("import", str(path))
    assert_clean_failure(result, str(path), "DTD", "not allowed in OPML", code=2)
    assert "TOPSECRET" not in result.out + result.err
    assert sources(cli) == []


@pytest.mark.parametrize(("encoding", "declared"), [("utf-16", "utf-16"), ("utf-16-be", "UTF-16BE")])
def test_a_dtd_in_utf16_is_refused(secret, encoding, declared):
    """The old byte search for `<!ENTITY` could not see it between the zero bytes of UTF-16."""
    dtd, use = _dtds(secret)["internal-entity"]
    data = opml(f'<outline text="x" xmlUrl="{use}"/>', prolog=dtd, encoding=encoding, declared=declared)
    with pytest.raises(UsageError, match="subs.opml: a DTD .* is not allowed in OPML"):
        parse_opml(data, "subs.opml")


@pytest.mark.parametrize(("encoding", "declared"), [("utf-32", "utf-32"), ("utf-16-le", "utf-16-le"),
                                                    ("utf-8", "klingon")])
def test_an_encoding_the_xml_parser_cannot_read_is_a_usage_error(encoding, declared):
    data = opml('<outline text="x" xmlUrl="https://e.example/feed.xml"/>', encoding=encoding, declared=declared)
    with pytest.raises(UsageError, match="subs.opml: not valid OPML"):
        parse_opml(data, "subs.opml")


def test_a_doctype_without_any_entity_is_refused_too(cli, library, tmp_path):
    path = tmp_path / "plain.opml"
    path.write_bytes(opml('<outline text="x" xmlUrl="https://plain.example/feed.xml"/>', prolog="<!DOCTYPE opml>"))
    assert_clean_failure(cli("import", str(path)), "plain.opml", "DTD", code=2)
    assert sources(cli) == []


def test_import_reads_an_opml_file_saved_as_utf16(cli, library, tmp_path, encoding="utf-16"):
    """`import` used to sniff only UTF-8 for "<?xml", so a UTF-16 subscription list was "not a file it imports"."""
    path = tmp_path / "subs.opml"
    path.write_bytes(opml('<outline text="x" xmlUrl="https://wide.example/feed.xml"/>', encoding=encoding))
    assert_clean_failure(cli("import", str(path)), "1 source(s) added", code=0)
    assert [source["url"] for source in sources(cli)] == ["https://wide.example/feed.xml"]


def test_import_names_the_dtd_of_an_opml_file_that_opens_with_one(cli, library, tmp_path):
    path = tmp_path / "doctype-first.opml"
    path.write_bytes(b'<!DOCTYPE opml [<!ENTITY x "y">]><opml version="2.0"><body>'
                     b'<outline text="x" xmlUrl="https://e.example/&x;"/></body></opml>')
    assert_clean_failure(cli("import", str(path)), "doctype-first.opml", "DTD", code=2)
    assert sources(cli) == []


def test_import_refuses_a_file_larger_than_any_list_without_reading_it(cli, library, tmp_path):
    from blogreader.imports.file import MAX_IMPORT_BYTES

    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)  # sparse: costs no disk, and is never read
    assert_clean_failure(cli("import", str(path)), "huge.txt", "split it", code=2)
    assert sources(cli) == []


# --- OPML: depth and size -------------------------------------------------------------------------

def nested(depth: int, inner: str) -> str:
    return "".join(f'<outline text="level{n}">' for n in range(depth)) + inner + "</outline>" * depth


def test_outlines_nested_50000_deep_import_the_feed_they_hold(cli, library, tmp_path):
    path = tmp_path / "deep.opml"
    path.write_bytes(opml(nested(50_000, '<outline text="Deep" xmlUrl="https://deep.example/feed.xml"/>')))
    result = cli("import", str(path))
    assert_clean_failure(result, "1 source(s) added", code=0)
    [source] = sources(cli)
    assert source["url"] == "https://deep.example/feed.xml" and source["category"] == "level49999"


def test_outlines_nested_50000_deep_and_never_closed_are_refused_clearly(cli, library, tmp_path):
    path = tmp_path / "unclosed.opml"
    path.write_bytes(OPML_HEAD.format(encoding="utf-8").encode() + b"<opml><body>" + b"<outline>" * 50_000)
    assert_clean_failure(cli("import", str(path)), "unclosed.opml", "not valid OPML", code=2)
    assert sources(cli) == []


def test_more_feeds_than_the_limit_are_refused_and_nothing_is_imported(cli, library, tmp_path):
    path = tmp_path / "huge.opml"
    path.write_bytes(opml("".join(f'<outline text="f{n}" xmlUrl="https://e.example/{n}"/>' for n in range(200_000))))
    assert_clean_failure(cli("import", str(path)), "huge.opml", f"more than {MAX_FEEDS:,} feeds", code=2)
    assert sources(cli) == []


def _folders(count: int) -> bytes:
    """`count` outlines in folders of 25, one feed in each folder."""
    folder = "".join(f'<outline text="t{n}"/>' for n in range(23)) + '<outline text="f" xmlUrl="https://e.example/{n}"/>'
    return opml("".join(f'<outline text="folder {n}">' + folder.format(n=n) + "</outline>" for n in range(count // 25)))


def _best_time(data: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parse_opml(data)
        best = min(best, time.perf_counter() - started)
    return best


def test_a_list_of_200000_outlines_is_read_in_linear_time_and_bounded_memory():
    small, large = _folders(20_000), _folders(200_000)
    assert len(parse_opml(large)) == 8_000
    ratio = _best_time(large) / _best_time(small)
    assert ratio < 25, f"ten times the outlines took {ratio:.1f} times as long"
    tracemalloc.start()
    try:
        parse_opml(large)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # No tree of 200,000 elements is built: memory follows the feeds found, not the document.
    assert peak < len(large), f"{peak:,} bytes at peak for a {len(large):,}-byte file"


# --- backups that carry more than data ------------------------------------------------------------

FEED = rss("".join(item(f"Post {n}", f"p{n}", f"<p>Body of post {n}.</p>") for n in range(4)), title="Kept Feed")


@pytest.fixture
def filled(cli, server, library):
    """A library with one source and four entries."""
    assert cli("add", server.serve("/feed.xml", FEED)).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    assert len(entries(cli)) == 4
    return library


def tampered(cli, tmp_path: Path, *statements: str) -> Path:
    """A real backup of the library, then changed with `statements`."""
    path = tmp_path / "tampered.db"
    assert cli("backup", str(path)).code == 0
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()
    return path


def titles(cli) -> list[str]:
    return sorted(entry["title"] for entry in entries(cli))


WIPE = "CREATE TRIGGER wipe AFTER UPDATE ON entries BEGIN DELETE FROM entries; END"
FTS_UPDATE = "entries_fts_update"

PLANTED = {
    "trigger": ([WIPE], "holds a trigger 'wipe' on 'entries'"),
    "view": (["CREATE VIEW recent AS SELECT id FROM entries"], "holds a view 'recent'"),
    "table": (["CREATE TABLE payload (x)"], "holds a table 'payload'"),
    "index-altered": (["DROP INDEX entries_by_guid", "CREATE INDEX entries_by_guid ON entries (guid, title)"],
                      "holds an index 'entries_by_guid' on 'entries' that differs"),
    "index-missing": (["DROP INDEX entries_by_guid"], "lacks the index 'entries_by_guid'"),
    "ours-rewritten": ([f"DROP TRIGGER {FTS_UPDATE}",
                        f"CREATE TRIGGER {FTS_UPDATE} AFTER UPDATE OF title ON entries BEGIN DELETE FROM sources; END"],
                       f"holds a trigger '{FTS_UPDATE}' on 'entries' that differs"),
    "fts-shadow-trigger": (["CREATE TRIGGER shadow AFTER INSERT ON entries_fts_data BEGIN DELETE FROM entries; END"],
                           "holds a trigger 'shadow' on 'entries_fts_data'"),
    "fts-virtual-table": (["DROP TABLE entries_fts",
                           "CREATE VIRTUAL TABLE entries_fts USING fts5 (title, summary, text, note)"],
                          "entries_fts"),
}


@pytest.mark.sqlite_only  # a SQLite backup file restored over the library file
@pytest.mark.parametrize("kind", list(PLANTED))
def test_restore_refuses_a_backup_whose_schema_is_not_ours_and_replaces_nothing(cli, filled, tmp_path, kind):
    statements, says = PLANTED[kind]
    before = titles(cli)
    bad = tampered(cli, tmp_path, *statements)
    result = cli("restore", str(bad))
    assert_clean_failure(result, str(bad), says, "nothing was changed", code=2)
    assert list(filled.glob("*.bak")) == []  # nothing replaced, so nothing kept aside
    assert cli("unread", "1").code == 0 and cli("star", "2").code == 0  # updates that would fire a planted trigger
    assert titles(cli) == before and sources(cli)[0]["title"] == "Kept Feed"


@pytest.mark.sqlite_only  # a SQLite backup file restored over the library file
def test_a_planted_trigger_never_reaches_the_library(cli, filled, tmp_path):
    """The reported case: a backup whose trigger emptied the library on the next `unread`."""
    bad = tampered(cli, tmp_path, WIPE)
    assert cli("restore", str(bad)).code == 2
    conn = sqlite3.connect(filled / "blogreader.db")
    try:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'wipe'").fetchone()[0] == 0
    finally:
        conn.close()
    assert cli("unread", "1", "2", "3").code == 0
    assert len(entries(cli)) == 4


@pytest.mark.sqlite_only  # a SQLite backup file restored over the library file
def test_restore_still_takes_a_backup_with_statistics_from_analyze(cli, filled, tmp_path):
    good = tampered(cli, tmp_path, "ANALYZE")
    result = cli("restore", str(good))
    assert result.code == 0, result.err
    assert len(entries(cli)) == 4


def _older_backup(path: Path, version: int, *extra: str) -> Path:
    """A library as schema `version` made it, with one source, then `extra` statements."""
    from blogreader.store import database
    from blogreader.store.packed_posts import register_post_text

    conn = sqlite3.connect(path, isolation_level=None)
    register_post_text(conn)  # migration 0019 re-indexes the texts through post_text
    try:
        for _number, _name, sql in database.migrations()[:version]:
            conn.executescript(sql)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("INSERT INTO sources (url, kind, title, created) "
                     "VALUES ('https://old.example/feed.xml', 'feed', 'Old Feed', '2026-01-01T00:00:00Z')")
        for statement in extra:
            conn.execute(statement)
    finally:
        conn.close()
    return path


@pytest.mark.sqlite_only  # a SQLite backup file restored over the library file
def test_an_older_backup_is_checked_against_its_own_schema_and_migrated(cli, filled, tmp_path):
    from blogreader.store import database

    older = database.schema_version() - 1
    backup = _older_backup(tmp_path / "older.db", older)
    result = cli("restore", str(backup))
    assert result.code == 0, result.err
    assert [source["title"] for source in sources(cli)] == ["Old Feed"]
    conn = sqlite3.connect(filled / "blogreader.db")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == database.schema_version()
    finally:
        conn.close()


@pytest.mark.sqlite_only  # a SQLite backup file restored over the library file
def test_an_older_backup_holding_a_newer_schemas_object_is_refused(cli, filled, tmp_path):
    """Schema objects are compared with the backup's own version, not with the newest one."""
    from blogreader.store import database

    older = database.schema_version() - 1
    backup = _older_backup(tmp_path / "mixed.db", older, "CREATE TABLE late_arrival (x)")
    result = cli("restore", str(backup))
    assert_clean_failure(result, "holds a table 'late_arrival'", f"schema {older}", code=2)
    assert sources(cli)[0]["title"] == "Kept Feed" and list(filled.glob("*.bak")) == []
