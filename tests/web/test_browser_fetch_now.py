""""Fetch now" in a real headless Chromium: the page returns at once, shows the background job's progress
while the feed is slow, and shows the result when it ends, with scripts on (polling GET /jobs/ID) and off
(the page refreshes itself)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.web.conftest import local_context

WAIT = 40  # seconds the held feed waits at most


def held_feed(server, count: int = 3):
    """A feed that answers only once the returned event is set; returns (url, event)."""
    release = threading.Event()
    now = datetime.now(UTC)
    items = "".join(f"<item><title>Slow post {n}</title><link>https://slow.example/{n}</link><guid>slow-{n}</guid>"
                    f"<pubDate>{(now - timedelta(days=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
                    f"<description>Slow post {n} says something worth a summary, in a few plain words.</description>"
                    "</item>" for n in range(count))
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow lab</title>'
            f"<link>https://slow.example/</link><description>d</description>{items}</channel></rss>").encode()

    def handle(request) -> None:
        release.wait(WAIT)
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return server.serve_handler("/slow.xml", handle), release


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_fetch_now_shows_the_background_job_then_its_result(live, browser, server, scripts):
    url, release = held_feed(server)
    source = live.library.store.add_source(url, "feed", title="Slow lab")[0]
    context = local_context(browser, java_script_enabled=scripts)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(live.url + "/sources")
        page.locator(f"#source-{source.id}").locator("button", has_text="Fetch now").click()
        page.wait_for_url("**/sources?job=*")  # back at once, though the feed has not answered
        line = page.locator("#fetch-job")
        expect(line).to_have_text("Fetching Slow lab…")
        job = line.get_attribute("data-job")
        status = json.loads(context.request.get(f"{live.url}/jobs/{job}").text())
        assert (status["state"], status["finished"], status["source"]) == ("fetching", False, source.id)
        release.set()
        expect(line).to_have_text("Fetched Slow lab: 3 new entries (3 in all).", timeout=30_000)
        expect(page.locator(f"#source-{source.id} td.number")).to_have_text("3")
        assert line.get_attribute("data-finished") == "true"
        assert len(server.hits("/slow.xml")) == 1
    finally:
        release.set()
        context.close()
    assert errors == []
