"""Several `serve` processes of one PostgreSQL library behind one address are interchangeable: a form made by
one is accepted by another (they share the CSRF secret through the database), and a server listening beyond
loopback answers to the same access token as its siblings."""

from __future__ import annotations

import re
import threading

import pytest
from fastapi.testclient import TestClient
from postgres_cluster import fresh_schema_url

from blogreader.config import load_settings
from blogreader.store import Store
from blogreader.web.app import create_app
from blogreader.web.server import bind

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def team_library(tmp_path, postgres_cluster, monkeypatch):
    """A library folder whose config names a PostgreSQL database, with one source and two entries."""
    from tests.web.conftest import make_entry

    monkeypatch.delenv("BLOGREADER_DATABASE_URL", raising=False)
    url = fresh_schema_url(postgres_cluster.url)
    home = tmp_path / "team"
    home.mkdir()
    (home / "config.toml").write_text(f'starter_subscriptions = false\ndatabase = "{url}"\n', encoding="utf-8")
    with Store.open(url) as store:
        source, _ = store.add_source("https://lab.example/feed.xml", "feed", title="Lab")
        ids = store.save_entries(source.id, [make_entry(f"Post {n}", url=f"https://lab.example/{n}")
                                             for n in range(2)]).ids
    return load_settings(home), url, ids


def test_a_form_from_one_server_is_accepted_by_another(team_library):
    settings, url, ids = team_library
    assert settings.database == url
    first, second = create_app(settings, port=8080), create_app(settings, port=8080)
    with TestClient(first, base_url="http://127.0.0.1:8080", follow_redirects=False) as one, \
            TestClient(second, base_url="http://127.0.0.1:8080", follow_redirects=False) as two:
        page = one.get("/")
        token = TOKEN.search(page.text).group(1)
        two.cookies.update(one.cookies)  # the browser's session cookie, now routed to the other server
        answer = two.post("/read", data={"csrf_token": token, "scope": "selection", "ids": [str(ids[0])],
                                         "next": "/"})
        assert answer.status_code == 303
        assert TOKEN.search(two.get("/").text).group(1) == token  # the same session reads the same token
        forged = two.post("/read", data={"csrf_token": token[:-2] + "xx", "scope": "all", "next": "/"})
        assert forged.status_code == 403
    with Store.open(url) as store:
        assert store.entry(ids[0]).read and not store.entry(ids[1]).read


def test_servers_starting_together_share_one_secret_and_one_access_token(team_library):
    from blogreader.web.security import library_secret

    settings, url, _ = team_library
    secrets, tokens, problems = [], [], []

    def start() -> None:
        try:
            with Store.open(url) as store:
                secrets.append(library_secret(store))
            bound = bind(settings, "0.0.0.0", 0)  # beyond loopback: a token is required
            tokens.append(bound.access_token)
            bound.sock.close()
        except Exception as exc:  # noqa: BLE001 - reported below with the thread's own error
            problems.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not problems
    assert len(set(secrets)) == 1 and len(secrets) == 4
    assert len(set(tokens)) == 1 and tokens[0]


def test_a_page_meeting_a_locked_row_says_busy_with_503_and_retry_after(team_library):
    """A write the web app cannot make because another process holds the row (PostgreSQL's lock timeout) is a
    503 with the CLI's "busy, try again" message, not a bare 500; the same request works once the row is free."""
    import psycopg

    settings, url, ids = team_library
    with TestClient(create_app(settings, port=8080), base_url="http://127.0.0.1:8080", follow_redirects=False) as web:
        token = TOKEN.search(web.get("/").text).group(1)
        form = {"csrf_token": token, "scope": "selection", "ids": [str(ids[0])], "next": "/"}
        with psycopg.connect(url, autocommit=True) as holder, holder.transaction():
            holder.execute("SELECT id FROM entries WHERE id = %s FOR UPDATE", (ids[0],))
            busy = web.post("/read", data=form)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
        assert "the library database is busy" in busy.text and "try again" in busy.text
        assert web.post("/read", data=form).status_code == 303
    with Store.open(url) as store:
        assert store.entry(ids[0]).read
