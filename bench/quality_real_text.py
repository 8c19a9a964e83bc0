"""Reading quality on real posts: roundup splitting and stand-alone summaries, per source, beside baselines.

Serves ../shared/corpus/real/posts.json to the product the way the eval does (one RSS feed per source,
the post's HTML in content:encoded, no description), runs parse, normalize, store, split and enrich as
`fetch` does, and scores what is stored:

- roundups: item recall and precision over the posts that have `items`, posts split into exactly their
  item count, overall and per source (`roundups_by_source`), and false splits among the other posts;
- summaries: ROUGE-L F1 against the authors' summaries, per source, beside the first sentence of the
  post's text, and every summary that breaks the stand-alone rules (enrich/standalone.py).

Nothing here learns from the corpus, so no figure needs a held-out split. Prints one JSON object;
when the corpus is absent it says so and exits 0.

    .venv/bin/python bench/quality_real_text.py [POSTS_JSON]
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
POSTS = HERE.parent.parent / "shared" / "corpus" / "real" / "posts.json"
SERVER = "http://127.0.0.1:8765"  # never contacted: the feed's links name a loopback server, as the eval's do
TARGETS = {"item_recall": 0.95, "item_precision": 0.98, "false_splits": 0, "rouge_ratio": 1.2, "rule_failures": 0}


def same_url(url: str | None) -> str:
    """A link as the eval compares it: no scheme, `www.` or trailing slash; arXiv abs/pdf/html and versions as one."""
    if not url:
        return ""
    text = re.sub(r"^[a-z]+://", "", url.strip().lower()).removeprefix("www.").rstrip("/")
    arxiv = re.match(r"(?:export\.)?arxiv\.org/(?:abs|pdf|html)/([^?#]+?)(?:v\d+)?(?:\.pdf)?$", text)
    return f"arxiv:{arxiv.group(1)}" if arxiv else text


def _feed_xml(title: str, source: str, posts: list[dict]) -> bytes:
    items = []
    for post in posts:
        link = f"{SERVER}/{source}/{post['id'].split(':', 1)[1]}"
        date = ""
        if post.get("published"):
            when = datetime.strptime(post["published"], "%Y-%m-%d").replace(tzinfo=timezone.utc)
            date = f"<pubDate>{format_datetime(when)}</pubDate>"
        items.append(f"<item><title>{escape(post['title'])}</title><link>{link}</link><guid>{link}</guid>{date}"
                     f"<content:encoded><![CDATA[{post['html'].replace(']]>', ']]]]><![CDATA[>')}]]></content:encoded></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{escape(title)}</title>'
            f"<link>{SERVER}/{source}/</link><description>posts</description>{''.join(items)}</channel></rss>").encode()


def _read_through_product(home: Path, data: dict) -> dict[str, dict]:
    """Every post's stored summary and children, by post id, after fetch-like processing and enrich."""
    from blogreader.config import load_settings
    from blogreader.enrich.runner import enrich_entries
    from blogreader.normalize.entry import normalize_entry, normalize_feed
    from blogreader.parse.feeds import parse_feed
    from blogreader.pipeline import split_roundups
    from blogreader.store import Store

    store = Store.open(home / "blogreader.db")
    by_source = defaultdict(list)
    for post in data["posts"]:
        by_source[post["source"]].append(post)
    found: dict[str, dict] = {}
    for source, posts in by_source.items():
        url = f"{SERVER}/{source}/feed.xml"
        feed = normalize_feed(parse_feed(_feed_xml(data["sources"][source]["feed_title"], source, posts), url,
                                         keep_private_links=True))
        stored, _ = store.add_source(url, "feed", title=feed.title)
        entries = [normalize_entry(item, url) for item in feed.entries]
        saved = store.save_entries(stored.id, entries)
        split_roundups(store, entries, saved, publication_url=feed.site_url)
        by_link = {entry.url: entry_id for entry, entry_id in zip(entries, saved.ids)}
        for post in posts:
            found[post["id"]] = {"entry_id": by_link.get(f"{SERVER}/{source}/{post['id'].split(':', 1)[1]}")}
    enrich_entries(store, load_settings(home), only_unenriched=True)
    for post_id, row in found.items():
        if row["entry_id"] is None:
            continue
        entry = store.entry(row["entry_id"])
        row["summary"] = entry.summary or ""
        row["text"] = entry.text or ""
        row["children"] = [(child.url, child.title, child.summary or "", child.text or "")
                           for child in store.children(entry.id)]
    store.close()
    return found


def _roundup_scores(data: dict, found: dict[str, dict]) -> dict:
    """Roundup splitting overall and per source: item recall (true items a child links to, or names where the
    roundup gives no link) and precision (children that are true items), exact splits and false splits."""
    roundups, false_splits, misses = [], [], []
    for post in data["posts"]:
        children = found.get(post["id"], {}).get("children", [])
        if not post.get("items"):
            if children:
                false_splits.append(f"{post['id']} ({len(children)} items)")
            continue
        truth = [(same_url(item["url"]), item["title"].lower()) for item in post["items"]]
        got = [(same_url(url), title.lower()) for url, title, *_ in children]
        got_urls, got_titles = {url for url, _ in got if url}, {title for _, title in got}
        hit = [(url in got_urls) if url else (title in got_titles) for url, title in truth]
        truth_urls, truth_titles = {url for url, _ in truth}, {title for _, title in truth}
        misses += [f"{post['id']}: {item['title']}" for item, ok in zip(post["items"], hit) if not ok]
        roundups.append({"post": post["id"], "source": post["source"], "items": len(truth), "children": len(children),
                         "recovered": sum(hit), "correct_children": sum(url in truth_urls or title in truth_titles
                                                                         for url, title in got),
                         "exact": len(children) == len(truth) and all(hit)})
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in roundups:
        by_source[row["source"]].append(row)
    return {
        "roundup_posts": len(roundups),
        **_split_figures(roundups),
        "roundup_false_splits": len(false_splits),
        "roundup_false_split_posts": false_splits,
        "roundup_missed_items": misses[:20],
        "roundups_by_source": {source: _split_figures(rows) for source, rows in sorted(by_source.items())},
        "roundups": roundups,
    }


def _split_figures(rows: list[dict]) -> dict:
    """Exact splits, item recall and precision of these roundups; None where there is nothing to score (no roundup,
    or no child returned)."""
    wanted, returned = sum(row["items"] for row in rows), sum(row["children"] for row in rows)
    return {
        "roundups_split_exactly": sum(row["exact"] for row in rows),
        "roundup_item_recall": round(sum(row["recovered"] for row in rows) / wanted, 3) if wanted else None,
        "roundup_item_precision": round(sum(row["correct_children"] for row in rows) / returned, 3) if returned else None,
    }


class SpacelessTokenizer:
    """rouge_score's tokens (lower-cased, Porter-stemmed words), and each Chinese or Japanese character as a token
    of its own: the usual unit of ROUGE for these languages, which the default tokenizer drops as punctuation.
    A text without such characters gets exactly the default tokens."""

    def __init__(self) -> None:
        from rouge_score.tokenizers import DefaultTokenizer

        self.default = DefaultTokenizer(use_stemmer=True)

    def tokenize(self, text: str) -> list[str]:
        from blogreader.normalize.text import SPACELESS

        # A stand-in word per character ("cjk20013x"): letters and digits survive the default tokenizer, and no
        # stemming rule applies to them.
        return self.default.tokenize(SPACELESS.sub(lambda found: f" cjk{ord(found.group())}x ", text))


def _summary_scores(data: dict, found: dict[str, dict]) -> dict:
    from rouge_score import rouge_scorer

    from blogreader.enrich.sentences import split_sentences
    from blogreader.enrich.standalone import standalone_problem

    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=SpacelessTokenizer())
    ours, first = defaultdict(list), defaultdict(list)
    failures = []
    causes: Counter = Counter()
    roundup_summaries = defaultdict(list)
    for post in data["posts"]:
        row = found.get(post["id"], {})
        summary = row.get("summary", "")
        problem = standalone_problem(summary)
        if problem:
            failures.append(f"{post['id']}: {problem}: {summary[:120]!r}")
            causes[problem] += 1
        if row.get("children"):
            roundup_summaries[post["source"]].append(summary)
            for _, title, child_summary, child_text in row["children"]:
                child_problem = standalone_problem(child_summary)
                if child_problem:
                    failures.append(f"{post['id']} item {title[:40]!r}: {child_problem}: {child_summary[:120]!r}")
                    bare = child_problem == "no summary" and not child_text.strip()
                    causes["no summary: a bare link (no text) whose title is no sentence" if bare else child_problem] += 1
        reference = post.get("reference_summary")
        if reference:
            baseline = next(iter(split_sentences(row.get("text", ""))), "")
            ours[post["source"]].append(scorer.score(reference, summary)["rougeL"].fmeasure)
            first[post["source"]].append(scorer.score(reference, baseline)["rougeL"].fmeasure)
    by_source = {}
    for source in ours:
        mine, base = sum(ours[source]) / len(ours[source]), sum(first[source]) / len(first[source])
        by_source[source] = {"posts": len(ours[source]), "rouge_l": round(mine, 3),
                             "rouge_l_first_sentence": round(base, 3), "ratio": round(mine / max(base, 1e-9), 2)}
    every_ours = [value for values in ours.values() for value in values]
    every_first = [value for values in first.values() for value in values]
    shared = {source: len(values) - len(set(values)) for source, values in roundup_summaries.items()}
    return {
        "summary_references": len(every_ours),
        "summary_rouge_l": round(sum(every_ours) / max(1, len(every_ours)), 3),
        "summary_rouge_l_first_sentence": round(sum(every_first) / max(1, len(every_first)), 3),
        "summary_by_source": by_source,
        "summary_min_ratio": min((row["ratio"] for row in by_source.values()), default=None),
        "summary_rule_failures": len(failures),
        "summary_rule_failure_examples": [f for f in failures if "no summary" not in f][:20] + failures[:10],
        "summary_rule_failures_by_problem": dict(causes.most_common()),
        "roundup_summaries_shared": sum(shared.values()),
    }


def _listing_excerpt_failures(data: dict) -> dict:
    """Each post's opening as a blog index would show it (500-1,000 characters, cut off): its summary must pass too."""
    from blogreader.enrich.standalone import standalone_problem
    from blogreader.normalize.listing_entry import listing_summary

    failures, missing = [], 0
    for post in data["posts"]:
        text = " ".join(re.sub(r"<[^>]+>", " ", post["html"]).split())
        for length in (500, 1000):
            summary = listing_summary(text[:length] + "…") or ""
            problem = standalone_problem(summary) if summary else None
            missing += not summary
            if problem:
                failures.append(f"{post['id']}@{length}: {problem}: {summary[:100]!r}")
    return {"listing_excerpt_rule_failures": len(failures), "listing_excerpt_failure_examples": failures[:10],
            "listing_excerpts_without_summary": missing}


def _met(figure: float | None, target: float, roundups: int) -> bool | None:
    """Whether a roundup figure reaches its target; None (not applicable) for a set with no roundups."""
    if not roundups:
        return None
    return figure is not None and figure >= target


def report(posts_path: str | Path = POSTS) -> dict:
    """The figures for the corpus at `posts_path`, or {"skipped": reason} when it is absent."""
    path = Path(posts_path)
    if not path.exists():
        return {"benchmark": "quality_real_text", "skipped": f"{path} is not present (the real-posts corpus)"}
    data = json.loads(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as home:
        found = _read_through_product(Path(home), data)
    result = {"benchmark": "quality_real_text", "split": data.get("split"), "posts": len(data["posts"])}
    result.update(_roundup_scores(data, found))
    result.update(_summary_scores(data, found))
    result.update(_listing_excerpt_failures(data))
    result["targets"] = TARGETS
    result["met"] = {
        "item_recall": _met(result["roundup_item_recall"], TARGETS["item_recall"], result["roundup_posts"]),
        "item_precision": _met(result["roundup_item_precision"], TARGETS["item_precision"], result["roundup_posts"]),
        "false_splits": result["roundup_false_splits"] == 0,
        "rouge_ratio": (result["summary_min_ratio"] or 0) >= TARGETS["rouge_ratio"],
        "rule_failures": result["summary_rule_failures"] + result["listing_excerpt_rule_failures"] == 0,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(json.dumps(report(args[0] if args else POSTS), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
