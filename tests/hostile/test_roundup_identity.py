"""Hostile suite: who decides what a roundup item says, and which copy of a post is the original.

A paper named by several roundups is one entry, but each roundup keeps its own rank, title and blurb for
it: the first roundup to name a paper (perhaps a stranger's) cannot rewrite what a trusted one shows. A
mirror fetched before the original does not make the original its "duplicate".
"""

from __future__ import annotations

from tests.hostile.helpers import MARK, entries, item, rss, sources, write_config
from tests.conftest import FIXTURES

PAPER = "https://arxiv.org/abs/2606.11873"


def roundup(papers: list[tuple[int, str, str, str]]) -> str:
    """A numbered roundup post: (rank, title, link, blurb) per item, each heading linking its paper."""
    return "".join(f'<h3>{rank}. <a href="{link}">{title}</a></h3><p>{blurb}</p>' for rank, title, link, blurb in papers)


def roundup_feed(site: str, post: str, papers: list[tuple[int, str, str, str]], title: str) -> str:
    return rss(item(title, f"{site}{post}", roundup(papers), link=f"{site}{post}"), title=title, link=site)


TRUSTED = [
    (1, "Sparse Mixture-of-Depths for Long-Context Retrieval", PAPER, "Routes each token through only the layers it needs."),
    (2, "Verifier-Guided Test-Time Scaling", "https://arxiv.org/abs/2606.14011", "A verifier picks which proofs to extend."),
    (3, "KV-Cache Quantization Without Calibration", "https://arxiv.org/abs/2606.14420", "Four-bit caches, no data needed."),
]
SECOND = [
    (1, "Agents That Write Their Own Unit Tests", "https://arxiv.org/abs/2606.15003", "Tests first, then code."),
    (2, "Mixture-of-Depths, read again", "https://arxiv.org/pdf/2606.11873v2", "Our second look: the routing is the win."),
    (3, "Process Reward Models Are Value Functions", "https://arxiv.org/abs/2606.13102", "A neat equivalence."),
]
HOSTILE = [
    (1, f"{MARK} Retracted: do not read", PAPER, f"{MARK} This paper was withdrawn for fraud, see evil.example."),
    (2, "Tool-Use Curricula for Small Models", "https://arxiv.org/abs/2606.13577", "Small models learn tools in order."),
    (3, "Data Mixing Laws", "https://arxiv.org/abs/2606.10588", "How much code to mix in, predicted."),
]


def add_roundup(cli, server, path: str, site: str, papers, title: str) -> int:
    """Subscribe to a feed carrying one roundup post, fetch it, and return the roundup's entry id."""
    url = server.serve(path, roundup_feed(site, "weekly-1", papers, title))
    assert cli("add", url).code == 0
    fetched = cli("fetch", "--no-enrich")
    assert fetched.code == 0, fetched.err
    return next(row["id"] for row in entries(cli) if row["url"] == f"{site}weekly-1")


def items_of(cli, roundup_id: int) -> list[dict]:
    shown = cli("show", str(roundup_id), "--json")
    assert shown.code == 0, shown.err
    return shown.json["items"]


def paper_item(items: list[dict]) -> dict:
    [found] = [row for row in items if "2606.11873" in row["url"]]
    return found


def test_two_roundups_naming_one_paper_each_show_their_own_rank_title_and_blurb(cli, server, home):
    write_config(home)
    trusted = add_roundup(cli, server, "/trusted.xml", "https://trusted.example/", TRUSTED, "Trusted Weekly")
    second = add_roundup(cli, server, "/second.xml", "https://second.example/", SECOND, "Second Digest")

    mine, theirs = paper_item(items_of(cli, trusted)), paper_item(items_of(cli, second))
    assert mine["id"] == theirs["id"]  # one paper, one entry, however it is linked
    assert (mine["rank"], mine["title"], mine.get("blurb")) == (1, TRUSTED[0][1], TRUSTED[0][3])
    assert (theirs["rank"], theirs["title"], theirs.get("blurb")) == (2, SECOND[1][1], SECOND[1][3])
    assert mine["source"] == "Trusted Weekly" and theirs["source"] == "Second Digest"

    text = cli("show", str(second)).out
    assert SECOND[1][1] in text and SECOND[1][3] in text and "#2" in text
    assert TRUSTED[0][1] not in text and TRUSTED[0][3] not in text
    # The README's first-parent fields keep their meaning: the first roundup to name the paper, its rank there.
    listed = next(row for row in entries(cli) if row["id"] == mine["id"])
    assert (listed["parent_id"], listed["rank"]) == (trusted, 1)


def test_a_hostile_roundup_cannot_change_what_the_trusted_roundup_shows(cli, server, home):
    write_config(home)
    hostile = add_roundup(cli, server, "/hostile.xml", "https://hostile.example/", HOSTILE, "Hostile Picks")
    trusted = add_roundup(cli, server, "/trusted.xml", "https://trusted.example/", TRUSTED, "Trusted Weekly")
    assert cli("enrich", "--all").code == 0  # summaries made from the hostile blurb must not show either

    def trusted_shows() -> str:
        return cli("show", str(trusted)).out + cli("show", str(trusted), "--json").out

    shown = trusted_shows()
    assert MARK not in shown and "Hostile Picks" not in shown
    assert TRUSTED[0][1] in shown and TRUSTED[0][3] in shown
    assert paper_item(items_of(cli, hostile))["title"].startswith(MARK)  # the stranger's words stay under theirs

    # The stranger edits their roundup and the paper's entry: still nothing of theirs under the trusted one.
    edited = [(rank, f"{MARK} {title}", link, f"{MARK} again") for rank, title, link, _ in HOSTILE]
    direct = item(f"{MARK} the paper, retitled", "direct-1", f"<p>{MARK} rewritten text</p>", link=PAPER)
    server.serve("/hostile.xml", rss(item("Hostile Picks", "https://hostile.example/weekly-1", roundup(edited),
                                          link="https://hostile.example/weekly-1") + direct,
                                     title="Hostile Picks", link="https://hostile.example/"))
    assert cli("fetch", "--no-enrich").code == 0
    assert MARK not in trusted_shows()
    assert MARK in cli("show", str(hostile)).out  # the stranger's own roundup did change

    # The user picks the paper, then unsubscribes from the stranger who named it first: the trusted roundup
    # keeps its item and the pick is kept.
    paper = paper_item(items_of(cli, trusted))
    assert cli("pick", str(paper["id"])).code == 0
    hostile_source = next(row["id"] for row in sources(cli) if row["title"] == "Hostile Picks")
    assert cli("remove", str(hostile_source)).code == 0
    after = paper_item(items_of(cli, trusted))
    assert (after["id"], after["title"], after["picked"]) == (paper["id"], TRUSTED[0][1], True)
    listed = next(row for row in entries(cli) if row["id"] == paper["id"])
    assert listed["parent_id"] == trusted


def test_the_web_entry_page_shows_each_roundups_own_items(cli, server, home):
    from fastapi.testclient import TestClient

    from blogreader.config import load_settings
    from blogreader.web.app import create_app

    write_config(home)
    add_roundup(cli, server, "/hostile.xml", "https://hostile.example/", HOSTILE, "Hostile Picks")
    trusted = add_roundup(cli, server, "/trusted.xml", "https://trusted.example/", TRUSTED, "Trusted Weekly")
    app = create_app(load_settings(home), port=8080)
    with TestClient(app, base_url="http://127.0.0.1:8080") as client:
        page = client.get(f"/entries/{trusted}")
    assert page.status_code == 200
    assert TRUSTED[0][1] in page.text and TRUSTED[0][3] in page.text
    assert MARK not in page.text and "Hostile Picks" not in page.text


BODY = " ".join(f"Sentence {n} about sparse autoencoders and the features they find in large models." for n in range(12))


def post_feed(site: str, link: str, title: str) -> str:
    return rss(item(title, link, f"<p>{BODY}</p>", link=link), title=title, link=site)


def test_a_mirror_fetched_first_yields_to_the_original_and_keeps_the_users_state(cli, server, home):
    """A digest republishes the post on another host; the author's own feed arrives later."""
    write_config(home)
    assert cli("add", server.serve("/digest.xml", post_feed("https://digest.example/",
                                                            "https://reposts.example/p/saes-at-scale", "Digest"))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    [mirror] = entries(cli)
    for command in (("read", str(mirror["id"])), ("pick", str(mirror["id"])), ("note", str(mirror["id"]), "seen it")):
        assert cli(*command).code == 0

    assert cli("add", server.serve("/author.xml", post_feed("https://author.example/",
                                                            "https://author.example/posts/sae", "Author"))).code == 0
    assert cli("fetch", "--no-enrich").code == 0
    everything = {row["url"]: row for row in entries(cli)}
    original, copy = everything["https://author.example/posts/sae"], everything["https://reposts.example/p/saes-at-scale"]
    assert original["duplicate_of"] is None and copy["duplicate_of"] == original["id"]
    assert [row["id"] for row in cli("list", "--json").json] == [original["id"]]
    assert (copy["picked"], copy["read"], copy["note"]) == (True, True, "seen it")  # nothing the user did is lost
    assert original["read"] is True  # the post read as the mirror does not come back unread


def test_a_mirror_on_its_own_site_that_came_first_stays_first_when_nothing_tells_them_apart(cli, server, home):
    """Two copies each on their own feed's site: structure cannot tell, so the first seen stays shown."""
    write_config(home)
    cli("add", server.serve("/a.xml", post_feed("https://first.example/", "https://first.example/p/sae", "First")))
    cli("fetch", "--no-enrich")
    cli("add", server.serve("/b.xml", post_feed("https://second.example/", "https://second.example/p/sae", "Second")))
    cli("fetch", "--no-enrich")
    everything = {row["url"]: row for row in entries(cli)}
    first, later = everything["https://first.example/p/sae"], everything["https://second.example/p/sae"]
    assert first["duplicate_of"] is None and later["duplicate_of"] == first["id"]


def article_page(canonical: str | None) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f"<!doctype html><html><head><title>SAEs at scale</title>{link}</head><body><article>"
            f"<h1>SAEs at scale</h1><p>{BODY}</p><p>{BODY}</p></article></body></html>")


def test_a_saved_mirror_whose_page_names_the_original_as_canonical_yields_to_it(cli, server, home):
    write_config(home)
    original_url = server.url("/posts/sae")
    mirror_url = server.serve("/mirror/sae", article_page(original_url), content_type="text/html; charset=utf-8")
    server.serve("/posts/sae", article_page(original_url), content_type="text/html; charset=utf-8")
    assert cli("save", mirror_url).code == 0
    assert cli("save", original_url).code == 0
    everything = {row["url"]: row for row in entries(cli)}
    assert everything[original_url]["duplicate_of"] is None
    assert everything[mirror_url]["duplicate_of"] == everything[original_url]["id"]


def test_a_feed_claiming_a_link_gains_no_right_to_rewrite_it_by_fetching_again(cli, server):
    """Every claiming feed is recorded as carrying the entry; that record once let it rewrite on its next fetch."""
    feeds = FIXTURES / "feeds"
    cli("add", server.serve_file("/feed.xml", feeds / "rss2.xml"))
    cli("fetch")
    syndicated = (feeds / "syndicated.xml").read_text()
    cli("add", server.serve("/planet.xml", syndicated))
    cli("fetch")
    server.serve("/planet.xml", syndicated.replace(
        "Learning-rate warmup keeps Adam's second-moment estimate from exploding early.",
        "Totally different text planted by another feed."))
    cli("fetch")
    warmup = next(e for e in cli("list", "--all", "--json").json if e["title"] == "Why warmup matters for Adam")
    shown = cli("show", str(warmup["id"]), "--json").json
    assert "second-moment" in shown["text"] and "planted" not in shown["text"]
    assert warmup["id"] in [e["id"] for e in cli("list", "--source", "2", "--json").json]
