"""Promo patterns benchmark: the promo judge's "words about the publication" screen, as matched before and now.

Before: one IGNORECASE pattern whose every branch is tried at every word boundary. Now
(`promo._about_us`): a text holding none of the words a match needs is turned down without the pattern;
the others are matched with the same branches behind a lookahead on their first letters, case-sensitively
in the lower-cased text.
Both run over the same texts in this process: the generated feed entries of bench/fetch.py, the generated
posts of bench/enrich.py and the openings of our promo examples, each whole and sentence by sentence (the
judge does both). Prints µs per text for each and their ratio, and checks the two agree on every text.

    .venv/bin/python bench/promo_patterns.py [--entries N]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from importlib import resources

from enrich_posts import make_posts  # sibling modules of this script
from feedserver import make_feed


def texts(entries: int) -> list[str]:
    from blogreader.enrich.sentences import split_sentences
    from blogreader.normalize.entry import normalize_entry
    from blogreader.parse.feeds import parse_feed

    found = []
    for n in range(max(1, entries // 40)):
        url = f"http://127.0.0.1:8000/feeds/{n}.xml"
        feed = parse_feed(make_feed(n, 20)[0], url, keep_private_links=True)
        found += [normalize_entry(item, url).text for item in feed.entries]
    found += [post.text for post in make_posts(max(1, entries // 2))]
    shipped = resources.files("blogreader.enrich").joinpath("promo_examples.tsv").read_text(encoding="utf-8")
    found += [line.split("\t")[2] for line in shipped.splitlines() if line.strip() and not line.startswith("#")]
    return found + [sentence for text in found[:200] for sentence in split_sentences(text)]


def timed(function, inputs: list[str]) -> tuple[float, list[bool]]:
    started = time.process_time()
    verdicts = [function(text) for text in inputs]
    return 1e6 * (time.process_time() - started) / len(inputs), verdicts


def main(argv: list[str] | None = None) -> int:
    from blogreader.enrich import promo

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, default=2000, help="whole texts to match (default 2000)")
    args = parser.parse_args(argv)
    inputs = texts(args.entries)
    before = re.compile(re.sub(r"\(\?=\[[a-z]+\]\)", "", promo._ABOUT_THE_PUBLICATION_LOWER), re.IGNORECASE)
    before_us, before_verdicts = timed(lambda text: before.search(text) is not None, inputs)
    now_us, now_verdicts = timed(promo._about_us, inputs)
    print(json.dumps({
        "benchmark": "promo_patterns",
        "texts": len(inputs),
        "mean_chars": round(sum(map(len, inputs)) / len(inputs)),
        "before_ignorecase_us_per_text": round(before_us, 1),
        "now_lower_case_us_per_text": round(now_us, 1),
        "speedup": round(before_us / now_us, 2),
        "texts_about_the_publication": sum(now_verdicts),
        "checks": {"same_verdict_on_every_text": before_verdicts == now_verdicts},
    }, indent=2))
    return 0 if before_verdicts == now_verdicts else 1


if __name__ == "__main__":
    raise SystemExit(main())
