"""Term look-up benchmark: the local classifier's and the promo model's probabilities, as computed before and now.

Before: every text's words found with the regex, each word and word pair built as a string, counted and looked up
in a dict, one numpy product per text. Now (`LinearModel.probabilities`): words split in C and turned into ids, pair
keys computed from two ids, a batch looked up in sorted arrays with one numpy pass (a few texts keep a per-text
path). Both run over the same texts in this process: the generated feed entries of bench/fetch.py and the generated
posts of bench/enrich.py, read as the classifier reads them (whole text and headline, in one batch and one post at
a time) and as the promo model does (title and opening, one post at a time). Prints µs per post for each and checks
the two agree on every probability (within 1e-9) and every best category.

    .venv/bin/python bench/classify_terms.py [--entries N]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from enrich_posts import make_posts  # sibling modules of this script
from feedserver import make_feed

OLD_TOKEN = re.compile(r"\w+(?:-+\w+)*")
INDEXES: dict[int, dict[str, int]] = {}  # each model's term -> column, made once (LinearModel built it at load)


def documents(entries: int) -> list:
    from blogreader.enrich.base import Document
    from blogreader.normalize.entry import normalize_entry
    from blogreader.parse.feeds import parse_feed

    docs = []
    for n in range(max(1, entries // 40)):
        url = f"http://127.0.0.1:8000/feeds/{n}.xml"
        for item in parse_feed(make_feed(n, 20)[0], url, keep_private_links=True).entries:
            entry = normalize_entry(item, url)
            docs.append(Document(entry.title, entry.text, feed_summary=entry.feed_summary))
    return docs + [Document(post.title, post.text) for post in make_posts(max(1, entries // 2))]


def before(model, texts: list[str]):
    """The probabilities as the per-text path computed them: strings, Counter, dict."""
    import numpy as np

    if id(model) not in INDEXES:
        INDEXES[id(model)] = {term: number for number, term in enumerate(model.terms)}
    index = INDEXES[id(model)]
    scores = np.tile(model.intercept, (len(texts), 1))
    for row, text in enumerate(texts):
        words = [w for w in OLD_TOKEN.findall(text.lower()) if w not in model.stops and not w.isdigit()]
        terms = words + [f"{first} {second}" for first, second in zip(words, words[1:])]
        found = [(column, n) for term, n in Counter(terms).items() if (column := index.get(term)) is not None]
        if found:
            columns = np.fromiter((column for column, _ in found), dtype=np.int64, count=len(found))
            weights = np.fromiter((1 + math.log(n) for _, n in found), dtype=float, count=len(found))
            weights *= model.idf[columns]
            weights /= np.linalg.norm(weights)
            scores[row] += weights @ model.coef[columns]
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def timed(function, batches: list[list[str]], posts: int, rounds: int = 3):
    """µs of CPU per post, the best of `rounds`, and the rows of the last."""
    best = math.inf
    for _ in range(rounds):
        started = time.process_time()
        rows = [function(batch) for batch in batches]
        best = min(best, time.process_time() - started)
    return 1e6 * best / posts, rows


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    from blogreader.enrich.local_classifier import document_text, headline_text
    from blogreader.enrich.model_cache import load_or_fit
    from blogreader.enrich.promo_model import promo_text, shipped_model
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entries", type=int, default=2000, help="feed entries to read, and half as many posts")
    args = parser.parse_args(argv)
    docs = documents(args.entries)
    with tempfile.TemporaryDirectory() as library:  # the default fit shipped with the package, loaded
        classifier, promo = load_or_fit(DEFAULT_TAXONOMY, [], Path(library)).model, shipped_model()
    read = [[document_text(doc) for doc in docs] + [headline_text(doc) for doc in docs]]
    one_by_one = [[document_text(doc), headline_text(doc)] for doc in docs]
    openings = [[promo_text(doc)] for doc in docs]
    result, same = {"benchmark": "classify_terms", "posts": len(docs)}, True
    for name, model, batches in (("classifier_batch", classifier, read), ("classifier_one_post", classifier,
                                 one_by_one), ("promo_model_one_post", promo, openings)):
        model.probabilities(batches[0][:1])  # the vocabulary's ids are made once per process, not timed
        before_us, old = timed(lambda batch, model=model: before(model, batch), batches, len(docs))
        now_us, new = timed(model.probabilities, batches, len(docs))
        old, new = np.vstack(old), np.vstack(new)
        agree = bool(np.abs(old - new).max() <= 1e-9 and (old.argmax(axis=1) == new.argmax(axis=1)).all())
        same = same and agree
        result[name] = {"before_us_per_post": round(before_us, 1), "now_us_per_post": round(now_us, 1),
                        "speedup": round(before_us / now_us, 2), "same_probabilities": agree}
    result["checks"] = {"same_probabilities_and_categories": same}
    print(json.dumps(result, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
