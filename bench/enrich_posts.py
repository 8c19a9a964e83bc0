"""The posts bench/enrich.py enriches: generated ML-blog posts, each written about one taxonomy category's topics,
with a subtitle now and then, so that the right summary and category of every post is known."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

SEED = 20240607

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
