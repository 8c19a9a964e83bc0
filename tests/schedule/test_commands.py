"""The commands around the scheduler: `serve` polls in the background, `worker --once`, settings errors."""

from __future__ import annotations

import re
import signal
import time
from datetime import UTC, datetime, timedelta

from blogreader.store import Store
from tests.hostile.helpers import assert_clean_failure, blogreader_process
from tests.schedule.helpers import dated_feed, library, library_rows


def test_serve_polls_due_sources_while_it_serves_and_frees_them_on_exit(server, home):
    library(home)
    with Store.open(home / "blogreader.db") as store:
        source = store.add_source(server.serve("/feed.xml", dated_feed("blog", datetime.now(UTC),
                                                                       timedelta(days=2))), "feed")[0]
    app = blogreader_process(home, "serve", "--port", "0")
    try:
        assert re.search(r"http://127\.0\.0\.1:\d+/", app.stdout.readline())
        end = time.monotonic() + 90  # loading the enrichment models on a busy machine takes a while
        polled = None
        # Enrichment and publishing follow the release: wait for both before stopping the app.
        while time.monotonic() < end and not (polled and (home / "README.md").exists()):
            time.sleep(0.1)
            polled = next(iter(library_rows(home, "SELECT poll_reason FROM sources WHERE id = ? AND lease_owner IS NULL "
                                                  "AND next_poll_at IS NOT NULL", (source.id,))), None)
    finally:
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=40)
    assert polled == ("posts about every 2 days",)
    assert app.returncode == 0 and "Traceback" not in err
    assert len(server.hits("/feed.xml")) == 1
    assert (home / "README.md").exists()  # the configured output, published after the new entries


def test_worker_once_polls_what_is_due_and_sources_shows_the_plan(server, home, cli):
    library(home)
    now = datetime.now(UTC)
    assert cli("add", server.serve("/feed.xml", dated_feed("blog", now, timedelta(hours=8)))).code == 0
    ran = cli("worker", "--once")
    assert ran.code == 0, ran.err
    assert "polled 1 source(s): 6 new entries, 0 failed; published readme" in ran.out
    again = cli("worker", "--once")
    assert "polled 0 source(s)" in again.out
    listed = cli("sources")
    assert re.search(r"next poll \d{4}-\d\d-\d\d \d\d:\d\d UTC: posts about every 8 hours", listed.out), listed.out


def test_bad_schedule_settings_stop_the_worker_with_a_clear_message(home, cli):
    library(home, extra="")
    text = (home / "config.toml").read_text().replace("jitter = 0\n", "jitter = \"lots\"\n")
    (home / "config.toml").write_text(text)
    result = cli("worker", "--once")
    assert_clean_failure(result, "[schedule] jitter must be a fraction from 0 to 1", code=2)
