"""`blogreader backup PATH` (an online SQLite backup, written atomically, never overwriting without --force)
and `blogreader restore PATH` (checked first, the current library kept as a dated .bak, then replaced)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.hostile.helpers import entries, item, rss, sources, write_config

# An online copy of the SQLite file and its restore: a PostgreSQL library is backed up with pg_dump.
pytestmark = pytest.mark.sqlite_only

FEED = rss("".join(item(f"Post {n}", f"p{n}", f"<p>Body of post {n}.</p>") for n in range(5)), title="Backup Feed")


@pytest.fixture
def library(cli, server, home):
    """A library with one source and five entries, one of them starred with a note."""
    write_config(home)
    assert cli("add", server.serve("/feed.xml", FEED)).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    first = entries(cli)[0]["id"]
    assert cli("star", str(first)).code == 0 and cli("note", str(first), "keep this").code == 0
    return home


def snapshot(cli) -> list[dict]:
    return sorted(({k: row[k] for k in ("id", "title", "url", "starred", "note", "picked")} for row in entries(cli)),
                  key=lambda row: row["id"])


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_backup_writes_a_whole_checked_self_contained_copy(cli, library, tmp_path):
    target = tmp_path / "backups" / "library.db"
    result = cli("backup", str(target))
    assert result.code == 0, result.err
    assert "5 entries and 1 sources" in result.out and str(target) in result.out
    assert integrity(target) == "ok"
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no -wal file needed beside it
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 5
    conn.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["library.db"]  # no temporary file left


def test_backup_is_online_while_another_connection_writes(cli, library, tmp_path):
    from blogreader.store.packed_posts import register_post_text

    writer = sqlite3.connect(library / "blogreader.db", isolation_level=None)
    register_post_text(writer)  # the search index's triggers read a post's text through it
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE entries SET title = 'uncommitted' WHERE id = 1")
    try:
        result = cli("backup", str(tmp_path / "copy.db"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.code == 0, result.err
    conn = sqlite3.connect(tmp_path / "copy.db")
    titles = {row[0] for row in conn.execute("SELECT title FROM entries")}
    conn.close()
    assert "uncommitted" not in titles and len(titles) == 5  # the committed state, whole


def test_backup_refuses_to_overwrite_without_force(cli, library, tmp_path):
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    result = cli("backup", str(target))
    assert result.code == 2 and "already exists" in result.err and "--force" in result.err
    assert target.read_bytes() == b"precious"
    assert cli("backup", str(target), "--force").code == 0
    assert integrity(target) == "ok"


def test_backup_into_a_folder_names_a_dated_file(cli, library, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    result = cli("backup", str(folder))
    assert result.code == 0, result.err
    [made] = folder.iterdir()
    assert made.name.startswith("blogreader-") and made.suffix == ".db" and integrity(made) == "ok"


def test_backup_refuses_the_library_itself_and_a_missing_library(cli, library, tmp_path):
    result = cli("backup", str(library / "blogreader.db"), "--force")
    assert result.code == 2 and "the library database itself" in result.err
    other = tmp_path / "nothing-here"
    from blogreader.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["--home", str(other), "backup", str(tmp_path / "x.db")])
    assert exited.value.code == 2


def test_a_backup_that_cannot_be_written_says_so_and_leaves_nothing(cli, library, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("backup", str(blocker / "copy.db"))
    assert result.code in (1, 2) and "Traceback" not in result.err and "internal error" not in result.err
    assert "copy.db" in result.err


def test_restore_brings_the_backup_back_and_keeps_the_current_library(cli, server, library, tmp_path):
    before = snapshot(cli)
    backup = tmp_path / "before.db"
    assert cli("backup", str(backup)).code == 0
    server.serve("/feed.xml", FEED.replace("</channel>", item("Later post", "later") + "</channel>"))
    assert cli("fetch", "--no-enrich").code == 0
    assert cli("note", "2", "written after the backup").code == 0
    after = snapshot(cli)
    assert len(after) == 6

    result = cli("restore", str(backup))
    assert result.code == 0, result.err
    assert "restored 5 entries" in result.out and ".bak" in result.out
    assert snapshot(cli) == before
    [kept] = library.glob("blogreader.db.*.bak")
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 6  # the library as it was
    conn.close()
    assert integrity(library / "blogreader.db") == "ok"
    conn = sqlite3.connect(library / "blogreader.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_restore_is_seen_by_a_connection_that_was_already_open(cli, library, tmp_path):
    """A running `serve` keeps its connection: it reads the restored library next, not a mix."""
    assert cli("backup", str(tmp_path / "b.db")).code == 0
    reader = sqlite3.connect(library / "blogreader.db")
    assert cli("remove", "1").code == 0  # drops the unpicked entries
    assert reader.execute("SELECT count(*) FROM entries").fetchone()[0] == 1
    assert cli("restore", str(tmp_path / "b.db")).code == 0
    assert reader.execute("SELECT count(*) FROM entries").fetchone()[0] == 5
    assert reader.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    reader.close()


def _text(path: Path) -> Path:
    path.write_text("hello, not a database", encoding="utf-8")
    return path


def _not_ours(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    return path


def _newer(path: Path, library: Path) -> Path:
    source = sqlite3.connect(library / "blogreader.db")
    copy = sqlite3.connect(path)
    source.backup(copy)
    copy.execute("PRAGMA user_version = 999")
    copy.commit()
    copy.close()
    source.close()
    return path


def _damaged(path: Path, library: Path) -> Path:
    source = sqlite3.connect(library / "blogreader.db")
    copy = sqlite3.connect(path)
    source.backup(copy)
    copy.execute("PRAGMA journal_mode = DELETE")
    copy.close()
    source.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 100, min(len(data), 4096 * 4), 7):  # scribble over pages 2-4
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("make", "says"), [
    (lambda tmp, lib: tmp / "missing.db", "no such file"),
    (lambda tmp, lib: _text(tmp / "text.db"), "not a BlogReader backup"),
    (lambda tmp, lib: _not_ours(tmp / "other.db"), "not a BlogReader library"),
    (lambda tmp, lib: _newer(tmp / "newer.db", lib), "newer BlogReader"),
    (lambda tmp, lib: _damaged(tmp / "damaged.db", lib), "damaged"),
])
def test_restore_refuses_what_is_not_a_sound_backup_and_changes_nothing(cli, library, tmp_path, make, says):
    before = snapshot(cli)
    bad = make(tmp_path, library)
    result = cli("restore", str(bad))
    assert result.code == 2, (result.out, result.err)
    assert says in result.err, result.err
    assert "Traceback" not in result.err
    assert snapshot(cli) == before
    assert list(library.glob("*.bak")) == []


def test_restore_into_an_empty_library_folder(cli, library, tmp_path):
    backup = tmp_path / "b.db"
    assert cli("backup", str(backup)).code == 0
    from blogreader.cli import main

    fresh = tmp_path / "fresh-library"
    with pytest.raises(SystemExit) as exited:
        main(["--home", str(fresh), "restore", str(backup)])
    assert exited.value.code == 0
    assert integrity(fresh / "blogreader.db") == "ok" and list(fresh.glob("*.bak")) == []
    conn = sqlite3.connect(fresh / "blogreader.db")
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 5
    conn.close()


def test_restore_of_an_older_schema_migrates_it(cli, library, tmp_path, monkeypatch):
    """A backup from before an upgrade: restored, then migrated (with its own pre-migration copy)."""
    from blogreader.store import database

    backup = tmp_path / "old.db"
    assert cli("backup", str(backup)).code == 0
    known = database.migrations()
    upgrade = (len(known) + 1, f"{len(known) + 1:04d}_test_upgrade.sql", "ALTER TABLE sources ADD COLUMN test_note TEXT;")
    monkeypatch.setattr(database, "migrations", lambda: [*known, upgrade])
    result = cli("restore", str(backup))
    assert result.code == 0, result.err
    conn = sqlite3.connect(library / "blogreader.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(known) + 1
    assert "test_note" in {row[1] for row in conn.execute("PRAGMA table_info(sources)")}
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 5
    conn.close()
    assert (library / f"blogreader.db.pre-migration-v{len(known)}.bak").exists()
    assert sources(cli)[0]["title"] == "Backup Feed"


def test_backup_of_a_library_holding_a_foreign_object_says_restore_would_refuse_it(cli, library, tmp_path):
    """An index added by hand is kept in the copy, but the user learns now, not on the day of the restore."""
    conn = sqlite3.connect(library / "blogreader.db")
    conn.execute("CREATE INDEX my_own_index ON entries (title)")
    conn.close()
    target = tmp_path / "copy.db"
    result = cli("backup", str(target))
    assert result.code == 1 and "Traceback" not in result.err
    assert "would refuse it" in result.err and "'my_own_index'" in result.err and str(target) in result.err
    assert integrity(target) == "ok"
    assert cli("restore", str(target)).code == 2
