"""The corpus roundups (the Into AI feed, the ML Papers of the Week sections of ../shared/corpus/real) and the
real blogs fetched together from a loopback server, with a links feed built at run time that names some of the
same papers in other link shapes: one entry per paper, with every recommender listed and the posts about it."""

from __future__ import annotations

import json
from collections import defaultdict

from blogreader.dedupe.works import work_url
from tests.conftest import corpus_file
from tests.endorsements.corpus_feeds import serve_corpus

SHAPES = [  # another roundup's way of linking a paper: pdf with a version, the Hugging Face page, alphaXiv
    lambda paper: paper.replace("/abs/", "/pdf/") + "v2",
    lambda paper: paper.replace("https://arxiv.org/abs/", "https://huggingface.co/papers/"),
    lambda paper: paper.replace("https://arxiv.org/abs/", "https://www.alphaxiv.org/abs/"),
]


def relinking_feed(server, papers: list[str]) -> str:
    """A roundup of our own naming `papers` by other link shapes (built from their ids, no corpus text)."""
    items = "".join(f'<h3>{rank}. <a href="{SHAPES[rank % 3](paper)}">Paper number {rank}</a></h3>'
                    f"<p>Our note on paper number {rank}.</p>" for rank, paper in enumerate(papers, start=1))
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Second Opinion</title>'
            "<link>https://second.example/</link><description>d</description><item><title>Five we liked</title>"
            "<link>https://second.example/five</link><guid>https://second.example/five</guid>"
            "<pubDate>Mon, 06 Jul 2026 09:00:00 GMT</pubDate>"
            f"<description><![CDATA[<p>Five papers.</p>{items}]]></description></item></channel></rss>")
    return server.serve("/second.xml", body)


def test_corpus_roundups_give_one_entry_per_paper_with_every_recommender(cli, server, home):
    posts = corpus_file("real/posts.json")
    corpus_file("intoai-feed.xml")
    data = json.loads(posts.read_text(encoding="utf-8"))
    potw = data["sources"]["dair-potw"]["feed_title"]
    named: dict[str, set[str]] = defaultdict(set)  # the truth: each roundup item's work, and who names it
    for post in data["posts"]:
        for item in post["items"] or []:
            named[work_url(item["url"]) or item["url"]].add(potw)
    again = [work for work in named if work.startswith("https://arxiv.org/abs/")][::12][:5]
    for work in again:
        named[work].add("Second Opinion")

    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("starter_subscriptions = false\n", encoding="utf-8")
    feeds = [*serve_corpus(server, posts.parents[1]).values(), relinking_feed(server, again)]
    for feed in feeds:
        assert cli("add", feed).code == 0
    fetched = cli("fetch", "--no-enrich")
    assert fetched.code == 0, fetched.err

    rows = cli("list", "--all", "--json", "--limit", "0").json
    by_work = defaultdict(list)
    for row in rows:
        by_work[work_url(row["url"]) or row["url"]].append(row)
    for work, recommenders in named.items():
        assert len(by_work[work]) == 1, (work, [row["url"] for row in by_work[work]])
        shown = cli("show", str(by_work[work][0]["id"]), "--json").json
        assert {mention["source"] for mention in shown["mentions"]} == recommenders, work
        assert shown["recommended_by"] == len(recommenders), work
    # Every paper the Into AI roundups name is one entry too, each named by that newsletter.
    into_ai = [row for row in rows if row["kind"] == "post" and "This Week In AI Research" in row["title"]]
    assert len(into_ai) == 5
    for roundup in into_ai:
        items = cli("show", str(roundup["id"]), "--json").json["items"]
        assert len(items) == 10
        for item in items:
            assert len(by_work[work_url(item["url"]) or item["url"]]) == 1, item["url"]
    # A lab's own post about a paper of the week is listed on the paper's entry (one such pair in the corpus).
    about = {work: cli("show", str(by_work[work][0]["id"]), "--json").json["discussed_by"] for work in named}
    discussed = {work: [post["source"] for post in found] for work, found in about.items() if found}
    assert list(discussed.values()) == [[data["sources"]["bair"]["feed_title"]]], discussed
    ranked = cli("list", "--sort", "endorsements", "--json", "--limit", "0").json
    assert [row["recommended_by"] for row in ranked[:len(again)]] == [2] * len(again)
