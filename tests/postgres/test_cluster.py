"""The throwaway PostgreSQL the tests run on: reachable, and each test's schema its own."""

from __future__ import annotations

import psycopg
import pytest

from tests.postgres_cluster import fresh_schema_url, with_search_path


def test_a_table_made_in_one_schema_is_not_seen_from_another(postgres_url, postgres_schema_url):
    with psycopg.connect(postgres_schema_url) as conn:
        conn.execute("CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)")
        conn.execute("INSERT INTO notes VALUES (1, 'kept')")
    with psycopg.connect(postgres_schema_url) as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("kept",)]

    other = fresh_schema_url(postgres_url)
    assert other != postgres_schema_url
    with psycopg.connect(other) as conn:
        assert conn.execute("SELECT current_schema()").fetchone()[0] != "public"
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT body FROM notes")


def test_the_server_is_one_the_schema_can_run_on(postgres_cluster, postgres_url):
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == conninfo_dbname(postgres_url)
        # Stored generated columns and websearch_to_tsquery arrived in PostgreSQL 12 and 11.
        assert int(conn.execute("SHOW server_version_num").fetchone()[0]) >= 120000
        if postgres_cluster.folder is not None:  # our throwaway cluster: durability off, loopback only
            assert conn.execute("SHOW fsync").fetchone()[0] == "off"
            assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"


def test_a_search_path_is_added_after_options_already_given():
    url = with_search_path("postgresql://u@h:5/db?sslmode=disable&options=-cwork_mem%3D4MB", "lib_7")
    assert psycopg.conninfo.conninfo_to_dict(url)["options"] == "-cwork_mem=4MB -csearch_path=lib_7"
    assert psycopg.conninfo.conninfo_to_dict(url)["sslmode"] == "disable"


def conninfo_dbname(url: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(url)["dbname"]


def test_without_server_binaries_the_reason_says_what_to_install(monkeypatch):
    import tests.postgres_cluster as pg

    monkeypatch.delenv(pg.ENV_URL, raising=False)
    monkeypatch.setattr(pg, "find_bin_dir", lambda: None)
    cluster, why = pg.cluster_or_skip_reason()
    assert cluster is None
    assert "initdb" in why and "postgresql package" in why and pg.ENV_URL in why
