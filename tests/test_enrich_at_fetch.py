"""A fetch that enriches new posts as it parses them: the same summaries, categories, promo flags and search
results as a fetch followed by the enrich pass, each row written once, and the pass left with what only it can do
(roundups, labels not fitted yet, model backends)."""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

import pytest

from blogreader.config import load_settings
from blogreader.enrich.at_fetch import FetchEnricher
from blogreader.pipeline import enrich_new, refresh
from blogreader.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
TOPICS = [
    ("Serving long prompts", "We measure how a paged KV cache and speculative decoding change the latency of serving "
     "long prompts on one GPU. Batching requests of mixed lengths doubles throughput, while quantizing the cache "
     "to eight bits costs under a point of accuracy."),
    ("Rewards that drift", "Reward models trained on human preferences drift as the policy improves. We train a "
     "policy with GRPO against three reward models and show that refreshing the preference data every thousand "
     "steps keeps the reward honest."),
    ("We are hiring research engineers", "Our team is growing and we are hiring research engineers in London and "
     "remote. Join us to build the tools our customers use every day; apply through our careers page today."),
    ("Probing for truth", "Linear probes on the residual stream find a direction that separates true from false "
     "statements. Steering along it changes the answers of the model, and sparse autoencoders recover the same "
     "feature."),
]


# Every post is long enough not to be a teaser (which the fetch completes from its page first).
METHOD = ("The setup section lists every run number {n} used, with its seed, its data and its hardware, so that "
          "another group can repeat it. We kept the configuration files, the evaluation scripts and the raw logs, "
          "and the appendix reports the variance over five seeds for each of the {n} settings. Where a run failed "
          "we say so and give the reason instead of dropping it, because a table with only the good runs "
          "misleads whoever reads it later. The code and the checkpoints are public, and the next post will "
          "report what other groups found when they tried it on their own problems and their own machines, "
          "including the cases where it did not help at all. Questions and corrections are welcome by mail.")


def post(site: str, n: int, title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{sentence.strip()}.</p>" for sentence in body.split(". ") if sentence.strip())
    paragraphs += f"<p>{METHOD.format(n=n + 2)}</p>"
    return (f"<item><title>{title} ({n})</title><link>https://{site}/{n}</link><guid>tag:{site},2026:{n}</guid>"
            f"<description>{html.escape(paragraphs)}</description></item>")


def feed(number: int, posts: int, roundup: str | None = None) -> str:
    site = f"lab{number}.example.com"
    items = [post(site, n, *TOPICS[(number + n) % len(TOPICS)]) for n in range(posts)]
    if roundup is not None:
        items.append(f"<item><title>This week's papers</title><link>https://{site}/week</link>"
                     f"<guid>tag:{site},2026:week</guid><description>{html.escape(roundup)}</description></item>")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lab {number}</title>'
            f"<link>https://{site}/</link>{''.join(items)}</channel></rss>")


@pytest.fixture
def libraries(tmp_path, monkeypatch):
    """Two fresh libraries: one fetched with enrichment as it parses, one fetched and enriched after."""
    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    opened = []

    def open_library(name: str):
        settings = load_settings(tmp_path / name)
        store = Store.open(settings.database_path)
        opened.append(store)
        return store, settings

    yield open_library
    for store in opened:
        store.close()


ENRICHED = ("SELECT url, summary, summary_origin, category, category_origin, promo, promo_origin, "
            "enriched_at IS NOT NULL FROM entries ORDER BY url")


def found(store: Store, words: list[str]) -> list[tuple[str, list[str]]]:
    return [(word, sorted(entry.url for entry in store.search(word, limit=None))) for word in words]


@pytest.mark.parametrize("feeds", [3, 40], ids=["in the fetching process", "in the parse workers"])
def test_a_fetch_enriches_new_posts_as_the_enrich_pass_would(libraries, server, feeds):
    roundup = (FIXTURES / "roundups" / "numbered_linked_h3_desc.html").read_text(encoding="utf-8")
    urls = [server.serve(f"/{n}.xml", feed(n, 4, roundup if n == 1 else None)) for n in range(feeds)]
    results = {}
    for name, at_fetch in (("after", False), ("as parsed", True)):
        store, settings = libraries(name)
        for url in urls:
            store.add_source(url, "feed")
        report = refresh(store, store.sources(), settings, enrich=at_fetch)
        left = enrich_new(store, settings)
        results[name] = (report, left, store.conn.execute(ENRICHED).fetchall(), store)
    report, left, rows, store = results["as parsed"]
    _, _, expected, plain = results["after"]
    assert [tuple(row) for row in rows] == [tuple(row) for row in expected]
    words = ["latency", "grpo", "hiring", "probes", "papers"]
    assert found(store, words) == found(plain, words) and all(urls for _, urls in found(store, words))
    # Every post but the roundup was enriched as it was parsed; the roundup and its items were left to the pass.
    assert report.enrichment.enriched == 4 * feeds
    items = store.conn.execute("SELECT count(*) FROM entries WHERE parent_id IS NOT NULL").fetchone()[0]
    assert items >= 3 and left.enriched == 1 + items
    assert all(row[-1] for row in rows)  # and nothing is left unenriched
    assert any(row[5] for row in rows)  # the hiring post is a promotion in both


def test_a_changed_feed_enriches_only_its_new_post_as_it_parses(libraries, server):
    store, settings = libraries("library")
    url = server.serve("/lab.xml", feed(0, 3))
    store.add_source(url, "feed")
    assert refresh(store, store.sources(), settings, enrich=True).enrichment.enriched == 3
    before = store.conn.execute("SELECT url, enriched_at FROM entries ORDER BY url").fetchall()
    server.serve("/lab.xml", feed(0, 4))  # one post more: the other three are known by their guids
    again = refresh(store, store.sources(), settings, enrich=True)
    assert again.new_entries == 1 and again.enrichment.enriched == 1
    after = store.conn.execute("SELECT url, enriched_at FROM entries ORDER BY url").fetchall()
    assert [tuple(row) for row in after if row[0] != "https://lab0.example.com/3"] == [tuple(row) for row in before]


def test_labels_not_fitted_yet_and_model_backends_leave_enrichment_to_the_pass(libraries, server):
    store, settings = libraries("library")
    url = server.serve("/lab.xml", feed(0, 4))
    store.add_source(url, "feed")
    refresh(store, store.sources(), settings, enrich=True)
    labelled = store.conn.execute("SELECT id FROM entries ORDER BY id").fetchone()[0]
    store.edit(labelled, category="Inference")
    assert FetchEnricher.for_run(store, settings) is None  # the fit with this label is not saved yet
    enrich_new(store, settings)  # nothing to enrich: the fit waits for a pass with work
    server.serve("/lab.xml", feed(0, 5))
    report = refresh(store, store.sources(), settings, enrich=True)
    assert report.enrichment is None and report.new_entries == 1
    assert enrich_new(store, settings).enriched == 1  # the pass fits and keeps the fit ...
    assert FetchEnricher.for_run(store, settings) is not None  # ... so the next fetch enriches as it parses
    with_model = replace(settings, enrich=replace(settings.enrich, summarizer="llm:some-model"))
    assert FetchEnricher.for_run(store, with_model) is None
    with_model = replace(settings, enrich=replace(settings.enrich, classifier="llm:some-model"))
    assert FetchEnricher.for_run(store, with_model) is None


def test_fetch_reports_what_it_enriched_as_it_parsed(cli, server):
    url = server.serve("/lab.xml", feed(0, 4))
    assert cli("add", url).code == 0
    fetched = cli("fetch")
    assert fetched.code == 0 and "enriched 4 entries (1 promotions)" in fetched.out
    listed = cli("list", "--all", "--json").json
    assert len(listed) == 4 and all(entry["summary"] and entry["category"] for entry in listed)
