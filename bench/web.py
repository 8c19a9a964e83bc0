"""Web app benchmark: server time of the inbox and entry pages with 10,000 entries, against a bare baseline.

What it measures, on a temporary library filled straight through the store (`Store.save_entries` and
`Store.save_enrichment`: 10,000 entries over 40 sources, with summaries and categories, a third read,
some picked, one in 50 marked a promotion):

- for each page (the inbox, the inbox filtered by category, page 20 of the inbox, an entry page, a
  roundup's page, the collection, a search, the compact inbox, the inbox oldest first, the hidden view,
  the rendered readme and feed previews), the server time of a GET sent through FastAPI's
  TestClient: from the app's call to its last byte (security middleware, route, queries, template),
  median and p95 over --requests requests after a warm-up; the client's round trip; and the SQL
  statements the page ran;
- api_stream_contents: the reader API's first page of 50 unread items with their contents (JSON), logged in;
  api_stream_contents_vs_inbox: its median divided by the inbox's;
- fever_items: the Fever API's newest 50 items with their contents (`?api&items&max_id=0`), and
  fever_unread_item_ids: the ids of every unread item (what a Fever app asks on each sync);
  fever_items_vs_inbox: the first's median divided by the inbox's;
- baseline_inbox: the same 50 inbox rows rendered the plain way: one SQL query and a bare Jinja2
  template with autoescaping (no app, no middleware);
- inbox_vs_baseline: the inbox's median divided by the baseline's; budget_ms / within_budget: the
  issue's budget for the inbox (under 200 ms server time with 10,000 entries).

Run it from the project folder:

    .venv/bin/python bench/web.py                    # 10,000 entries
    .venv/bin/python bench/web.py --entries 1000 --requests 20   # a smoke run

One JSON object goes to stdout; progress goes to stderr. Exit status 1 when a page does not answer 200.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = ("sparse attention scaling laws reward models probes inference kernels data curation agents "
         "evaluation benchmarks distillation quantization tokenizers diffusion reasoning chains of thought "
         "steering vectors interpretability alignment preference optimization long context retrieval").split()
CATEGORIES = ("Scaling", "Reasoning", "RL", "Safety", "Interpretability", "Data", "Multimodal", "Eval",
              "Architecture", "Training", "Inference", "Systems", "Agents", "News")
BUDGET_MS = 200.0

BASELINE_TEMPLATE = """<!DOCTYPE html><html><head><title>Inbox</title></head><body><ol>
{% for row in rows %}<li><h2><a href="/entries/{{ row.id }}">{{ row.title }}</a></h2>
<p>{{ row.source }} · {{ row.category }} · {{ row.reading_minutes }} min · {{ (row.published or '')[:10] }}</p>
<p>{{ row.summary }}</p></li>
{% endfor %}</ol></body></html>"""
BASELINE_SQL = """SELECT e.id, e.title, coalesce(s.title, s.url) AS source, e.category, e.reading_minutes,
                         e.published, e.summary
                  FROM entries e LEFT JOIN sources s ON s.id = e.source_id
                  WHERE e.read = 0 AND e.promo = 0 AND e.duplicate_of IS NULL
                  ORDER BY e.sort_date DESC, e.id DESC LIMIT 50"""


def log(message: str) -> None:
    print(f"[bench/web] {message}", file=sys.stderr, flush=True)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def fill_library(home: Path, count: int) -> dict:
    """`count` entries over 40 sources, enriched, a third read, one in 20 picked; returns ids to visit."""
    from blogreader.config import load_settings
    from blogreader.models import NewEntry
    from blogreader.store import EnrichmentUpdate, Store

    rng = random.Random(6)
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("starter_subscriptions = false\n", encoding="utf-8")
    settings = load_settings(home)
    start = datetime(2026, 4, 1, tzinfo=UTC)
    with Store.open(settings.database_path) as store:
        sources = [store.add_source(f"https://blog{index}.example.org/feed", "feed", title=f"Blog {index}")[0].id
                   for index in range(40)]
        ids: list[int] = []
        for first in range(0, count, 1000):
            for offset, source_id in enumerate(sources):  # entry i comes from source i % 40
                entries = []
                for index in range(first + offset, min(count, first + 1000), len(sources)):
                    url = f"https://blog{source_id}.example.org/posts/{index}"
                    text = f"Post {index} at {url}. " + " ".join(sentence(rng, 12) + "." for _ in range(60))
                    html = "".join(f"<p>{sentence(rng, 40)}.</p>" for _ in range(12))
                    entries.append(NewEntry(
                        title=sentence(rng, 8), url=url, canonical_url=url, guid=url, author="A. Writer",
                        published=start - timedelta(minutes=7 * index), content_html=html, text=text,
                        word_count=len(text.split()), reading_minutes=max(1, len(text.split()) // 220),
                        feed_summary=None, content_hash=hashlib.blake2b(html.encode(), digest_size=16).hexdigest()))
                ids += store.save_entries(source_id, entries).ids
        store.save_enrichment([EnrichmentUpdate(entry_id, summary=sentence(rng, 30) + ".", summary_origin="extractive",
                                                category=rng.choice(CATEGORIES), category_origin="local")
                               for entry_id in ids])
        store.set_read(ids[::3], True)
        store.set_picked(ids[::20], True)
        store.set_promo(ids[1::50], True)  # the hidden view has a page to show
        middle = sorted(ids)[len(ids) // 2]
        parent = sorted(ids)[len(ids) // 3]
        links = []
        for rank in range(1, 11):
            url = f"https://arxiv.org/abs/2601.{rank:05d}"
            html = f"<p>{sentence(rng, 30)}.</p>"
            links.append((rank, NewEntry(
                title=sentence(rng, 6), url=url, canonical_url=url, guid=None, author=None, published=None,
                content_html=html, text=sentence(rng, 30), word_count=30, reading_minutes=1, feed_summary=None,
                content_hash=hashlib.blake2b(html.encode(), digest_size=16).hexdigest())))
        store.save_items(parent, links)
    return {"entry": middle, "roundup": parent}


class Timed:
    """ASGI wrapper: how long the app took over each request, from the call to the last byte sent (server time)."""

    def __init__(self, app) -> None:
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope, receive, send) -> None:
        started = time.perf_counter()
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.times.append((time.perf_counter() - started) * 1000)


def measure(client, timed: Timed, path: str, requests: int, counter: list[str]) -> dict:
    """Server time (median, p95) of `requests` GETs of `path` after a warm-up; the round trip through the
    TestClient; and the SQL statements one GET runs."""
    for _ in range(3):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.text[:300]}")
    counter.clear()
    client.get(path)
    statements = len(counter)
    timed.times.clear()
    round_trips = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        round_trips.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(timed.times), 2), "p95_ms": round(percentile(timed.times, 95), 2),
            "round_trip_median_ms": round(statistics.median(round_trips), 2), "sql_statements": statements,
            "bytes": len(response.content)}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def baseline(database: Path, requests: int) -> dict:
    """The same 50 rows, one query, a bare autoescaping Jinja2 template: the floor the inbox is compared to."""
    import jinja2

    template = jinja2.Environment(autoescape=True).from_string(BASELINE_TEMPLATE)
    conn = sqlite3.connect(database)
    conn.row_factory = sqlite3.Row
    times = []
    for run in range(requests + 3):
        started = time.perf_counter()
        html = template.render(rows=conn.execute(BASELINE_SQL).fetchall())
        if run >= 3:
            times.append((time.perf_counter() - started) * 1000)
    conn.close()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 95), 2),
            "bytes": len(html)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    from web_postgres import add_arguments, main as postgres_main  # bench/web_postgres.py: --database

    add_arguments(parser)
    args = parser.parse_args()
    if args.database:
        return postgres_main(args)
    from fastapi.testclient import TestClient

    from blogreader.config import load_settings
    from blogreader.store import Store
    from blogreader.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        home = Path(tmp) / "library"
        log(f"storing {args.entries} entries")
        started = time.perf_counter()
        ids = fill_library(home, args.entries)
        result = {"entries": args.entries, "fill_seconds": round(time.perf_counter() - started, 2),
                  "requests_per_page": args.requests}
        settings = load_settings(home)
        statements: list[str] = []

        def traced(path: Path) -> Store:
            store = Store.open(path)
            store.conn.set_trace_callback(
                lambda sql: None if sql.startswith("--") or "'main'." in sql else statements.append(sql))
            return store

        from blogreader.web.api.fever import fever_key
        from blogreader.web.api.passwords import hash_password

        key = fever_key("bench", "bench password")
        with Store.open(settings.database_path) as store:
            store.set_api_login("bench", hash_password("bench password"), fever_key_hash=hash_password(key))
        app = create_app(settings, port=8080)
        app.state.stores.opener = traced
        pages = {"inbox": "/", "inbox_category": "/?category=Interpretability", "inbox_page_20": "/?page=20",
                 "entry": f"/entries/{ids['entry']}", "roundup": f"/entries/{ids['roundup']}",
                 "collection": "/collection", "search": "/search?q=sparse+attention",
                 "inbox_compact": "/?view=compact", "inbox_oldest": "/?order=oldest", "hidden": "/hidden",
                 "preview_readme": "/preview/readme", "preview_feed": "/preview/feed",
                 # The reader API's page of 50 unread items with their contents, as an app syncs the inbox.
                 "api_stream_contents": "/reader/api/0/stream/contents/user/-/state/com.google/reading-list"
                                        "?n=50&xt=user/-/state/com.google/read",
                 # The Fever API: a page of the newest items, and every unread id.
                 "fever_items": f"/fever/?api&items&max_id=0&api_key={key}",
                 "fever_unread_item_ids": f"/fever/?api&unread_item_ids&api_key={key}"}
        timed = Timed(app)
        with TestClient(timed, base_url="http://127.0.0.1:8080") as client:
            login = client.post("/accounts/ClientLogin", data={"Email": "bench", "Passwd": "bench password"})
            client.headers["Authorization"] = "GoogleLogin auth=" + login.text.split("Auth=", 1)[1].strip()
            for name, path in pages.items():
                log(f"GET {path}")
                result[name] = measure(client, timed, path, args.requests, statements)
        log("baseline")
        result["baseline_inbox"] = baseline(settings.database_path, args.requests)
        result["inbox_vs_baseline"] = round(result["inbox"]["median_ms"] / result["baseline_inbox"]["median_ms"], 2)
        result["api_stream_contents_vs_inbox"] = round(result["api_stream_contents"]["median_ms"]
                                                       / result["inbox"]["median_ms"], 2)
        result["fever_items_vs_inbox"] = round(result["fever_items"]["median_ms"] / result["inbox"]["median_ms"], 2)
        result["budget_ms"] = BUDGET_MS
        result["within_budget"] = result["inbox"]["p95_ms"] < BUDGET_MS and result["entry"]["p95_ms"] < BUDGET_MS
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
