"""Reader API fixtures: a live `serve` on 127.0.0.1 over a temporary library with an API password set."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.web.conftest import Library, LiveServer

USER = "reader"
PASSWORD = "correct horse battery"


@dataclass
class Api:
    """The live server, its library, and calls made the way reader apps make them (plain HTTP)."""

    live: LiveServer
    library: Library

    def call(self, method: str, path: str, params: dict | list | None = None, *, auth: str | None = None,
             headers: dict[str, str] | None = None):
        """(status, headers, text); `params` go in the query for GET and in a form body for POST."""
        query = urlencode(params or {}, doseq=True)
        headers = dict(headers or {})
        if auth is not None:
            headers["Authorization"] = f"GoogleLogin auth={auth}"
        if method == "GET":
            return self.live.request("GET", path + (f"?{query}" if query else ""), headers=headers)
        return self.live.request(method, path, body=query, headers=headers)

    def login(self, user: str = USER, password: str = PASSWORD) -> str:
        status, _, text = self.call("POST", "/accounts/ClientLogin", {"Email": user, "Passwd": password})
        assert status == 200, text
        return dict(line.split("=", 1) for line in text.strip().splitlines())["Auth"]

    def json(self, path: str, params: dict | list | None = None, *, auth: str, method: str = "GET"):
        status, _, text = self.call(method, path, params, auth=auth)
        assert status == 200, f"{status}: {text}"
        return json.loads(text)

    def post_token(self, auth: str) -> str:
        status, _, text = self.call("GET", "/reader/api/0/token", auth=auth)
        assert status == 200
        return text.strip()


def fill(library: Library) -> dict[str, int]:
    """Two sources in two folders, entries in each (one a promotion, one a duplicate), one saved article."""
    store = library.store
    ml, _ = store.add_source("https://ml.example/feed", "feed", title="ML Blog", site_url="https://ml.example/",
                             category="Research")
    news, _ = store.add_source("https://news.example/feed", "feed", title="News Blog", category="Newsletters")
    ids = {}
    for index, entry_id in enumerate(library.add(5, source_id=ml.id, url_base="https://ml.example/p/",
                                                 category="Interpretability")):
        ids[f"ml{index}"] = entry_id
    for index, entry_id in enumerate(library.add(3, source_id=news.id, url_base="https://news.example/p/",
                                                 start=datetime(2026, 3, 20, tzinfo=UTC), category="News")):
        ids[f"news{index}"] = entry_id
    store.conn.execute("UPDATE entries SET promo = 1 WHERE id = ?", (ids["news2"],))
    store.conn.execute("UPDATE entries SET duplicate_of = ? WHERE id = ?", (ids["ml0"], ids["news1"]))
    ids["ml_source"], ids["news_source"] = ml.id, news.id
    return ids


@pytest.fixture
def api(home: Path, monkeypatch):
    from blogreader.web.api.passwords import hash_password

    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    library = Library(home)
    library.ids = fill(library)
    library.store.set_api_login(USER, hash_password(PASSWORD))
    live = LiveServer(library)
    yield Api(live, library)
    live.stop()
    library.close()


@pytest.fixture
def api_off(home: Path, monkeypatch):
    """The same server with no API password: the API is off."""
    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    library = Library(home)
    fill(library)
    live = LiveServer(library)
    yield Api(live, library)
    live.stop()
    library.close()
