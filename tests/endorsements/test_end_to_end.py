"""End to end through a loopback server: three roundup feeds name overlapping papers by different link shapes
(abs, pdf, Hugging Face, alphaXiv, OpenReview forum/pdf, DOI landing page); each paper is one entry listing
every recommender, and `list --sort endorsements` ranks the paper all three name first."""

from __future__ import annotations

from tests.conftest import FIXTURES
from tests.hostile.helpers import assert_clean_failure, entries

FEEDS = {"/picks.xml": "picks_weekly.xml", "/digest.xml": "the_digest.xml", "/links.xml": "links_and_recs.xml"}


def subscribe_all(cli, server, home) -> None:
    """Subscribe to the three roundup feeds and fetch them (default time-outs: a busy machine is not a failure)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("starter_subscriptions = false\n", encoding="utf-8")
    for path, name in FEEDS.items():
        assert cli("add", server.serve_file(path, FIXTURES / "endorsements" / name)).code == 0
    fetched = cli("fetch", "--no-enrich")
    assert fetched.code == 0 and "too slow" not in fetched.err, fetched.err




def test_each_paper_is_one_entry_with_every_recommender(cli, server, home):
    subscribe_all(cli, server, home)
    links = [row for row in entries(cli) if row["kind"] == "link"]
    assert len(links) == 5  # Mamba, Self-Rewarding, Few-shot, Quiet-STaR, Stochastic Parrots: no copies
    mamba = [row for row in links if "2312.00752" in row["url"]]
    assert len(mamba) == 1
    shown = cli("show", str(mamba[0]["id"]), "--json")
    assert shown.code == 0, shown.err
    data = shown.json
    assert data["recommended_by"] == 3
    assert [(m["source"], m["rank"], m["title"]) for m in data["mentions"]] == [
        ("Paper Picks Weekly", 1, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"),
        ("The Digest", 1, "Linear-time sequence models arrive"),
        ("Links and Recs", 1, "Mamba on the Hugging Face papers page"),
    ]
    assert data["mentions"][1]["blurb"].startswith("A selective state space layer")
    assert {"source", "source_id", "roundup_id", "roundup_title", "rank", "title", "blurb", "added"} <= set(data["mentions"][0])
    text = cli("show", str(mamba[0]["id"]))
    assert "recommended by 3 sources:" in text.out
    for name, said in [("Paper Picks Weekly", "Selective state spaces"), ("The Digest", "hardware-aware scan"),
                       ("Links and Recs", "authors reply there")]:
        assert name in text.out and said in text.out


def test_list_sort_endorsements_ranks_the_most_recommended_first(cli, server, home):
    subscribe_all(cli, server, home)
    ranked = cli("list", "--sort", "endorsements", "--json")
    assert ranked.code == 0, ranked.err
    counts = [(row["recommended_by"], row["url"]) for row in ranked.json]
    # The work keeps the link of whichever roundup was stored first (feeds are fetched side by side).
    assert counts[0][0] == 3 and "2312.00752" in counts[0][1]
    assert [count for count, _ in counts] == [3, 2, 2, 2, 2]
    table = cli("list", "--sort", "endorsements")
    assert table.out.splitlines()[0].split()[:2] == ["RECS", "ID"]
    assert table.out.splitlines()[1].split()[0] == "3"
    # Since Thursday only the links page counts: every work it names is recommended once.
    recent = cli("list", "--sort", "endorsements", "--since", "2026-03-05", "--json").json
    assert sorted(row["recommended_by"] for row in recent) == [1, 1, 1, 1]


def test_sort_endorsements_with_other_filters_is_a_usage_error(cli, server, home):
    subscribe_all(cli, server, home)
    result = cli("list", "--sort", "endorsements", "--unread")
    assert_clean_failure(result, "--sort endorsements", code=2)
    assert cli("list", "--sort", "endorsements", "--since", "yesterday-ish").code == 2


def test_a_feed_posting_the_paper_itself_recommends_it_unless_it_is_the_papers_own_archive(cli, server, home):
    subscribe_all(cli, server, home)
    for path, name in {"/sam.xml": "link_blog.xml", "/arxiv.xml": "arxiv_listing.xml"}.items():
        assert cli("add", server.serve_file(path, FIXTURES / "endorsements" / name)).code == 0
    fetched = cli("fetch", "--no-enrich")
    assert fetched.code == 0 and "too slow" not in fetched.err, fetched.err
    links = {row["url"]: row["id"] for row in entries(cli) if row["kind"] == "link"}
    assert len(links) == 5  # the link blog's and arXiv's items are the works already named, not new entries
    [rewarding] = [entry_id for url, entry_id in links.items() if "2401.10020" in url]
    data = cli("show", str(rewarding), "--json").json
    assert data["recommended_by"] == 3
    assert data["mentions"][-1] == {
        "source": "Sam's Link Blog", "source_id": data["mentions"][-1]["source_id"], "roundup_id": None,
        "roundup_title": None, "rank": None, "title": data["mentions"][-1]["title"], "blurb": "",
        "added": data["mentions"][-1]["added"]}
    assert "Sam's Link Blog, posted directly" in cli("show", str(rewarding)).out
    ranked = cli("list", "--sort", "endorsements", "--json").json
    counts = {row["id"]: row["recommended_by"] for row in ranked}
    [mamba] = [entry_id for url, entry_id in links.items() if "2312.00752" in url]
    assert counts[mamba] == 3  # arXiv's own listing publishes the paper; it does not recommend it
    assert counts[rewarding] == 3
