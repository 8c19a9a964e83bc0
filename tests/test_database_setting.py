"""The `database` setting: a PostgreSQL address or nothing; a wrong one is named, and an unreachable server
is reported without its password and without a traceback."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_database_that_is_not_a_postgresql_address_is_refused(cli, home, monkeypatch):
    monkeypatch.delenv("BLOGREADER_DATABASE_URL", raising=False)
    home.mkdir(parents=True)
    (home / "config.toml").write_text('database = "mysql://db.example/x"\n', encoding="utf-8")
    result = cli("list")
    assert result.code == 2
    assert "database must be a PostgreSQL address" in result.err and "'mysql://db.example/x'" in result.err


def test_the_environment_address_is_checked_too(cli, monkeypatch):
    monkeypatch.setenv("BLOGREADER_DATABASE_URL", "library.db")
    result = cli("list")
    assert result.code == 2 and "$BLOGREADER_DATABASE_URL" in result.err


def test_an_unreachable_server_is_named_without_its_password(cli, monkeypatch):
    monkeypatch.setenv("BLOGREADER_DATABASE_URL", f"postgresql://reader:s3cret@127.0.0.1:{free_port()}/library")
    result = cli("list")
    assert result.code == 1
    assert "cannot connect to the database postgresql://reader:***@127.0.0.1" in result.err
    assert "s3cret" not in result.err and "Traceback" not in result.err
