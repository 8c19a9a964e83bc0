"""Web app at scale on PostgreSQL (`bench/web.py --database URL`): inbox and search latency at 1,000,000 entries,
beside the same pages on a SQLite library of the same rows in the same run.

The rows are generated once, deterministically (seeded), and streamed into both libraries in bulk: COPY into
a fresh PostgreSQL schema (its secondary indexes dropped during the load and rebuilt from their own
definitions after, as a bulk load does; search_vector is the schema's generated column), executemany in one
transaction into SQLite (its FTS5 triggers index every row). Each entry has 15-40 sentences of text drawn
from a pool of ML-blog sentences with a long tail of rare words (so a search term can be common or rare),
a title, a summary, a category (14), one of --sources sources, an entry_sources row; a third are read,
one in 20 picked, one in 50 a promotion; one in 500 is a roundup with 10 link items and their mentions.
ANALYZE runs after the fill on both.

Then, through the real web app (FastAPI's TestClient, bench/web.py's `Timed` and `measure`), the server
time of each page: median (p50) and p95 over --requests requests after a warm-up. With pg_stat_statements
in the database, the slowest statements of each PostgreSQL page are listed (mean ms per call).

    .venv/bin/python bench/web.py --database postgresql://postgres@127.0.0.1/postgres --entries 1000000
    .venv/bin/python bench/web.py --database ... --entries 1000000 --sqlite-entries 100000  # smaller SQLite

One JSON object to stdout, progress to stderr; exit 1 when a page does not answer 200.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fetch  # bench/fetch.py: its ML-blog vocabulary and sentences
import web  # bench/web.py: the page timer and categories
from pgserver import drop_schema, fresh_schema, server_settings

SEED = 17
POOL = 5000  # distinct sentences the texts are drawn from
RARE = 20_000  # tail words; word k of the tail is drawn with weight ~ 1/k
ROUNDUP_EVERY, ITEMS_PER_ROUNDUP = 500, 10
COLUMNS = ("id", "kind", "source_id", "guid", "url", "canonical_url", "title", "author", "published", "added",
           "content_html", "text", "word_count", "reading_minutes", "summary", "summary_origin", "category",
           "category_origin", "read", "picked", "picked_at", "promo", "parent_id", "rank", "enriched_at",
           "content_hash")
SEARCHES = {"search_common": "attention",  # in most entries
            "search_two_words": "sparse attention",  # bench/web.py's query
            "search_rare": None}  # a tail word found in a few hundred entries, picked from the pool


def log(message: str) -> None:
    print(f"[bench/web_postgres] {message}", file=sys.stderr, flush=True)


# -- the rows --------------------------------------------------------------------------------------


def sentence_pool(rng: random.Random) -> tuple[list[str], str]:
    """POOL sentences of the fetch benchmark's vocabulary and bench/web.py's, each with a tail word now and then;
    and one tail word of middling rarity, for the rare search."""
    tail = [f"zq{k:x}" for k in range(1, RARE + 1)]
    weights = list(itertools.accumulate(1 / k for k in range(1, RARE + 1)))
    pool = []
    for _ in range(POOL):
        words = fetch.sentence(rng).rstrip(".").split() + rng.sample(web.WORDS, 2)
        rng.shuffle(words)
        if rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), rng.choices(tail, cum_weights=weights)[0])
        pool.append(" ".join(words).capitalize() + ".")
    return pool, tail[300]


def generate(count: int, sources: int, pool: list[str]):
    """Yield (table, row) in id order: entries (roundups followed by their link items), entry_sources, mentions."""
    rng = random.Random(SEED)
    start = datetime(2026, 4, 1, tzinfo=UTC)
    entry_id = 0
    while entry_id < count:
        entry_id += 1
        source = rng.randrange(1, sources + 1)
        when = start - timedelta(minutes=entry_id % 700_000, seconds=rng.randrange(60))
        published = when.isoformat().replace("+00:00", "Z")
        text = " ".join(rng.choices(pool, k=rng.randint(15, 40)))
        html = "<p>" + text.replace(". ", ".</p><p>", 3) + "</p>"
        url = f"https://blog{source}.example.org/posts/{entry_id}"
        picked = entry_id % 20 == 0
        yield "entries", (entry_id, "post", source, url, url, url, rng.choice(pool).rstrip(".")[:120],
                          f"Author {source % 7}", published, published, html, text, len(text.split()),
                          max(1, len(text.split()) // 220), " ".join(rng.choices(pool, k=2)), "extractive",
                          rng.choice(web.CATEGORIES), "local", int(entry_id % 3 == 0), int(picked),
                          published if picked else None, int(entry_id % 50 == 1), None, None, published,
                          hashlib.blake2b(text.encode(), digest_size=16).hexdigest())
        yield "entry_sources", (entry_id, source, url)
        if entry_id % ROUNDUP_EVERY == 0:
            roundup = entry_id
            for rank in range(1, ITEMS_PER_ROUNDUP + 1):
                if entry_id >= count:
                    break
                entry_id += 1
                link = f"https://arxiv.org/abs/2601.{entry_id:07d}"
                title = rng.choice(pool).rstrip(".")[:100]
                blurb = rng.choice(pool)
                yield "entries", (entry_id, "link", None, None, link, link, title, None, None, published,
                                  f"<p>{blurb}</p>", blurb, len(blurb.split()), 1, blurb, "extractive",
                                  rng.choice(web.CATEGORIES), "local", 0, 0, None, 0, roundup, rank, published,
                                  hashlib.blake2b(link.encode(), digest_size=16).hexdigest())
                yield "mentions", (entry_id, entry_id, roundup, source, rank, rank, title, blurb, published)


MENTION_COLUMNS = ("id", "entry_id", "roundup_id", "source_id", "rank", "position", "title", "blurb", "added")
SOURCE_COLUMNS = ("id", "url", "kind", "title", "created")
TABLES = {"entries": COLUMNS, "entry_sources": ("entry_id", "source_id", "guid"), "mentions": MENTION_COLUMNS}


def source_rows(sources: int):
    return [(n, f"https://blog{n}.example.org/feed", "feed", f"Blog {n}", "2026-01-01T00:00:00Z")
            for n in range(1, sources + 1)]


# -- filling each engine --------------------------------------------------------------------------------


def fill_postgres(url: str, count: int, sources: int, pool: list[str]) -> dict:
    """COPY the rows into the (migrated, empty) library at `url`; secondary indexes of entries rebuilt after."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        indexes = conn.execute(
            """SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
               AND tablename IN ('entries', 'entry_sources', 'mentions') AND indexname NOT LIKE '%_pkey'
               AND indexdef NOT LIKE 'CREATE UNIQUE%'""").fetchall()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        with conn.cursor() as cur:
            with cur.copy(f"COPY sources ({', '.join(SOURCE_COLUMNS)}) FROM STDIN") as copy:
                for row in source_rows(sources):
                    copy.write_row(row)
            others = {table: [] for table in TABLES if table != "entries"}  # small rows, copied after the entries
            with cur.copy(f"COPY entries ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for table, row in generate(count, sources, pool):
                    if table == "entries":
                        copy.write_row(row)
                    else:
                        others[table].append(row)
            log(f"postgresql: entries copied ({time.perf_counter() - started:.0f} s)")
            for table, rows in others.items():
                with cur.copy(f"COPY {table} ({', '.join(TABLES[table])}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        loaded = time.perf_counter() - started
        for name, definition in indexes:
            conn.execute(definition)
        indexed = time.perf_counter() - started - loaded
        for table in ("sources", "entries", "mentions", "entry_sources"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) "
                         f"FROM {table}" if table != "entry_sources" else
                         "SELECT setval(pg_get_serial_sequence('entry_sources', 'rowid'), "
                         "coalesce(max(rowid), 0) + 1, false) FROM entry_sources")
        conn.execute("ANALYZE")
        size = conn.execute("SELECT pg_total_relation_size('entries')").fetchone()[0]
    return {"load_seconds": round(loaded, 1), "index_seconds": round(indexed, 1),
            "fill_seconds": round(time.perf_counter() - started, 1), "entries_table_mb": round(size / 2**20)}


def fill_sqlite(path: Path, count: int, sources: int, pool: list[str]) -> dict:
    """The same rows into the (migrated, empty) SQLite library at `path`, in one transaction; FTS5 by its triggers."""
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO sources ({', '.join(SOURCE_COLUMNS)}) VALUES (?, ?, ?, ?, ?)", source_rows(sources))
    statements = {table: f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                  for table, columns in TABLES.items()}
    for table, row in generate(count, sources, pool):
        conn.execute(statements[table], row)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return {"fill_seconds": round(time.perf_counter() - started, 1),
            "library_mb": round(path.stat().st_size / 2**20)}


# -- measuring -----------------------------------------------------------------------------------------


def pages(rare: str) -> dict[str, str]:
    found = {"inbox": "/", "inbox_page_20": "/?page=20", "inbox_category": "/?category=Interpretability"}
    for name, words in SEARCHES.items():
        found[name] = "/search?q=" + (words or rare).replace(" ", "+")
    return found


def measure_app(home: Path, paths: dict[str, str], requests: int, database_url: str | None) -> dict:
    from fastapi.testclient import TestClient

    from blogreader.config import load_settings
    from blogreader.web.app import create_app

    settings = load_settings(home)
    app = create_app(settings, port=8080)
    timed = web.Timed(app)
    result = {}
    with TestClient(timed, base_url="http://127.0.0.1:8080") as client:
        for name, path in paths.items():
            log(f"{'postgresql' if database_url else 'sqlite'}: GET {path}")
            stats_reset(database_url)
            try:
                page = web.measure(client, timed, path, requests, [])
            except SystemExit as failed:  # the page did not answer 200: say so, measure the others
                result[name] = {"error": str(failed)[:300]}
                continue
            page.pop("sql_statements")  # counted through SQLite's trace hook only
            page["slowest_statements"] = slowest_statements(database_url)
            result[name] = page
    return result


def stats_reset(url: str | None) -> None:
    if url and has_statement_stats(url):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT public.pg_stat_statements_reset()")


def slowest_statements(url: str | None, limit: int = 3) -> list | None:
    if not url or not has_statement_stats(url):
        return None
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            """SELECT calls, round(mean_exec_time::numeric, 2), left(regexp_replace(query, '\\s+', ' ', 'g'), 300)
               FROM public.pg_stat_statements WHERE query NOT LIKE '%%pg_stat_statements%%'
               ORDER BY total_exec_time DESC LIMIT %s""", (limit,)).fetchall()
    return [{"calls": calls, "mean_ms": float(mean), "sql": sql} for calls, mean, sql in rows]


def has_statement_stats(url: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return bool(conn.execute(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements' AND "
            "extnamespace = 'public'::regnamespace").fetchone())


def make_home(home: Path, database_url: str | None) -> None:
    from blogreader.config import load_settings
    from blogreader.store import Store

    home.mkdir(parents=True)
    lines = ["starter_subscriptions = false"] + ([f"database = {json.dumps(database_url)}"] if database_url else [])
    (home / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    Store.open(load_settings(home).database).close()  # the schema, by the store's own migrations


def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    pool, rare = sentence_pool(random.Random(SEED))
    sqlite_entries = args.sqlite_entries or args.entries
    result: dict = {"benchmark": "web_postgres", "asked": {"entries": 1_000_000}, "entries": args.entries,
                    "sqlite_entries": sqlite_entries, "sources": args.sources, "requests_per_page": args.requests,
                    "cpu_count": os.cpu_count()}
    result["postgresql_server"] = server_settings(args.database)
    result["load_avg_1m_at_start"] = round(os.getloadavg()[0], 2)
    paths = pages(rare)
    schema, url = fresh_schema(args.database)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-web-pg-") as tmp:
            home = Path(tmp) / "postgresql"
            make_home(home, url)
            log(f"postgresql: filling {args.entries} entries (schema {schema})")
            result["postgresql_fill"] = fill_postgres(url, args.entries, args.sources, pool)
            result["postgresql"] = measure_app(home, paths, args.requests, url)
            result["search_matches"] = search_matches(url, paths)
            home = Path(tmp) / "sqlite"
            make_home(home, None)
            log(f"sqlite: filling {sqlite_entries} entries")
            result["sqlite_fill"] = fill_sqlite(home / "blogreader.db", sqlite_entries, args.sources, pool)
            result["sqlite"] = measure_app(home, paths, args.requests, None)
    finally:
        if args.keep_schema:
            log(f"kept schema {schema}: {url}")
        else:
            drop_schema(args.database, schema)
    ok = [name for name in paths if "error" not in result["postgresql"][name] and "error" not in result["sqlite"][name]]
    result["postgresql_vs_sqlite"] = {
        name: {"p50": round(result["postgresql"][name]["median_ms"] / result["sqlite"][name]["median_ms"], 2),
               "p95": round(result["postgresql"][name]["p95_ms"] / result["sqlite"][name]["p95_ms"], 2)}
        for name in ok}
    result["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    result["same_size"] = sqlite_entries == args.entries
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))
    return 0 if len(ok) == len(paths) else 1


def search_matches(url: str, paths: dict[str, str]) -> dict:
    """How many entries each search's words match on PostgreSQL (what the page has to rank)."""
    import psycopg

    found = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for name in SEARCHES:
            words = paths[name].split("q=", 1)[1].replace("+", " ")
            found[name] = {"q": words, "matches": conn.execute(
                "SELECT count(*) FROM entries WHERE search_vector @@ plainto_tsquery('english', %s)",
                (words,)).fetchone()[0]}
    return found


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", help="a PostgreSQL address: measure a large library there (bench/web_postgres.py)")
    parser.add_argument("--sources", type=int, default=1000, help="with --database: sources (default 1000)")
    parser.add_argument("--sqlite-entries", type=int, help="with --database: entries of the SQLite library (default "
                                                           "--entries)")
    parser.add_argument("--keep-schema", action="store_true", help="with --database: keep the schema (for EXPLAIN)")

