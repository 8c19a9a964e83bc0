"""Quality gate: splitting, category accuracy, promo precision/recall and summary ROUGE-L, beside baselines.

Runs the real pipeline stages on ../shared/corpus (labels in bench/labels.json are ours), and the
real-posts reports on ../shared/corpus/real (dev figures, leave-one-source-out: nothing there is trained
on), and prints one JSON object. Exits 1 when a figure falls below the floors pinned here, 0 otherwise; when the
corpus is absent it says so and exits 0.

    .venv/bin/python bench/quality.py [--llm MODEL_ID]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
LABELS = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))

FLOORS = {
    "split_item_precision": 0.95,
    "split_item_recall": 0.95,
    "listing_item_precision": 0.95,
    "listing_item_recall": 0.95,
    # Pinned at 0.80 with a classifier tuned on these five files; the one that holds on unseen blogs (real/,
    # below) scores 0.68 here: the short items' labels hinge on knowing the named work, not on its words.
    "category_accuracy_local": 0.65,
    "promo_precision": 0.99,
    "promo_recall": 0.99,
    "summary_rouge_l_extractive": 0.17,
    "summary_rouge_l_margin_over_first_sentence": 0.02,
    "work_pair_precision": 1.0,
    "work_pair_recall": 0.98,
    "near_duplicate_precision": 0.99,
    "near_duplicate_recall": 0.95,
}


# Dev floors on ../shared/corpus/real (bench/quality_real_labels.py, bench/quality_real_text.py): a path into
# their reports, and the least each may be; the "no more than" figures are listed in REAL_CEILINGS.
# The category floors sit about two posts under the figures measured (0.812 / 0.901 over 101 posts): a change
# that costs more than that is a regression, not noise.
REAL_FLOORS = {
    "labels.category.local.overall.strict": 0.79,
    "labels.category.local.overall.lenient": 0.88,
    "labels.category.local.bair.strict": 0.8,
    "labels.category.local.lilianweng.strict": 0.72,
    "labels.promo.short_name_vllm.precision": 0.95,
    "labels.promo.short_name_vllm.recall": 0.9,
    "text.roundup_item_recall": 0.95,
    "text.roundup_item_precision": 0.98,
    "text.summary_min_ratio": 1.2,
}
REAL_CEILINGS = {"text.roundup_false_splits": 0, "text.summary_rule_failures": 0, "text.listing_excerpt_rule_failures": 0}


def real_posts_scores() -> tuple[dict, list[str]]:
    """The real-posts reports (skipped when absent) and the names of the real floors they miss."""
    sys.path.insert(0, str(HERE))
    import quality_real_labels
    import quality_real_text

    real = {"labels": quality_real_labels.report(), "text": quality_real_text.report()}
    if any("skipped" in part for part in real.values()):
        return real, []

    def value(path: str):
        found = real
        for key in path.split("."):
            found = found[key]
        return found

    failed = [f"real.{path}" for path, floor in REAL_FLOORS.items() if value(path) is None or value(path) < floor]
    failed += [f"real.{path}" for path, ceiling in REAL_CEILINGS.items() if value(path) > ceiling]
    return real, failed


def labelled_texts() -> list[tuple[str, str, str, str]]:
    """(set, title, text, category) for curated rows, digest items and links-and-recs bullets."""
    from blogreader.normalize.text import repair_text

    items = []
    curated = repair_text((CORPUS / "curated-list.md").read_text(encoding="utf-8"))
    for match in re.finditer(r"^\|[ \t]*(?:🌟[ \t]*)?\[(.+?)\]\((.+?)\)[ \t]*\|(.*)\|[ \t]*(.+?)[ \t]*\|$", curated, re.M):
        items.append(("curated", match.group(1), match.group(3).strip(), match.group(4)))
    digest = [line.strip() for line in (CORPUS / "weekly-digest.txt").read_text(encoding="utf-8").splitlines()]
    found = [(digest[i - 1], line) for i, line in enumerate(digest) if line.endswith("Source") and i > 0]
    items += [("digest", title, body, label) for (title, body), label in zip(found, LABELS["digest"])]
    bullets = re.split(r"^  •[ \t]+", (CORPUS / "links-and-recs.txt").read_text(encoding="utf-8"), flags=re.M)[1:]
    for bullet, label in zip(bullets, LABELS["links_and_recs"]):
        heading, _, rest = bullet.partition("\n")
        items.append(("links", heading.strip(), " ".join(rest.split()), label))
    return items


def feed_entries(home: Path):
    """The corpus feed through parse, normalize, store and enrich, as `fetch` runs them."""
    from blogreader.config import load_settings
    from blogreader.enrich.runner import enrich_entries
    from blogreader.normalize.entry import normalize_entry
    from blogreader.parse.feeds import parse_feed
    from blogreader.pipeline import split_roundups
    from blogreader.store import EntryFilter, Store

    feed = parse_feed((CORPUS / "intoai-feed.xml").read_bytes(), "https://www.intoai.pub/feed")
    store = Store.open(home / "blogreader.db")
    source, _ = store.add_source("https://www.intoai.pub/feed", "feed", title=feed.title)
    normalized = [normalize_entry(item, "https://www.intoai.pub/feed") for item in feed.entries]
    split_roundups(store, normalized, store.save_entries(source.id, normalized), publication_url=feed.site_url)
    enrich_entries(store, load_settings(home), only_unenriched=True)
    entries = [store.entry(e.id) for e in store.list_entries(EntryFilter(include_hidden=True, limit=None))]
    return store, entries


def category_scores(entries, texts) -> dict:
    from blogreader.enrich.base import Document
    from blogreader.enrich.local_classifier import Example, LocalClassifier
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    gold = [LABELS["feed"][e.url]["category"] for e in entries]
    predicted = [e.category for e in entries]
    cold = LocalClassifier(DEFAULT_TAXONOMY)
    docs = [Document(title, text) for _, title, text, _ in texts]
    gold += [label for *_, label in texts]
    predicted += [result.category for result in cold.classify_many(docs)]
    correct = sum(p == g for p, g in zip(predicted, gold))
    # Warm: each curated row classified by a model that learned from the other rows, as after `import`.
    curated = [(doc, label) for doc, (kind, *_, label) in zip(docs, texts) if kind == "curated"]
    warm = 0
    for index, (doc, label) in enumerate(curated):
        others = [Example(d, l) for j, (d, l) in enumerate(curated) if j != index]
        warm += LocalClassifier(DEFAULT_TAXONOMY, others).classify(doc).category == label
    majority = Counter(gold).most_common(1)[0][1]
    by_set = Counter()
    right = Counter()
    for kind, p, g in zip(["feed"] * len(entries) + [t[0] for t in texts], predicted, gold):
        by_set[kind] += 1
        right[kind] += p == g
    return {
        "category_items": len(gold),
        "category_accuracy_local": round(correct / len(gold), 3),
        "category_accuracy_by_set": {kind: round(right[kind] / by_set[kind], 3) for kind in by_set},
        "category_accuracy_curated_leave_one_out": round(warm / max(1, len(curated)), 3),
        "category_accuracy_baseline_most_frequent": round(majority / len(gold), 3),
        "category_errors": [f"{g} -> {p}" for p, g in zip(predicted, gold) if p != g],
    }


def promo_scores(entries) -> dict:
    gold = [LABELS["feed"][e.url]["promo"] for e in entries]
    flagged = [e.promo for e in entries]
    true_positive = sum(f and g for f, g in zip(flagged, gold))
    return {
        "promo_items": len(gold),
        "promo_positives": sum(gold),
        "promo_precision": round(true_positive / max(1, sum(flagged)), 3),
        "promo_recall": round(true_positive / max(1, sum(gold)), 3),
    }


def summary_scores(entries, llm_model: str | None) -> dict:
    """ROUGE-L F1 against the feed's own subtitles, which the summarizers are not shown."""
    from rouge_score import rouge_scorer

    from blogreader.enrich.base import Document
    from blogreader.enrich.extractive import ExtractiveSummarizer
    from blogreader.enrich.sentences import split_sentences

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    backends = {"extractive": ExtractiveSummarizer()}
    if llm_model:
        from blogreader.enrich.llm_backend import LLMSummarizer

        backends[f"llm:{llm_model}"] = LLMSummarizer(llm_model)
    scores = {name: [] for name in backends} | {"first_sentence": []}
    banned = re.compile(r"read more|subscribe|https?://|discount|sponsor", re.I)
    violations = []
    for entry in entries:
        reference = entry.to_json(full=True)
        # no feed_summary: the reference stays hidden; a split roundup's picks, as the enrich stage passes them
        doc = Document(entry.title, entry.text or "", picks=entry_picks.get(entry.id, ()))
        first = next(iter(split_sentences(entry.text or "")), "")
        scores["first_sentence"].append(scorer.score(reference_text(entry), first)["rougeL"].fmeasure)
        for name, backend in backends.items():
            summary = backend.summarize(doc)
            text = summary.text if summary else ""
            if banned.search(text) or len(text) > 300:
                violations.append(f"{name}: {text}")
            scores[name].append(scorer.score(reference_text(entry), text)["rougeL"].fmeasure)
        del reference
    result = {f"summary_rouge_l_{name}": round(sum(v) / len(v), 3) for name, v in scores.items()}
    result["summary_rouge_l_margin_over_first_sentence"] = round(
        result["summary_rouge_l_extractive"] - result["summary_rouge_l_first_sentence"], 3)
    result["summary_violations"] = violations
    return result


def splitting_scores(entries, store) -> dict:
    """Item precision and recall of roundup splitting and listing pages on our fixtures, and the corpus roundups."""
    import importlib.util

    from blogreader.normalize.sanitize import sanitize_html
    from blogreader.parse.listing import parse_listing
    from blogreader.roundups import split_roundup

    tests = HERE.parent / "tests"
    spec = importlib.util.spec_from_file_location("split_cases", tests / "roundups" / "test_split.py")
    cases = importlib.util.module_from_spec(spec)
    sys.modules["split_cases"] = cases  # dataclasses look their module up while the class is built
    spec.loader.exec_module(cases)
    right = returned = wanted = 0
    for name, case in cases.CASES.items():
        html = sanitize_html((tests / "fixtures" / "roundups" / f"{name}.html").read_text(encoding="utf-8"), case.page_url)
        got = [(i.rank, i.title, i.url) for i in split_roundup(html, case.page_url, case.publication_url)]
        right += len(set(got) & set(case.expected))
        returned += len(got)
        wanted += len(case.expected)
    listed_right = listed = listed_wanted = 0
    for path in sorted((tests / "fixtures" / "listing").glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        got = {(i.title, i.url) for i in parse_listing(path.with_suffix(".html").read_bytes(), case["page_url"])}
        expected = {(i["title"], i["url"]) for i in case["items"]}
        listed_right += len(got & expected)
        listed += len(got)
        listed_wanted += len(expected)
    roundups = [e for e in entries if e.kind == "post" and store.children(e.id)]
    return {
        "split_fixtures": len(cases.CASES),
        "split_item_precision": round(right / max(1, returned), 3),
        "split_item_recall": round(right / max(1, wanted), 3),
        "listing_fixtures": len(list((tests / "fixtures" / "listing").glob("*.json"))),
        "listing_item_precision": round(listed_right / max(1, listed), 3),
        "listing_item_recall": round(listed_right / max(1, listed_wanted), 3),
        "corpus_roundups_split": len(roundups),
        "corpus_roundup_items": sorted(len(store.children(e.id)) for e in roundups),
    }


def work_pair_scores() -> dict:
    """Precision and recall of telling one work from two, on our labelled link pairs (tests/fixtures/works)."""
    from blogreader.dedupe.works import same_work

    rows = (HERE.parent / "tests" / "fixtures" / "works" / "url_pairs.tsv").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in rows if line and not line.startswith(("#", "label\t"))]
    said_same = right = wanted = 0
    missed = []
    for label, a, b, canonical_a, canonical_b, _note in pairs:
        guess = same_work(a, b, canonical_a or None, canonical_b or None)
        said_same += guess
        right += guess and label == "same"
        wanted += label == "same"
        if guess != (label == "same"):
            missed.append(f"{label}: {a} {b}")
    return {
        "work_pairs": len(pairs),
        "work_pair_precision": round(right / max(1, said_same), 4),
        "work_pair_recall": round(right / max(1, wanted), 4),
        "work_pair_errors": missed,
    }


def near_duplicate_scores() -> dict:
    """Precision and recall of telling copies of one story from other posts, on the pairs we build from our
    own posts (tests/fixtures/near_duplicates), at the chosen threshold and a few others."""
    import importlib.util

    from blogreader.dedupe import near_duplicates as nd
    from blogreader.dedupe.fingerprint import text_fingerprint
    from blogreader.normalize.text import html_to_text

    spec = importlib.util.spec_from_file_location("near_duplicate_pairs",
                                                  HERE.parent / "tests" / "fixtures" / "near_duplicates" / "pairs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["near_duplicate_pairs"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    measured = []
    for pair in module.build():
        a, b = html_to_text(pair.first), html_to_text(pair.second)
        marks_a, marks_b = nd.shingles(a), nd.shingles(b)
        if marks_a is None or marks_b is None:  # too short to tell: never linked
            measured.append((pair, False, 0.0))
            continue
        mark = text_fingerprint(a)
        candidate = nd.share_a_band(nd.band_keys(marks_a), nd.band_keys(marks_b)) or (mark is not None and mark == text_fingerprint(b))
        measured.append((pair, candidate, nd.similarity(marks_a, marks_b)))

    def scores(threshold: float) -> tuple[float, float, list[str]]:
        said = [(pair, candidate and score >= (nd.SAME_SOURCE_THRESHOLD if pair.same_source else threshold))
                for pair, candidate, score in measured]
        right = sum(s and p.same_story for p, s in said)
        errors = sorted({f"{'missed' if p.same_story else 'linked'}: {p.kind}" for p, s in said if s != p.same_story})
        return (round(right / max(1, sum(s for _, s in said)), 4),
                round(right / max(1, sum(p.same_story for p, _ in said)), 4), errors)

    precision, recall, errors = scores(nd.THRESHOLD)
    return {
        "near_duplicate_pairs": len(measured),
        "near_duplicate_positive_pairs": sum(p.same_story for p, _, _ in measured),
        "near_duplicate_threshold": nd.THRESHOLD,
        "near_duplicate_same_source_threshold": nd.SAME_SOURCE_THRESHOLD,
        "near_duplicate_precision": precision,
        "near_duplicate_recall": recall,
        "near_duplicate_curve": {str(t): dict(zip(("precision", "recall"), scores(t)[:2]))
                                 for t in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)},
        "near_duplicate_errors": errors,
    }


def reference_text(entry) -> str:
    return entry_references[entry.id]


entry_references: dict[int, str] = {}
entry_picks: dict[int, tuple[str, ...]] = {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", metavar="MODEL_ID", help="also score the llm summarizer with this model")
    args = parser.parse_args(argv)
    works = work_pair_scores() | near_duplicate_scores()  # these need only our own fixtures
    if not (CORPUS / "intoai-feed.xml").exists():
        failed = [name for name in ("work_pair_precision", "work_pair_recall", "near_duplicate_precision",
                                    "near_duplicate_recall") if works[name] < FLOORS[name]]
        print(json.dumps({"benchmark": "quality", "skipped": f"{CORPUS} is not present", **works, "failed": failed}))
        return 1 if failed else 0
    with tempfile.TemporaryDirectory() as home:
        store, entries = feed_entries(Path(home))
        for entry in entries:
            entry_references[entry.id] = store.conn.execute(
                "SELECT feed_summary FROM entries WHERE id = ?", (entry.id,)).fetchone()[0] or ""
        entries = [e for e in entries if e.kind == "post"]
        for entry in entries:
            entry_picks[entry.id] = tuple(child.title for child in store.children(entry.id))
        report = {"benchmark": "quality", **works}
        report.update(splitting_scores(entries, store))
        report.update(category_scores(entries, labelled_texts()))
        report.update(promo_scores(entries))
        report.update(summary_scores(entries, args.llm))
        store.close()
    failures = [name for name, floor in FLOORS.items() if report[name] < floor]
    if report["summary_violations"]:
        failures.append("summary_violations")
    report["real"], real_failures = real_posts_scores()
    failures += real_failures
    report["floors"] = FLOORS | {f"real.{path}": floor for path, floor in REAL_FLOORS.items()}
    report["failed"] = failures
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
