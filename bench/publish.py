"""Publish benchmark: readme, Atom feed and static site for 10,000 picked entries, against a naive readme writer.

What it measures, on a temporary library filled straight through the store (`Store.import_picks`):

- readme, feed (the default newest 100), feed_all (every pick) and site: the wall time of
  `blogreader.publish.runner.publish` (query, render, atomic write), best of --repeat runs, each
  output measured in its own fresh process, with that process's peak RSS;
- baseline_readme: the same readme written the plain way (one SQL query, string concatenation,
  `open().write`), in its own process; `same_output` says whether the two readmes are identical;
- readme_vs_baseline: BlogReader's readme time divided by the baseline's.

Run it from the project folder:

    .venv/bin/python bench/publish.py              # 10,000 picks
    .venv/bin/python bench/publish.py --entries 1000 --repeat 1   # a smoke run

One JSON object goes to stdout; progress goes to stderr. Exit status 1 when a check fails
(an output missing entries).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("sparse attention scaling laws reward models probes inference kernels data curation agents "
         "evaluation benchmarks distillation quantization tokenizers diffusion reasoning chains of thought "
         "steering vectors interpretability alignment preference optimization long context retrieval").split()
MONTHS = [f"{2024 + (4 + i) // 12}-{(4 + i) % 12 + 1:02d}" for i in range(24)]  # 2024-05 .. 2026-04


def log(message: str) -> None:
    print(f"[bench/publish] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def fill_library(home: Path, count: int) -> float:
    """Generate `count` picks over 24 months and 40 categories; returns the seconds the import took."""
    from blogreader.config import load_settings
    from blogreader.normalize.urls import canonical_url
    from blogreader.store import Store
    from blogreader.store.collection import ImportedPick

    rng = random.Random(5)
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('starter_subscriptions = false\n[publish]\ntitle = "Bench"\n'
                                      'description = "Ten thousand picks."\n', encoding="utf-8")
    categories = [f"{rng.choice(WORDS).title()} {index}" for index in range(40)]
    picks = []
    for index in range(count):
        month = MONTHS[index * len(MONTHS) // count]
        position = index - (index * len(MONTHS) // count) * count // len(MONTHS)  # the row within its month
        day, minute = divmod(position * 90, 24 * 60)  # picks spread over the month, in row order
        url = f"https://blog{index % 300}.example.org/posts/{index}"
        picks.append(ImportedPick(
            title=" ".join(rng.choice(WORDS) for _ in range(8)).capitalize(),
            url=url, canonical_url=canonical_url(url), guid=None,
            summary=" ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + ".",
            category=rng.choice(categories), starred=rng.random() < 0.1,
            picked_at=f"{month}-{1 + day % 28:02d}T{minute // 60:02d}:{minute % 60:02d}:{position % 60:02d}Z",
        ))
    settings = load_settings(home)
    started = time.perf_counter()
    with Store.open(settings.database_path) as store:
        store.import_picks(picks)
    return time.perf_counter() - started


def measure_publish(home: str, output: str, out: str, repeat: int, feed_all: bool, queue) -> None:
    """In a fresh process: publish `output` `repeat` times; report the best time, size and peak RSS."""
    from dataclasses import replace

    from blogreader.config import load_settings
    from blogreader.publish.runner import publish
    from blogreader.store import Store

    settings = load_settings(Path(home))
    if feed_all:
        settings = replace(settings, publish=replace(settings.publish, feed_limit=0))
    times = []
    with Store.open(settings.database_path) as store:
        for run in range(repeat):
            target = Path(out) / f"run{run}"
            started = time.perf_counter()
            published = publish(store, settings, output, out=target / ("site" if output == "site" else f"{output}.out"))
            times.append(time.perf_counter() - started)
    path = published.path
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    queue.put({"seconds": round(min(times), 4), "entries": published.entries, "files": len(files),
               "bytes": sum(p.stat().st_size for p in files), "peak_rss_mb": peak_rss_mb()})


def naive_readme(database: str, out: str, repeat: int, queue) -> None:
    """The plain way: one query, string concatenation, open().write; same format as BlogReader's readme."""
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
    times = []
    for run in range(repeat):
        started = time.perf_counter()
        conn = sqlite3.connect(database)
        rows = conn.execute("SELECT title, url, summary, category, starred, picked_at FROM entries "
                            "WHERE picked = 1 ORDER BY picked_at, id").fetchall()
        conn.close()
        by_month: dict[str, list] = {}
        for row in rows:
            by_month.setdefault(row[5][:7], []).append(row)
        text = "# Bench\n\nTen thousand picks.\n"
        for key in sorted(by_month, reverse=True):
            year, month = key.split("-")
            text += f"\n---\n\n## {months[int(month) - 1]} {year}\n\n| Blog | Summary | Category |\n|------|---------|----------|\n"
            for title, url, summary, category, starred, _ in by_month[key]:
                cell = lambda value: (value or "").replace("\n", " ").replace("|", "\\|")  # noqa: E731
                text += f"| {'🌟 ' if starred else ''}[{cell(title)}]({url}) | {cell(summary)} | {cell(category)} |\n"
        path = Path(out) / f"naive{run}.md"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        times.append(time.perf_counter() - started)
    queue.put({"seconds": round(min(times), 4), "bytes": path.stat().st_size, "peak_rss_mb": peak_rss_mb(),
               "path": str(path)})


def in_child(target, *args):
    """Run `target(*args, queue)` in a fresh interpreter so its time and peak RSS are its own."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        home, out = Path(tmp) / "library", Path(tmp) / "out"
        out.mkdir()
        log(f"storing {args.entries} picks")
        import_seconds = fill_library(home, args.entries)
        result = {"entries": args.entries, "import_seconds": round(import_seconds, 3)}
        for name, output, feed_all in (("readme", "readme", False), ("feed", "feed", False),
                                       ("feed_all", "feed", True), ("site", "site", False)):
            log(f"publishing {name}")
            result[name] = in_child(measure_publish, str(home), output, str(out / name), args.repeat, feed_all)
        log("baseline readme")
        baseline = in_child(naive_readme, str(home / "blogreader.db"), str(out), args.repeat)
        ours = (out / "readme" / "run0" / "readme.out").read_text(encoding="utf-8")
        baseline["same_output"] = Path(baseline.pop("path")).read_text(encoding="utf-8") == ours
        result["baseline_readme"] = baseline
        result["readme_vs_baseline"] = round(result["readme"]["seconds"] / baseline["seconds"], 2)
        result["peak_rss_mb_main"] = peak_rss_mb()
    print(json.dumps(result, indent=2))
    complete = all(result[name]["entries"] == args.entries for name in ("readme", "feed_all", "site"))
    return 0 if complete and result["feed"]["entries"] == min(100, args.entries) else 1


if __name__ == "__main__":
    sys.exit(main())
