"""Category, promotion and learning figures on real posts (../shared/corpus/real), beside baselines.

Leave-one-source-out holds by construction: the local classifier and the promo model learn only from
the examples shipped in the package (written by us) and, in the learning check, from labels the check
gives to the one source it then scores apart; no real post is ever in their training data.

- category: strict / lenient accuracy per source and overall (posts with a label, not promo, not a
  roundup), with the share marked uncertain and the accuracy of the confident rest; baseline: the
  most frequent strict label of the other sources.
- promo: precision / recall with each source under its feed title, and again under short names
  (the source key, and "vllm") to show the verdict does not hang on the name.
- learning: the posts stored in a fresh library; 20 posts of one source labelled through the store's
  user-label path (`edit --category`), `enrich --all`; accuracy of that source's other posts and of
  every other source, before and after; repeated over `--draws` draws of labels (one post is about
  3 points of a source, so a single draw is noise) and summarized as means and worst changes; beside it the
  most any per-source shift of the category scores could gain, fitted in-sample (`learning_ceiling`), and what
  two learners would do out of sample (`learning_out_of_sample`): the label shares as a prior at fixed powers,
  over 20 draws, and the model fitted again with the labels.

    .venv/bin/python bench/quality_real_labels.py [--posts PATH] [--draws N]

Prints one JSON object; when the corpus is absent it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
POSTS = HERE.parent.parent / "shared" / "corpus" / "real" / "posts.json"
LABELS_PER_CHECK = 20
SEED = 11
DRAWS = 3  # draws of 20 labels per source (seeds SEED, SEED+1, ...): one post is about 3 points of a source


def load(posts_path: Path) -> tuple[dict, list[dict]]:
    """The corpus and each post as BlogReader reads it (title, text) beside its labels."""
    from blogreader.models import ParsedEntry
    from blogreader.normalize.entry import normalize_entry

    corpus = json.loads(posts_path.read_text(encoding="utf-8"))
    posts = []
    for post in corpus["posts"]:
        entry = normalize_entry(ParsedEntry(post["title"], post["url"], content_html=post["html"]), post["url"])
        posts.append({**post, "entry": entry, "feed_title": corpus["sources"][post["source"]]["feed_title"]})
    return corpus, posts


def scored_for_category(post: dict) -> bool:
    return bool(post["category"]) and post["promo"] is False and not post["items"]


def accuracy(pairs: list[tuple[dict, str | None]]) -> dict:
    """Strict and lenient accuracy of (post, predicted category) pairs, per source and overall."""
    by_source: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for post, predicted in pairs:
        by_source[post["source"]].append((predicted == post["category"], predicted in post["acceptable_categories"]))

    def figures(rows: list[tuple[bool, bool]]) -> dict:
        return {"posts": len(rows), "strict": round(sum(s for s, _ in rows) / len(rows), 3),
                "lenient": round(sum(l for _, l in rows) / len(rows), 3)}

    result = {source: figures(rows) for source, rows in sorted(by_source.items())}
    result["overall"] = figures([row for rows in by_source.values() for row in rows])
    return result


def category_report(posts: list[dict]) -> dict:
    from blogreader.enrich.base import Document
    from blogreader.enrich.local_classifier import LocalClassifier
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    scored = [post for post in posts if scored_for_category(post)]
    started = time.perf_counter()
    classifier = LocalClassifier(DEFAULT_TAXONOMY)
    fitted = time.perf_counter()
    results = classifier.classify_many([Document(p["entry"].title, p["entry"].text, source=p["feed_title"])
                                        for p in scored])
    classified = time.perf_counter()
    baseline = []
    for post in scored:
        # The most frequent label of the other sources; a set of one source (a held-out blog measured alone) has
        # none, so its own most frequent label stands in: a baseline that has seen the answers, hence generous.
        others = Counter(p["category"] for p in scored if p["source"] != post["source"]) \
            or Counter(p["category"] for p in scored)
        baseline.append((post, others.most_common(1)[0][0]))
    confident = [(post, r.category) for post, r in zip(scored, results) if r.origin != "uncertain"]
    confusions = Counter((post["category"], r.category) for post, r in zip(scored, results)
                         if r.category not in post["acceptable_categories"])
    return {
        "local": accuracy([(post, r.category) for post, r in zip(scored, results)]),
        "most_frequent_baseline": accuracy(baseline),
        "uncertain_share": round(1 - len(confident) / len(scored), 3),
        "confident_only": accuracy(confident) if confident else None,
        "top_confusions": [f"{truth} -> {guess}: {n}" for (truth, guess), n in confusions.most_common(8)],
        "fit_seconds": round(fitted - started, 3),
        "classify_ms_per_post": round(1000 * (classified - fitted) / len(scored), 3),
        "trained_on": "shipped examples only (no real post); leave-one-source-out holds for every source",
    }


def promo_report(posts: list[dict]) -> dict:
    from blogreader.enrich.base import Document
    from blogreader.enrich.promo import judge_promo

    judged = [post for post in posts if post["promo"] is not None]

    def figures(name_of) -> dict:
        tp = fp = fn = 0
        missed, false = [], []
        for post in judged:
            doc = Document(post["entry"].title, post["entry"].text, feed_summary=post["entry"].feed_summary,
                           source=name_of(post))
            flagged = judge_promo(doc).promo
            tp += flagged and post["promo"]
            fp += flagged and not post["promo"]
            fn += post["promo"] and not flagged
            if post["promo"] and not flagged:
                missed.append(post["id"])
            if flagged and not post["promo"]:
                false.append(post["id"])
        return {"precision": round(tp / (tp + fp), 3) if tp + fp else None, "recall": round(tp / (tp + fn), 3) if tp + fn else None,
                "positives": tp + fn, "negatives": len(judged) - tp - fn, "missed": missed, "false_flags": false}

    return {
        "feed_titles": figures(lambda post: post["feed_title"]),
        "short_names_source_key": figures(lambda post: post["source"]),
        "short_name_vllm": figures(lambda post: "vllm"),
        "trained_on": "shipped examples only (no real post)",
    }


def learning_report(posts: list[dict], labelled_source: str, seed: int = SEED) -> dict:
    """20 labels of one source through the store, `enrich --all`, accuracy before and after."""
    from blogreader.config import load_settings
    from blogreader.enrich.runner import enrich_entries
    from blogreader.store import Store

    with tempfile.TemporaryDirectory(prefix="blogreader-learning-") as home:
        settings = load_settings(Path(home))
        store = Store.open(settings.database_path)
        try:
            ids: dict[str, int] = {}
            for source in sorted({post["source"] for post in posts}):
                mine = [post for post in posts if post["source"] == source]
                row, _ = store.add_source(f"https://{source}.example/feed", "feed", title=mine[0]["feed_title"])
                saved = store.save_entries(row.id, [post["entry"] for post in mine])
                ids.update({post["id"]: entry_id for post, entry_id in zip(mine, saved.ids)})
            enrich_entries(store, settings)
            before = {post["id"]: store.entry(ids[post["id"]]).category for post in posts}
            candidates = [post for post in posts if post["source"] == labelled_source and scored_for_category(post)]
            chosen = random.Random(seed).sample(candidates, min(LABELS_PER_CHECK, len(candidates)))
            for post in chosen:
                store.edit(ids[post["id"]], category=post["category"])
            started = time.perf_counter()
            enrich_entries(store, settings)
            seconds = time.perf_counter() - started
            after = {post["id"]: store.entry(ids[post["id"]]).category for post in posts}
        finally:
            store.close()
    held = {post["id"] for post in chosen}
    scored = [post for post in posts if scored_for_category(post) and post["id"] not in held]
    return {
        "labelled_source": labelled_source,
        "seed": seed,
        "labels": len(chosen),
        "scored_posts_excluding_the_labelled": len(scored),
        "before": accuracy([(post, before[post["id"]]) for post in scored]),
        "after": accuracy([(post, after[post["id"]]) for post in scored]),
        "reenrich_seconds": round(seconds, 2),
    }


def learning_ceiling(posts: list[dict]) -> dict:
    """How far any per-source shift of the category scores could lift each source: one bias per category, chosen
    on all of the source's scored posts at once (in-sample, coordinate search over -3..3), starting from the fit
    without labels. Labels of one source move it through such a shift (source_labels.py), so this bounds what 20
    of them could add when they were perfect; the search is in-sample, so the bound is generous."""
    import numpy as np

    from blogreader.enrich.base import Document
    from blogreader.enrich.local_classifier import LocalClassifier
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    classifier = LocalClassifier(DEFAULT_TAXONOMY)
    names = classifier.model.names
    result = {}
    for source in sorted({post["source"] for post in posts if scored_for_category(post)}):
        mine = [post for post in posts if post["source"] == source and scored_for_category(post)]
        docs = [Document(p["entry"].title, p["entry"].text, source=p["feed_title"]) for p in mine]
        logs = np.log(classifier.blended(classifier.model, docs))
        truth = np.array([names.index(p["category"]) if p["category"] in names else -1 for p in mine])

        def right(bias) -> int:
            return int(((logs + bias).argmax(axis=1) == truth).sum())

        bias, best = np.zeros(len(names)), right(np.zeros(len(names)))
        start = best
        for _ in range(3):
            for column in range(len(names)):
                for value in np.linspace(-3, 3, 61):
                    trial = bias.copy()
                    trial[column] = value
                    if (found := right(trial)) > best:
                        bias, best = trial, found
        result[source] = {"posts": len(mine), "right_without_labels": start, "right_at_best_shift": best,
                          "strict_gain_at_most": round((best - start) / len(mine), 3)}
    return result


SWEEP_DRAWS = 20
SWEEP_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)


def learning_out_of_sample(posts: list[dict], draws: int) -> dict:
    """What two ways of learning from 20 labels of one source would do to that source's other posts, out of sample:
    the source's label shares as a prior at each power of SWEEP_WEIGHTS (the mechanism of source_labels.py with
    its power fixed rather than chosen, over SWEEP_DRAWS draws), and the model fitted again with the labels as
    examples (`taught_fit`, over `draws` draws: a fit takes a second or two). Mean strict accuracy of the rest; the
    product keeps a power above 0 only where leave-one-out over the labels themselves says it predicts."""
    import numpy as np

    from blogreader.enrich.base import Document
    from blogreader.enrich.local_classifier import Example, LocalClassifier, fit
    from blogreader.enrich.source_labels import PSEUDO_COUNT
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    base_model = fit(DEFAULT_TAXONOMY, [])
    names = base_model.names

    def doc(post: dict) -> Document:
        return Document(post["entry"].title, post["entry"].text, source=post["feed_title"])

    result = {}
    for source in sorted({post["source"] for post in posts if scored_for_category(post)}):
        mine = [post for post in posts if post["source"] == source and scored_for_category(post)]
        if len(mine) <= LABELS_PER_CHECK:
            continue
        base = dict(zip((post["id"] for post in mine), LocalClassifier.blended(base_model, [doc(p) for p in mine])))
        right = {weight: [] for weight in SWEEP_WEIGHTS}
        taught = []
        for draw in range(SWEEP_DRAWS):
            chosen = random.Random(SEED + draw).sample(mine, LABELS_PER_CHECK)
            held = {post["id"] for post in chosen}
            rest = [post for post in mine if post["id"] not in held]
            shares = np.full(len(names), PSEUDO_COUNT)
            for post in chosen:
                shares[names.index(post["category"])] += 1
            shares /= shares.sum()
            for weight in SWEEP_WEIGHTS:
                right[weight].append(sum(names[int((base[p["id"]] * shares ** weight).argmax())] == p["category"]
                                         for p in rest) / len(rest))
            if draw < draws:
                model = fit(DEFAULT_TAXONOMY, [Example(doc(post), post["category"]) for post in chosen])
                found = LocalClassifier.blended(model, [doc(post) for post in rest]).argmax(axis=1)
                taught.append(sum(model.names[int(i)] == p["category"] for i, p in zip(found, rest)) / len(rest))
        result[source] = {
            "prior_power_mean_strict": {str(weight): round(sum(v) / len(v), 3) for weight, v in right.items()},
            "prior_draws": SWEEP_DRAWS,
            "taught_fit_mean_strict": round(sum(taught) / len(taught), 3) if taught else None,
            "without_labels_mean_strict_same_draws": round(sum(right[0.0][:len(taught)]) / max(1, len(taught)), 3),
            "taught_draws": len(taught),
        }
    return result


def learning_over_draws(posts: list[dict], sources: list[str], draws: int) -> dict:
    """`learning`: the first draw of 20 labels per source, in full; `learning_over_draws`: per labelled source,
    each source's strict accuracy before and after averaged over `draws` draws, with the worst and best change."""
    first, summary = [], {}
    for labelled in sources:
        scored = sum(post["source"] == labelled and scored_for_category(post) for post in posts)
        if scored <= LABELS_PER_CHECK:  # every post would be labelled: none left to measure the labels on
            summary[labelled] = {"skipped": f"{scored} scored posts: none left after {LABELS_PER_CHECK} labels"}
            continue
        runs = [learning_report(posts, labelled, SEED + n) for n in range(draws)]
        first.append(runs[0])
        changes = {source: [run["after"][source]["strict"] - run["before"][source]["strict"] for run in runs]
                   for source in sources}
        summary[labelled] = {
            "draws": draws,
            "strict_before_mean": {s: round(sum(r["before"][s]["strict"] for r in runs) / draws, 3) for s in sources},
            "strict_after_mean": {s: round(sum(r["after"][s]["strict"] for r in runs) / draws, 3) for s in sources},
            "strict_change_worst": {s: round(min(values), 3) for s, values in changes.items()},
            "strict_change_best": {s: round(max(values), 3) for s, values in changes.items()},
        }
    return {"learning": first, "learning_over_draws": summary}


def _split_note(corpus: dict) -> str:
    """The set's own split, and what its figures mean."""
    split = corpus.get("split") or "unnamed"
    if split == "dev":
        return "dev (figures on these posts; held-out blogs will be lower)"
    return f"{split} (as the set's file names it)"


def report(posts_path: Path = POSTS, draws: int = DRAWS) -> dict:
    """Every figure on the real posts, or {"skipped": reason} when they are absent."""
    if not Path(posts_path).exists():
        return {"skipped": f"{posts_path} is absent: the real-posts corpus is not here, so nothing was measured"}
    corpus, posts = load(Path(posts_path))
    sources = sorted({post["source"] for post in posts if scored_for_category(post)})
    if not sources:  # a set labelled for promotions (or summaries) alone: no category figure to give
        return {"benchmark": "quality_real_labels", "split": _split_note(corpus),
                "category": {"skipped": "no post has a category label"}, "promo": promo_report(posts)}
    return {
        "benchmark": "quality_real_labels",
        "split": _split_note(corpus),
        "category": category_report(posts),
        "promo": promo_report(posts),
        **learning_over_draws(posts, sources, max(1, draws)),
        "learning_ceiling": learning_ceiling(posts),
        "learning_out_of_sample": learning_out_of_sample(posts, max(1, draws)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=Path, default=POSTS, help=f"posts.json (default {POSTS})")
    parser.add_argument("--draws", type=int, default=DRAWS, help=f"draws of labels in the learning check (default {DRAWS})")
    args = parser.parse_args(argv)
    result = report(args.posts, args.draws)
    if "skipped" in result:
        print(result["skipped"], file=sys.stderr)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
