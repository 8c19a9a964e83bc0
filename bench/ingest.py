"""Ingest stages benchmark: CPU microseconds per entry of every stage of a first fetch, one stage at a time.

The feeds are bench/fetch.py's generated RSS 2.0 (the same seed), read from memory: no network, one
process, so each figure is the CPU one stage costs per entry:

- parse: `parse_feed` (feedparser-rs) of each feed body;
- normalize: `normalize_entry`, with its parts (sanitize, html_to_text, strip_promo_blocks, word_count,
  repair_text) timed within it;
- roundup: the roundup split a new entry gets (the call site's pre-screen, then `split_roundup`);
- pack_post: each post's HTML packed with zstd, and its text against its HTML, for a SQLite library (in
  the parse workers, as the marks); pack_html in versions that packed the HTML alone;
- store: `save_entries` for every feed into a fresh library, as a fetch stores them (a feed a savepoint, in
  batches of `pipeline.BATCH_FEEDS` feeds per transaction: store.database.Batch), with identity look-ups,
  the insert and the near-duplicate step timed within it, and the commits apart (where a batch writes its
  posts' search-index rows as it commits, store/search_queue.py, they are the commit's);
- pickle: what a parse worker sends back to the main process, pickled and unpickled.

Baseline: `feedparser.parse(bytes)` of the same feeds, the plain loop's parse alone.
Also the library's size per 1,000 entries and its ratio to the feed bytes.

    .venv/bin/python bench/ingest.py               # 200 feeds x 20 items
    .venv/bin/python bench/ingest.py --feeds 50    # a smoke run
    .venv/bin/python bench/ingest.py --description-only   # the whole post in <description>

One JSON object goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

from fetch import make_feed  # a sibling module of this script: the same feeds as the fetch benchmark


class Stopwatch:
    """Wraps a function and adds up the time spent in it."""

    def __init__(self, function) -> None:
        self.function, self.seconds, self.calls = function, 0.0, 0

    def __call__(self, *args, **kwargs):
        started = time.process_time()  # CPU, so other work on the machine does not count
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.process_time() - started
            self.calls += 1

    def __get__(self, instance, owner=None):  # a method: bound to its instance, still timed here
        return self if instance is None else lambda *args, **kwargs: self(instance, *args, **kwargs)


def watch(module, name: str) -> Stopwatch:
    stopwatch = Stopwatch(getattr(module, name))
    setattr(module, name, stopwatch)
    return stopwatch


def per_entry(seconds: float, entries: int) -> float:
    return round(seconds / max(1, entries) * 1e6, 1)


def _packer():
    """(stage name, what packs one entry) of the version measured, or None before posts were packed."""
    try:
        from blogreader.store.packed_posts import pack_post
    except ImportError:
        pass
    else:
        return "pack_post", lambda entry: pack_post(entry.content_html, entry.text)
    try:
        from blogreader.store.packed_html import pack_html
    except ImportError:
        return None
    return "pack_html", lambda entry: pack_html(entry.content_html)


def measure(feeds: int, items: int, description_only: bool = False) -> dict:
    import feedparser

    import blogreader.normalize.entry as normalize
    import blogreader.pipeline as pipeline
    try:  # the parse workers' reading of a feed, in a module of its own since the fetch enriches as it parses
        import blogreader.reading as reading
    except ImportError:
        reading = pipeline
    import blogreader.store.entries as entries_module
    from blogreader.models import FetchResult, Source
    from blogreader.parse.feeds import parse_feed
    from blogreader.store import Store

    bodies = [make_feed(n, items, description_only=description_only)[0] for n in range(feeds)]
    feed_bytes = sum(map(len, bodies))
    urls = [f"http://127.0.0.1:8000/feeds/{n}.xml" for n in range(feeds)]
    result: dict = {"feeds": feeds, "items_per_feed": items, "description_only": description_only,
                    "feed_mb": round(feed_bytes / 1e6, 2)}
    stages: dict = {}

    started = time.process_time()
    for body in bodies:
        feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    count = feeds * items
    stages["baseline_feedparser_parse"] = per_entry(time.process_time() - started, count)

    started = time.process_time()
    parsed = [parse_feed(body, url, keep_private_links=True) for body, url in zip(bodies, urls)]
    stages["parse"] = per_entry(time.process_time() - started, count)

    # Once per process, not per entry: numpy's import and the word tables.
    started = time.perf_counter()
    normalize.word_count("warm up " * 100)
    result["normalize_warm_up_ms"] = round((time.perf_counter() - started) * 1e3, 1)
    parts = {name: watch(normalize, name) for name in
             ("sanitize_html", "html_to_text", "strip_promo_blocks", "word_count", "repair_text")}
    started = time.process_time()
    normalized = [[normalize.normalize_entry(item, url) for item in feed.entries] for feed, url in zip(parsed, urls)]
    stages["normalize"] = per_entry(time.process_time() - started, count)
    stages["normalize_parts"] = {name: per_entry(part.seconds, count) for name, part in parts.items()}
    for name, part in parts.items():
        setattr(normalize, name, part.function)

    from blogreader.roundups import split_roundup

    started = time.process_time()
    for feed in normalized:
        for entry in feed:
            split_roundup(entry.content_html, entry.url, None)
    stages["roundup_unscreened"] = per_entry(time.process_time() - started, count)
    if hasattr(reading, "roundup_items"):  # the call site's pre-screen, then the split
        splitter = watch(reading, "split_roundup")
        started = time.process_time()
        for feed in normalized:
            for entry in feed:
                reading.roundup_items(entry.content_html, entry.url, None)
        stages["roundup"] = per_entry(time.process_time() - started, count)
        stages["roundup_split_share"] = round(splitter.calls / max(1, count), 3)
        reading.split_roundup = splitter.function

    if hasattr(reading, "_discusses"):  # the papers each post discusses, read in the workers beside the split
        started = time.process_time()
        for feed in normalized:
            for entry in feed:
                reading._discusses(entry)
        stages["discusses"] = per_entry(time.process_time() - started, count)

    marks = None
    try:
        from blogreader.store.duplicates import near_duplicate_marks
    except ImportError:  # before marks were computed ahead of the insert
        near_duplicate_marks = None
    if near_duplicate_marks is not None:
        started = time.process_time()
        marks = [[near_duplicate_marks(entry.text) for entry in feed] for feed in normalized]
        stages["near_duplicate_marks"] = per_entry(time.process_time() - started, count)

    packed = None
    pack = _packer()
    if pack is not None:  # each post packed for a SQLite library, in the parse workers
        name, pack = pack
        started = time.process_time()
        packed = [[pack(entry) for entry in feed] for feed in normalized]
        stages[name] = per_entry(time.process_time() - started, count)

    sources = [Source(id=n + 1, url=url, kind="feed", title=None) for n, url in enumerate(urls)]
    results = [FetchResult(url=url, final_url=url, status=200, body=body) for url, body in zip(urls, bodies)]
    pickled = 0.0
    for source, fetched in zip(sources, results):
        answer = (reading.read_source(source, fetched, True) if marks is None
                  else reading.read_source(source, fetched, True, with_marks=True) if packed is None
                  else reading.read_source(source, fetched, True, with_marks=True, pack=True))
        started = time.process_time()
        pickle.loads(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        pickled += time.process_time() - started
    stages["pickle"] = per_entry(pickled, count)

    with tempfile.TemporaryDirectory(prefix="blogreader-ingest-") as tmp:
        path = Path(tmp) / "blogreader.db"
        store = Store.open(path)
        for url in urls:
            store.add_source(url, "feed")
        # Identity look-ups: one by one before, for a whole feed at once (_Identities) after.
        lookup_owner = getattr(entries_module, "_Identities", None)
        lookup_name = "__init__" if lookup_owner is not None else "_find_existing"
        lookup_owner = lookup_owner or entries_module.EntryQueries
        lookups = watch(lookup_owner, lookup_name)
        inserts = watch(entries_module.EntryQueries, "_insert")
        near = watch(entries_module, "link_near_duplicate")
        from blogreader.store.database import Batch

        batch = Batch(store.conn, getattr(pipeline, "BATCH_FEEDS", 1))
        commits = batch.commit = Stopwatch(batch.commit)  # also called by the batch itself, every BATCH_FEEDS
        import blogreader.dedupe.near_duplicates  # noqa: F401 - its import is not a cost per entry
        import datasketch  # noqa: F401

        started = time.process_time()
        wall = time.perf_counter()
        for n in range(feeds):
            with batch.unit():
                if marks is None:
                    store.save_entries(n + 1, normalized[n])
                elif packed is None:
                    store.save_entries(n + 1, normalized[n], marks[n])
                else:
                    store.save_entries(n + 1, normalized[n], marks[n], packed[n])
        commits()
        store_cpu = time.process_time() - started
        store_wall = time.perf_counter() - wall
        stored = store.conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = _table_sizes(store.conn)
        store.close()
        for owner, name, stopwatch in ((lookup_owner, lookup_name, lookups),
                                       (entries_module.EntryQueries, "_insert", inserts),
                                       (entries_module, "link_near_duplicate", near)):
            setattr(owner, name, stopwatch.function)
        size = sum(os.path.getsize(p) for p in Path(tmp).iterdir() if p.name.startswith("blogreader.db"))
    stages["store"] = per_entry(store_cpu, stored)
    stages["store_wall"] = per_entry(store_wall, stored)
    stages["store_parts"] = {
        "identity_lookups": per_entry(lookups.seconds, stored),
        "insert_with_fts": per_entry(inserts.seconds, stored),
        "near_duplicates": per_entry(near.seconds, stored),
        "commit": per_entry(commits.seconds, stored),
        "commits": commits.calls,
    }
    result["stages_us_per_entry"] = stages
    result["entries_stored"] = stored
    result["library_kb_per_1000_entries"] = round(size / max(1, stored) * 1000 / 1024, 1)
    result["library_to_feed_bytes"] = round(size / feed_bytes, 2)
    result["library_kb_per_1000_entries_by_table"] = {
        name: round(size / max(1, stored) * 1000 / 1024, 1) for name, size in tables.items()}
    return result


def _table_sizes(conn) -> dict[str, int]:
    """Bytes per table and index (with its FTS shadow tables), largest first; {} without the dbstat table."""
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    except Exception:  # noqa: BLE001 - SQLite built without dbstat
        return {}
    return {name: size for name, size in rows if size >= 4096 * 4}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--description-only", action="store_true", help="each post in <description> alone")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.feeds, args.items, args.description_only), indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
