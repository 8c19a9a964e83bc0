"""The web app's "Fetch now": a background job that goes through the same leases as the scheduler, and a
JSON status the sources page follows."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from blogreader.config import load_settings
from blogreader.store import Store
from blogreader.web.app import create_app
from tests.schedule.helpers import dated_feed, library

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
JOB = re.compile(r"/sources\?job=([0-9a-f]{16})$")
DEADLINE = 40


def start(client, token: str, source_id: int) -> str:
    answer = client.post(f"/sources/{source_id}/fetch", data={"csrf_token": token})
    assert answer.status_code == 303
    return JOB.search(answer.headers["location"]).group(1)


def finished(client, job_id: str) -> dict:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        status = client.get(f"/jobs/{job_id}").json()
        if status["finished"]:
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never finished")


def test_fetch_now_runs_in_the_background_and_never_doubles_a_poll_in_flight(server, home):
    library(home)
    now = datetime.now(UTC).replace(microsecond=0)
    with Store.open(home / "blogreader.db") as store:
        source = store.add_source(server.serve("/feed.xml", dated_feed("blog", now, timedelta(days=1))), "feed")[0]
        assert store.claim_source(source.id, "scheduler", now, 600)  # a worker is polling it right now
        app = create_app(load_settings(home), port=8080)
        with TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False) as client:
            token = CSRF.search(client.get("/sources").text).group(1)
            busy = finished(client, start(client, token, source.id))
            assert busy["state"] == "busy" and "being fetched by another process" in busy["message"]
            assert server.hits("/feed.xml") == []
            store.release_all("scheduler")
            job_id = start(client, token, source.id)
            done = finished(client, job_id)
            assert (done["state"], done["new"], done["entries"], done["source"]) == ("done", 6, 6, source.id)
            assert done["message"] == "Fetched blog: 6 new entries (6 in all)."
            page = client.get(f"/sources?job={job_id}").text
            assert "Fetched blog: 6 new entries (6 in all)." in page and "jobs.js" not in page
            assert client.post("/sources/999/fetch", data={"csrf_token": token}).status_code == 404
            assert client.get("/jobs/0123456789abcdef").status_code == 404
            assert client.get("/jobs/" + "x" * 300).status_code == 404
            assert "That fetch is over" in client.get("/sources?job=0123456789abcdef").text
        assert len(server.hits("/feed.xml")) == 1
        assert store.source_entry_count(source.id) == 6
        state = store.poll_states()[source.id]
        assert state.lease_owner is None and state.poll_reason == "posts about every 1 day"


def test_a_running_job_shows_its_progress_and_a_second_click_joins_it(server, home):
    library(home)
    release = threading.Event()
    body = dated_feed("slow", datetime.now(UTC), timedelta(days=1)).encode()

    def slow(request) -> None:
        release.wait(DEADLINE)
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    with Store.open(home / "blogreader.db") as store:
        source = store.add_source(server.serve_handler("/slow.xml", slow), "feed")[0]
        app = create_app(load_settings(home), port=8080)
        with TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False) as client:
            token = CSRF.search(client.get("/sources").text).group(1)
            job_id = start(client, token, source.id)
            end = time.monotonic() + DEADLINE
            while not server.hits("/slow.xml"):
                assert time.monotonic() < end, "the job never fetched"
                time.sleep(0.02)
            running = client.get(f"/jobs/{job_id}").json()
            assert (running["state"], running["finished"]) == ("fetching", False)
            assert running["message"].startswith("Fetching ")
            assert start(client, token, source.id) == job_id  # the same job, not a second fetch
            page = client.get(f"/sources?job={job_id}").text
            assert 'data-finished="false"' in page and "/static/jobs.js" in page
            assert '<meta http-equiv="refresh" content="2">' in page  # without scripts, the page reloads
            release.set()
            assert finished(client, job_id)["new"] == 6
    assert len(server.hits("/slow.xml")) == 1
