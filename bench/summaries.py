"""Summaries benchmark: CPU per post of the offline extractive summarizer, the default in `enrich`.

Two sets of posts, each parsed and normalized as a fetch stores them: the generated feed entries of
bench/fetch.py (bench/feedserver.py `make_feed`, 20 items a feed) and the generated posts of
bench/enrich.py. Each set is summed up once to warm up, then `--passes` times; prints the CPU
microseconds per post of each pass (process time, so a busy machine's other work does not count),
how many posts got a summary, and a digest of the summaries, so two runs can show they agree.

    .venv/bin/python bench/summaries.py [--feeds N] [--posts N] [--passes N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time

from enrich_posts import make_posts  # sibling modules of this script
from feedserver import make_feed


def feed_documents(feeds: int) -> list:
    from blogreader.enrich.base import Document
    from blogreader.normalize.entry import normalize_entry
    from blogreader.parse.feeds import parse_feed

    documents = []
    for n in range(feeds):
        url = f"http://127.0.0.1:8000/feeds/{n}.xml"
        for item in parse_feed(make_feed(n, 20)[0], url, keep_private_links=True).entries:
            entry = normalize_entry(item, url)
            documents.append(Document(entry.title, entry.text, feed_summary=entry.feed_summary))
    return documents


def measured(summarize, documents: list, passes: int) -> dict:
    summaries = [summarize(document) for document in documents]  # the warm-up pass
    rounds = []
    for _ in range(passes):
        started = time.process_time()
        for document in documents:
            summarize(document)
        rounds.append(round(1e6 * (time.process_time() - started) / len(documents), 1))
    texts = "\n".join(f"{summary.origin}\t{summary.text}" if summary else "-" for summary in summaries)
    return {
        "posts": len(documents),
        "us_per_post": rounds,
        "summarized": sum(summary is not None for summary in summaries),
        "digest": hashlib.sha256(texts.encode()).hexdigest()[:16],
    }


def main(argv: list[str] | None = None) -> int:
    from blogreader.enrich.base import Document
    from blogreader.enrich.extractive import ExtractiveSummarizer

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--feeds", type=int, default=50, help="generated feeds of 20 entries (default 50)")
    parser.add_argument("--posts", type=int, default=1000, help="generated enrich posts (default 1000)")
    parser.add_argument("--passes", type=int, default=3, help="timed passes over each set (default 3)")
    args = parser.parse_args(argv)
    summarizer = ExtractiveSummarizer()  # what summarizer_chain("extractive", ...) hands out
    posts = [Document(post.title, post.text) for post in make_posts(args.posts)]
    print(json.dumps({
        "benchmark": "summaries",
        "feed_entries": measured(summarizer.summarize, feed_documents(args.feeds), args.passes),
        "enrich_posts": measured(summarizer.summarize, posts, args.passes),
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
