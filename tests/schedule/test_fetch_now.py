"""The web app's "Fetch now" goes through the same leases as the scheduler."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from blogreader.config import load_settings
from blogreader.store import Store
from blogreader.web.app import create_app
from tests.schedule.helpers import dated_feed, library

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_fetch_now_waits_for_no_one_and_never_doubles_a_poll_in_flight(server, home):
    library(home)
    now = datetime.now(UTC).replace(microsecond=0)
    with Store.open(home / "blogreader.db") as store:
        source = store.add_source(server.serve("/feed.xml", dated_feed("blog", now, timedelta(days=1))), "feed")[0]
        assert store.claim_source(source.id, "scheduler", now, 600)  # a worker is polling it right now
        app = create_app(load_settings(home), port=8080)
        with TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False) as client:
            token = CSRF.search(client.get("/sources").text).group(1)
            assert client.post(f"/sources/{source.id}/fetch", data={"csrf_token": token}).status_code == 303
            assert server.hits("/feed.xml") == []
            store.release_all("scheduler")
            assert client.post(f"/sources/{source.id}/fetch", data={"csrf_token": token}).status_code == 303
            assert client.post("/sources/999/fetch", data={"csrf_token": token}).status_code == 404
        assert len(server.hits("/feed.xml")) == 1
        assert store.source_entry_count(source.id) == 6
        state = store.poll_states()[source.id]
        assert state.lease_owner is None and state.poll_reason == "posts about every 1 day"
