"""Which papers a post is about (dedupe.discussed): precision and recall on the posts we wrote
(tests/fixtures/discussions/posts.json), and precision on ../shared/corpus/real against our judgement of every
link the rule makes there (bench/discussions_real_labels.tsv). Prints JSON.

    .venv/bin/python bench/discussions.py
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from blogreader.dedupe.discussed import discussed_works

HERE = Path(__file__).resolve().parent
BUILT = HERE.parent / "tests" / "fixtures" / "discussions" / "posts.json"
REAL = HERE.parent.parent / "shared" / "corpus" / "real" / "posts.json"
LABELS = HERE / "discussions_real_labels.tsv"


def built_scores(path: Path = BUILT) -> dict:
    """Precision and recall of the rule on our own labelled posts."""
    tp = fp = fn = 0
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
        found = {item.work for item in discussed_works(case["html"], case["url"], case["url"])}
        truth = set(case["expected"])
        tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
    return {"posts": len(json.loads(path.read_text(encoding="utf-8"))["cases"]), "links_made": tp + fp,
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None}


def real_scores(path: Path = REAL, labels: Path = LABELS) -> dict:
    """Precision on the real posts (roundups left out: their links are recommendations): every link the rule
    makes is judged in `labels`; a link not judged there is counted apart, to be judged."""
    if not path.exists():
        return {"skipped": f"{path} is not present"}
    judged = {(row["post_id"], row["work"]): row["about_it"] == "yes"
              for row in csv.DictReader(labels.open(encoding="utf-8"), delimiter="\t")}
    data = json.loads(path.read_text(encoding="utf-8"))
    made, right, unjudged, by_reason, by_source = 0, 0, [], {}, {}
    posts = [post for post in data["posts"] if not post["items"]]
    for post in posts:
        for item in discussed_works(post["html"], post["url"], post["url"]):
            key = (post["id"], item.work)
            if key not in judged:
                unjudged.append(key)
                continue
            made += 1
            right += judged[key]
            for table, name in ((by_reason, item.reason), (by_source, post["source"])):
                seen = table.setdefault(name, [0, 0])
                seen[0], seen[1] = seen[0] + judged[key], seen[1] + 1
    return {"posts": len(posts), "posts_linked": len({post for post, _work in judged}), "links_judged": made,
            "precision": round(right / made, 4) if made else None, "unjudged": [list(key) for key in unjudged],
            "by_reason": {name: f"{ok}/{n}" for name, (ok, n) in by_reason.items()},
            "by_source": {name: f"{ok}/{n}" for name, (ok, n) in by_source.items()}}


def main() -> int:
    print(json.dumps({"built": built_scores(), "real_dev": real_scores()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
