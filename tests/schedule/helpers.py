"""Schedule test tools: a fake clock, feeds whose posts come at a chosen rhythm, and a quiet library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

QUIET_LIBRARY = """\
starter_subscriptions = false
allow_private_networks = true

[fetch]
connect_timeout = 2
total_timeout = 5
max_retry_wait = 1

[enrich]
full_text = false

[publish]
outputs = ["readme"]

[schedule]
min_interval = 600
max_interval = 86400
default_interval = 3600
max_backoff = 86400
jitter = 0
"""


@dataclass
class FakeClock:
    """Time that moves only when a test says so."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def library(home: Path, extra: str = "") -> Path:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(QUIET_LIBRARY + extra, encoding="utf-8")
    return home


def dated_feed(name: str, newest: datetime, gap: timedelta, count: int = 6) -> str:
    """An RSS feed of `count` posts, the newest at `newest`, one every `gap` before it."""
    items = "".join(
        f"<item><title>{name} post {number}</title><link>https://{name}.example/{number}</link>"
        f"<guid>{name}-{number}</guid><pubDate>{format_datetime(newest - gap * number)}</pubDate>"
        f"<description>Post {number} of {name}, with enough words to read as a summary of itself.</description>"
        "</item>"
        for number in range(count)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
            f"<link>https://{name}.example/</link><description>d</description>{items}</channel></rss>")


def library_rows(home: Path, sql: str, params=()) -> list[tuple]:
    """Rows of a query on the library at `home`, on whichever engine the tests run (a connection of its own)."""
    from blogreader.store import Store

    with Store.open(home / "blogreader.db") as store:
        return [tuple(row) for row in store.conn.execute(sql, params).fetchall()]


def hanging_first_poll(body: bytes, release, requests: list, deadline: float):
    """A feed handler whose first request hangs until `release` is set (its worker is killed meanwhile); every
    request's time is appended to `requests`."""
    import time

    def handle(request) -> None:
        requests.append(time.monotonic())
        if len(requests) == 1:
            release.wait(deadline)
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle
