"""Enrichment benchmark: BlogReader's offline summaries, promo flags and categories against LexRank.

What it measures, on generated AI/ML blog posts (seeded: every run sees the same posts):

- BlogReader offline: a `Document` per post, `ExtractiveSummarizer().summarize`, `judge_promo`,
  and one `LocalClassifier(DEFAULT_TAXONOMY).classify_many` over all of them. Building the
  classifier (importing scikit-learn and fitting TF-IDF on the taxonomy) is timed apart and
  counted in the headline entries/s.
- BlogReader end to end: the posts normalized and saved into a fresh library, then one
  `enrich_entries(store, settings, only_unenriched=True)`: read, enrich, write back; entries/s
  (scikit-learn is imported by then, so this leaves out its import and includes the classifier's fit).
- Baseline: sumy's LexRank, one sentence per post, on the first posts of the same set (it is
  slow). It needs nltk's punkt data, downloaded once into a temporary folder when it is not
  installed; when sumy is missing or the download fails, the baseline is the first sentence of
  each post, and `baseline.name` says "first-sentence" with the reason. The baseline only
  summarizes, while BlogReader also flags promotions and files a category.
- Peak RSS of the BlogReader run and of the baseline, each measured in its own child process.

Run it from the project folder:

    .venv/bin/python bench/enrich.py            # 5000 posts, baseline on 500
    .venv/bin/python bench/enrich.py --quick    # 300 posts, baseline on 50: a smoke run

One JSON object goes to stdout; progress goes to stderr. Exit status 1 when a check fails
(for example a post left without a summary or a category).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from children import run_in_child  # a sibling module of this script

SEED = 20240607
TARGETS = {"entries_per_s_min": 200}  # issue 11: on 2 cores with the default backends
CHILD_TIMEOUT = 1800.0  # seconds a measuring child may run before it is stopped
DOWNLOAD_TIMEOUT = 30.0  # seconds for each network operation of the one nltk data download

# -- the posts ------------------------------------------------------------------------------------

# Each topic is named after the taxonomy category its posts belong under.
TOPICS = {
    "RL": ["the reward model", "GRPO", "PPO", "the KL penalty", "verifiable rewards", "rollouts",
           "preference data", "the policy", "advantage estimates", "RLHF", "DPO", "on-policy sampling"],
    "Interpretability": ["sparse autoencoders", "linear probes", "steering vectors", "the residual stream",
                         "attention heads", "feature directions", "activation patching", "superposition",
                         "circuits", "persona vectors", "the logit lens", "dictionary features"],
    "Systems": ["GPU kernels", "Triton", "tensor parallelism", "FSDP", "NVLink bandwidth", "HBM",
                "the compiler", "H100 clusters", "MFU", "collective communication", "TPU pods", "pipeline bubbles"],
    "Inference": ["speculative decoding", "the KV cache", "quantization", "FP8 weights", "continuous batching",
                  "prefill", "time to first token", "paged attention", "vLLM", "the draft model",
                  "decode throughput", "INT4 kernels"],
    "Agents": ["coding agents", "tool calls", "the agent harness", "long-horizon tasks", "agent memory",
               "function calling", "the planner", "retrieval", "the scaffold", "multi-agent setups",
               "computer use", "MCP servers"],
    "Scaling": ["scaling laws", "compute-optimal training", "the loss curve", "parameter count", "training FLOPs",
                "test-time compute", "the Chinchilla ratio", "isoFLOP profiles", "the data budget", "power laws",
                "extrapolation", "frontier runs"],
    "Safety": ["alignment", "jailbreaks", "reward hacking", "deceptive behaviour", "red teaming", "oversight",
               "backdoors", "sycophancy", "model organisms", "refusals", "monitoring", "AI control"],
    "Training": ["fine-tuning", "LoRA", "the learning rate schedule", "AdamW", "Muon", "distillation", "warmup",
                 "loss spikes", "mixed precision", "instruction tuning", "context extension", "the batch size"],
}
SENTENCES = (
    "We find that {a} improves {b} by {n}% on our held-out set.",
    "In this post, we look at how {a} interacts with {b}.",
    "The main result is that {a} matters more than {b} once you control for {c}.",
    "This is surprising, because most prior work treats {a} as a fixed property of {b}.",
    "To test this, we trained {n} models with and without {a}.",
    "Fig. {n} shows {a} against {b} for every run we tried.",
    "One caveat: {a} is sensitive to {c}, so the numbers here are noisy.",
    "I think the right way to read this is that {a} is a proxy for {b}.",
    "Earlier work (e.g. Chen et al., {year}) reported a similar effect of {a} on {b}.",
    "Concretely, we fix {c} and vary {a} over {n} settings.",
    "If you remember one thing, it’s that {a} scales with {b}.",
    "None of this would work without {a}, which is easy to get wrong.",
    "We’ll come back to {b} later — for now, note that {a} dominates the cost.",
    "Why does {a} help?",
    "The short answer is that {b} was the bottleneck all along.",
    "Our code for {a} is open source, and the logs include every run of {b}.",
    "In practice, {a} costs about {n}x more than {b}, i.e. it is not free.",
    "This matches what practitioners report about {a} and {c}.",
)
HEADINGS = ("Setup", "Results", "Why {a} matters", "What about {b}?", "Limitations", "{a} in practice",
            "Related work", "Takeaways")
TITLES = ("How {a} changes {b}", "Notes on {a}", "{a} is not what you think", "What we learned about {a} and {b}",
          "{a}: a practical guide", "A closer look at {a}")
SPONSOR_LINES = (
    "This post is sponsored by Lambda — rent H100s by the hour. Get 20% off →",
    "Today’s newsletter is sponsored by Weights & Biases.",
    "A quick word from our sponsor: Modal runs your GPU jobs without the YAML.",
)
SPONSORED_SHARE = 0.1
ROUNDUP_SHARE = 0.05  # weekly "top N papers" posts, whose numbered headings get the roundup summary


@dataclass(frozen=True)
class Post:
    topic: str
    title: str
    text: str  # plain text, one paragraph or heading per line
    html: str  # the same as <h2> and <p> blocks
    url: str
    published: datetime
    sponsored: bool
    roundup: bool


def fill(rng: random.Random, template: str, topic: str) -> str:
    """A template with terms mostly from `topic`, now and then from another one."""
    def term() -> str:
        pool = TOPICS[topic] if rng.random() < 0.8 else TOPICS[rng.choice(list(TOPICS))]
        return rng.choice(pool)

    text = template.format(a=term(), b=term(), c=term(), n=rng.randint(2, 64), year=rng.randint(2017, 2025))
    return text[:1].upper() + text[1:] if text[:2].islower() else text  # "vLLM" stays as it is


def paragraph(rng: random.Random, topic: str) -> str:
    return " ".join(fill(rng, rng.choice(SENTENCES), topic) for _ in range(rng.randint(3, 7)))


def make_post(n: int, seed: int = SEED) -> Post:
    """Post n, the same for a given seed whatever the number of posts asked for."""
    rng = random.Random(seed * 1_000_003 + n)
    topic = rng.choice(list(TOPICS))
    sponsored, roundup = rng.random() < SPONSORED_SHARE, rng.random() < ROUNDUP_SHARE
    blocks: list[tuple[str, str]] = []  # (tag, text)
    if sponsored:
        blocks.append(("p", rng.choice(SPONSOR_LINES)))
    if roundup:
        picks = rng.randint(5, 9)
        title = f"The {picks} best {rng.choice(TOPICS[topic])} papers this week"
        for rank in range(1, picks + 1):
            blocks += [("h2", f"{rank}. {fill(rng, rng.choice(TITLES), topic)}"), ("p", paragraph(rng, topic))]
    else:
        title = fill(rng, rng.choice(TITLES), topic)
    target, words = rng.randint(300, 2000), sum(len(text.split()) for _, text in blocks)
    while words < target:
        if blocks and rng.random() < 0.15:
            blocks.append(("h2", fill(rng, rng.choice(HEADINGS), topic)))
        text = paragraph(rng, topic)
        blocks.append(("p", text))
        words += len(text.split())
    return Post(
        topic=topic,
        title=title,
        text="\n".join(text for _, text in blocks),
        html="".join(f"<{tag}>{escape(text)}</{tag}>" for tag, text in blocks),
        url=f"https://blog{n % 97}.example.com/posts/{n}",
        published=datetime(2025, 6, 1, tzinfo=UTC) - timedelta(hours=n),
        sponsored=sponsored,
        roundup=roundup,
    )


def make_posts(count: int, seed: int = SEED) -> list[Post]:
    return [make_post(n, seed) for n in range(count)]


def corpus_stats(posts: list[Post]) -> dict:
    words = [len(post.text.split()) for post in posts]
    return {
        "words_mean": round(sum(words) / len(words)),
        "words_min": min(words),
        "words_max": max(words),
        "text_mb": round(sum(len(post.text.encode()) for post in posts) / 1e6, 1),
        "sponsored": sum(post.sponsored for post in posts),
        "roundups": sum(post.roundup for post in posts),
    }


# -- measuring children -------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench/enrich] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set size (ru_maxrss is in KB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


class Stopwatch:
    """Named laps: `with watch("summarize"): ...`, then `watch.seconds` (wall) and `watch.cpu` (this process)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, name: str) -> Stopwatch:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._started, self._cpu_started = time.perf_counter(), time.process_time()

    def __exit__(self, *exc_info) -> None:
        self.seconds[self._name] = time.perf_counter() - self._started
        self.cpu[self._name] = time.process_time() - self._cpu_started


def measure_offline(posts: list[Post]) -> dict:
    """Summary, promo verdict and category for every post, without a library."""
    from blogreader.enrich.base import Document
    from blogreader.enrich.extractive import ExtractiveSummarizer
    from blogreader.enrich.local_classifier import LocalClassifier
    from blogreader.enrich.promo import judge_promo
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    from blogreader.enrich.model_cache import load_or_fit

    watch = Stopwatch()
    with tempfile.TemporaryDirectory(prefix="bench-models-") as folder:
        with watch("classifier_fit_cold"):  # a library's first run: import scikit-learn, fit, save
            load_or_fit(DEFAULT_TAXONOMY, [], Path(folder))
        with watch("classifier_fit"):  # every later run until the labels change: load the saved arrays
            classifier = load_or_fit(DEFAULT_TAXONOMY, [], Path(folder))
        with watch("classifier_fit_warm"):
            LocalClassifier(DEFAULT_TAXONOMY, model=classifier.model)
    with watch("documents"):
        docs = [Document(post.title, post.text) for post in posts]
    with watch("summarize"):
        summarizer = ExtractiveSummarizer()
        summaries = [summarizer.summarize(doc) for doc in docs]
    with watch("promo"):
        verdicts = [judge_promo(doc) for doc in docs]
    with watch("classify"):
        categories = classifier.classify_many(docs)
    with watch("product_path"):  # what `enrich` runs: summaries and promo verdicts on every core, then categories
        read_in_parallel(docs)
        classifier.classify_many(docs)
    laps = watch.seconds
    per_entry = laps["documents"] + laps["summarize"] + laps["promo"] + laps["classify"]
    seconds = laps["classifier_fit"] + per_entry
    cpu_seconds = sum(cpu for name, cpu in watch.cpu.items() if name not in ("classifier_fit_warm", "classifier_fit_cold"))
    return {
        "entries_per_s": rate(len(posts), seconds),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),  # well below `seconds` when other work shares the CPU
        "classifier_load_seconds": round(laps["classifier_fit"], 3),
        "classifier_fit_once_seconds": round(laps["classifier_fit_cold"], 3),  # only when labels change
        "classifier_fit_warm_seconds": round(laps["classifier_fit_warm"], 3),
        "entries_per_s_excluding_fit": rate(len(posts), per_entry),
        "product_path_entries_per_s": rate(len(posts), laps["classifier_fit"] + laps["product_path"]),
        "stage_seconds": {name: round(laps[name], 3) for name in ("documents", "summarize", "promo", "classify")},
        "summaries": sum(1 for summary in summaries if summary and summary.text),
        "categorized": sum(1 for category in categories if category),
        "promos": sum(verdict.promo for verdict in verdicts),
        # Posts are generated from one topic each: how often the category is that topic's.
        "category_matches_topic": round(
            sum(1 for post, category in zip(posts, categories) if category and category.category == post.topic)
            / len(posts), 3),
    }


def read_in_parallel(docs) -> list:
    """The enrichment runner's own path for summaries and promo verdicts (worker processes on large batches)."""
    import tempfile

    from blogreader.config import load_settings
    from blogreader.enrich.runner import _read_texts
    from blogreader.store.enrichment import EnrichmentInput

    inputs = [EnrichmentInput(n, "post", doc.title, doc.text, None, None, None, None, None, None)
              for n, doc in enumerate(docs)]
    with tempfile.TemporaryDirectory() as home:
        return _read_texts("extractive", load_settings(Path(home)), inputs, docs)


def measure_store(posts: list[Post]) -> dict:
    """The posts saved into a fresh library, then one `enrich_entries` over all of them."""
    from blogreader.config import load_settings
    from blogreader.enrich.runner import enrich_entries
    from blogreader.models import ParsedEntry
    from blogreader.normalize.entry import normalize_entry
    from blogreader.store import Store

    watch = Stopwatch()
    with tempfile.TemporaryDirectory(prefix="blogreader-bench-enrich-") as tmp:
        settings = load_settings(Path(tmp) / "library")
        store = Store.open(settings.database_path)
        try:
            with watch("normalize"):
                entries = [
                    normalize_entry(ParsedEntry(post.title, post.url, published=post.published, content_html=post.html),
                                    post.url)
                    for post in posts
                ]
            with watch("save"):
                saved = store.save_entries(None, entries)
            del entries  # the library holds them now; the peak RSS is not the benchmark's own copies
            with watch("first_fit"):  # once per library and per change of labels, as `enrich` does on its first run
                from blogreader.enrich.model_cache import load_or_fit
                from blogreader.enrich.registry import MODEL_FOLDER

                load_or_fit(settings.taxonomy, [], settings.home / MODEL_FOLDER)
            with watch("enrich"):
                report = enrich_entries(store, settings, only_unenriched=True)
            enriched, summarized, categorized = store.conn.execute(
                "SELECT count(*), count(summary), count(category) FROM entries WHERE enriched_at IS NOT NULL"
            ).fetchone()
        finally:
            store.close()
    laps = watch.seconds
    return {
        "end_to_end_entries_per_s": rate(len(posts), laps["enrich"]),
        "end_to_end_seconds": round(laps["enrich"], 3),
        "end_to_end_cpu_seconds": round(watch.cpu["enrich"], 3),
        "normalize_seconds": round(laps["normalize"], 3),
        "first_fit_seconds": round(laps["first_fit"], 3),
        "save_seconds": round(laps["save"], 3),
        "end_to_end_stored": len(saved.new_ids),
        "end_to_end_enriched": enriched,
        "end_to_end_summarized": summarized,
        "end_to_end_categorized": categorized,
        "end_to_end_promos": report.promos,
        "end_to_end_problems": report.problems[:3],
    }


def measure_blogreader(count: int, seed: int) -> dict:
    posts = make_posts(count, seed)
    result = {"corpus": corpus_stats(posts)}
    result.update(measure_offline(posts))
    log(f"offline: {result['entries_per_s']} entries/s; now through a library")
    result.update(measure_store(posts))
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def first_sentence(text: str) -> str:
    """The naive baseline: everything up to the first sentence end."""
    return re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]


def punkt_problem(download_dir: str) -> str | None:
    """None when sumy's tokenizer works, after one download of nltk's punkt data if it was missing."""
    import nltk

    def works() -> bool:
        from sumy.nlp.tokenizers import Tokenizer

        try:
            return bool(Tokenizer("english").to_words("It works. Twice."))
        except LookupError:
            return False

    if works():
        return None
    log("nltk punkt data is missing; downloading it into a temporary folder")
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT)
    try:
        loaded = [nltk.download(name, download_dir=download_dir, quiet=True) for name in ("punkt", "punkt_tab")]
    finally:
        socket.setdefaulttimeout(previous)
    nltk.data.path.insert(0, download_dir)
    if all(loaded) and works():
        return None
    return "nltk punkt data could not be downloaded (no network?), so LexRank could not run"


def baseline_summarizer(download_dir: str):
    """(summarize(text), name, why it fell back or None): sumy's LexRank when it can run here."""
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.nlp.tokenizers import Tokenizer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError:
        return first_sentence, "first-sentence", "sumy is not installed (pip install sumy)"
    problem = punkt_problem(download_dir)
    if problem:
        return first_sentence, "first-sentence", problem
    tokenizer = Tokenizer("english")
    lexrank = LexRankSummarizer(Stemmer("english"))
    lexrank.stop_words = get_stop_words("english")

    def summarize(text: str) -> str:
        document = PlaintextParser.from_string(text, tokenizer).document
        return " ".join(str(sentence) for sentence in lexrank(document, 1))

    return summarize, "sumy-lexrank", None


def measure_baseline(count: int, seed: int) -> dict:
    posts = make_posts(count, seed)
    with tempfile.TemporaryDirectory(prefix="bench-nltk-data-") as download_dir:
        summarize, name, fallback_reason = baseline_summarizer(download_dir)
        started = time.perf_counter()
        summaries = [summarize(post.text) for post in posts]
        seconds = time.perf_counter() - started
    return {
        "name": name,
        "fallback_reason": fallback_reason,
        "posts": count,
        "entries_per_s": rate(count, seconds),
        "seconds": round(seconds, 3),
        "summaries": sum(1 for summary in summaries if summary),
        "peak_rss_mb": peak_rss_mb(),
    }


MEASURES = {"blogreader": measure_blogreader, "baseline": measure_baseline}


def child_main(conn, name: str, count: int, seed: int) -> None:
    sys.stdout = sys.stderr  # stdout is the parent's, and carries only the JSON
    conn.send(MEASURES[name](count, seed))


def run_child(name: str, count: int, seed: int) -> dict:
    """Run one measurement in a fresh interpreter, so its peak RSS is its own."""
    return run_in_child(child_main, (name, count, seed), name, CHILD_TIMEOUT)


# -- the run --------------------------------------------------------------------------------------


def ratio(ours: float, theirs: float) -> float | None:
    return float(f"{ours / theirs:.3g}") if theirs else None


def checks(ours: dict, posts: int) -> dict:
    return {
        "every_post_summarized": ours["summaries"] == posts,
        "every_post_categorized": ours["categorized"] == posts,
        "every_post_stored": ours["end_to_end_stored"] == posts,
        "every_stored_post_enriched": ours["end_to_end_enriched"] == posts,
        "every_stored_post_summarized_and_categorized":
            ours["end_to_end_summarized"] == posts and ours["end_to_end_categorized"] == posts,
    }


def run(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    load_at_start = round(os.getloadavg()[0], 2)
    log(f"measuring BlogReader on {args.posts} generated posts")
    ours = run_child("blogreader", args.posts, args.seed)
    baseline_posts = min(args.baseline_posts, args.posts)
    log(f"measuring the baseline on {baseline_posts} posts")
    theirs = run_child("baseline", baseline_posts, args.seed)
    result = {
        "benchmark": "enrich",
        "posts": args.posts,
        "seed": args.seed,
        "blogreader": ours,
        "baseline": theirs,
        "ratios": {
            "speedup_vs_baseline": ratio(ours["entries_per_s"], theirs["entries_per_s"]),
            "end_to_end_speedup_vs_baseline": ratio(ours["end_to_end_entries_per_s"], theirs["entries_per_s"]),
        },
        "targets": TARGETS,
        "targets_met": {"entries_per_s": ours["entries_per_s"] >= TARGETS["entries_per_s_min"]},
        "checks": checks(ours, args.posts),
        "cpu_count": os.cpu_count(),
        "load_avg_1m_at_start": load_at_start,  # other work on the machine skews every rate
    }
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=int, default=5000, help="generated posts to enrich (default 5000)")
    parser.add_argument("--baseline-posts", type=int, default=500,
                        help="posts the slow LexRank baseline summarizes, the first of the same set (default 500)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"seed of the generated posts (default {SEED})")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 300 posts, baseline on 50")
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.baseline_posts = 300, 50
    for name in ("posts", "baseline_posts"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    result = run(parse_args(argv))
    print(json.dumps(result, indent=2))
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
