"""A command that meets a row another process holds locked on PostgreSQL gives up after the lock timeout with
SQLite's "busy, try again" message and exit status 1, instead of waiting for ever."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import psycopg

from blogreader.store import Store
from blogreader.store.database import busy_error
from tests.postgres.test_store_engines import entry, source

HANG_GUARD_S = 120  # far above the 10 s lock timeout: only a command that never gives up reaches it


def test_a_command_meeting_a_locked_row_says_busy_and_exits_1(postgres_schema_url, tmp_path):
    store = Store.open(postgres_schema_url)
    try:
        [entry_id] = store.save_entries(source(store, "a"), [entry("Post", "https://a.example/1", "text")]).ids
    finally:
        store.close()
    env = {**os.environ, "BLOGREADER_DATABASE_URL": postgres_schema_url}
    command = [sys.executable, "-m", "blogreader", "--home", str(tmp_path / "library"), "read", str(entry_id)]
    with psycopg.connect(postgres_schema_url, autocommit=True) as holder:
        with holder.transaction():  # another writer, in the middle of its transaction on that row
            holder.execute("SELECT id FROM entries WHERE id = %s FOR UPDATE", (entry_id,))
            blocked = subprocess.run(command, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S)
    same_as_sqlite = f"error: {busy_error(sqlite3.OperationalError('database is locked'))}"
    assert (blocked.returncode, blocked.stderr.strip()) == (1, same_as_sqlite)
    assert "Traceback" not in blocked.stderr and blocked.stdout == ""
    assert done.returncode == 0, done.stderr  # once the row is free, the same command works
    with psycopg.connect(postgres_schema_url, autocommit=True) as check:
        assert check.execute("SELECT read FROM entries WHERE id = %s", (entry_id,)).fetchone() == (1,)


def test_every_connection_has_a_lock_timeout(postgres_schema_url):
    store = Store.open(postgres_schema_url)
    try:
        assert store.conn.execute("SHOW lock_timeout").fetchone()[0] == "10s"
        assert store.conn.execute("SHOW idle_in_transaction_session_timeout").fetchone()[0] == "5min"
    finally:
        store.close()
