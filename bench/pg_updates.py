"""What a write to an entry costs PostgreSQL with the search vector as a generated column (schema 13) and as
the trigger-kept column of migration 0014, in the same run on the same server.

Two fresh schemas, one per variant; --entries posts of 15-40 sentences (3 KB or so, the fetch benchmark's
vocabulary) inserted in one transaction; then the enrichment's write (summary and category of every entry, one
UPDATE per entry, as store.enrichment does), marking every entry read (one UPDATE), and a title edit per entry.
Wall time of each step from the client and the server's CPU time (when the server runs on this machine).

    .venv/bin/python bench/pg_updates.py --database postgresql://postgres@127.0.0.1:55437/postgres --entries 3000

One JSON object to stdout.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from importlib import resources

import fetch  # bench/fetch.py: its ML-blog sentences
from pgserver import drop_schema, fresh_schema, server_cpu_probe, server_settings


def scripts(upto: int) -> list[str]:
    folder = resources.files("blogreader.store").joinpath("migrations", "postgresql")
    found = sorted((item.name, item.read_text(encoding="utf-8"))
                   for item in folder.iterdir() if item.name.endswith(".sql"))
    return [sql for name, sql in found if int(name.split("_", 1)[0]) <= upto]


def run_variant(url: str, upto: int, count: int, cpu) -> dict:
    import psycopg

    rng = random.Random(17)
    texts = [" ".join(fetch.sentence(rng) for _ in range(rng.randint(15, 40))) for _ in range(count)]
    steps = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for sql in scripts(upto):
            conn.execute(sql)

        def step(name: str, work) -> None:
            before, started = cpu() if cpu else None, time.perf_counter()
            with conn.transaction():
                work()
            wall = time.perf_counter() - started
            used = (cpu() - before) if cpu and before is not None else None
            steps[name] = {"wall_ms": round(wall * 1000, 1), "us_per_entry": round(wall * 1e6 / count),
                           "server_cpu_us_per_entry": round(used * 1e6 / count) if used is not None else None}

        with conn.cursor() as cur:
            step("insert", lambda: cur.executemany(
                "INSERT INTO entries (title, added, text, content_html) VALUES (%s, '2026-04-01', %s, %s)",
                [(f"Post {n}", text, f"<p>{text}</p>") for n, text in enumerate(texts)]))
            ids = [row[0] for row in conn.execute("SELECT id FROM entries ORDER BY id")]
            step("enrichment_summary", lambda: cur.executemany(
                "UPDATE entries SET summary = %s, category = 'Interpretability', enriched_at = '2026-04-01' "
                "WHERE id = %s", [(texts[n][:300], entry_id) for n, entry_id in enumerate(ids)]))
            step("mark_all_read", lambda: conn.execute("UPDATE entries SET read = 1"))
            step("edit_title", lambda: cur.executemany("UPDATE entries SET title = %s WHERE id = %s",
                                                       [(f"Edited {n}", entry_id) for n, entry_id in enumerate(ids)]))
        found = conn.execute("SELECT count(*) FROM entries WHERE search_vector @@ plainto_tsquery('english', "
                             "'edited')").fetchone()[0]
    return {"steps": steps, "found_by_edited_title": found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL address (a fresh schema per variant)")
    parser.add_argument("--entries", type=int, default=3000)
    args = parser.parse_args()
    result = {"benchmark": "pg_updates", "entries": args.entries, "postgresql_server": server_settings(args.database)}
    cpu = server_cpu_probe(args.database)
    for name, upto in (("generated_column", 13), ("trigger_0014", 14)):
        schema, url = fresh_schema(args.database)
        try:
            print(f"[bench/pg_updates] {name}", file=sys.stderr, flush=True)
            result[name] = run_variant(url, upto, args.entries, cpu)
        finally:
            drop_schema(args.database, schema)
    base, new = result["generated_column"]["steps"], result["trigger_0014"]["steps"]
    result["trigger_vs_generated_wall"] = {step: round(new[step]["wall_ms"] / base[step]["wall_ms"], 2)
                                           for step in base}
    if cpu:
        result["trigger_vs_generated_server_cpu"] = {
            step: round(new[step]["server_cpu_us_per_entry"] / max(1, base[step]["server_cpu_us_per_entry"]), 2)
            for step in base}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
