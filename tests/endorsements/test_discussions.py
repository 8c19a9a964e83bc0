"""A post about a paper is linked to the paper's entry, and the entry lists the posts about it: the rule on our
own labelled posts, then end to end through a loopback server (CLI text and JSON, the entry page)."""

from __future__ import annotations

import html
import json

from blogreader.dedupe.discussed import discussed_works
from tests.conftest import FIXTURES
from tests.endorsements.test_end_to_end import subscribe_all
from tests.hostile.helpers import entries
from tests.web.conftest import browser, library, live, off_loop, page  # noqa: F401 - fixtures used here

CASES = json.loads((FIXTURES / "discussions" / "posts.json").read_text(encoding="utf-8"))["cases"]


def test_the_rule_on_our_labelled_posts_makes_no_wrong_link():
    for case in CASES:
        found = discussed_works(case["html"], case["url"], case["url"])
        assert [item.work for item in found] == case["expected"], case["name"]
        if found:
            assert found[0].reason == case["reason"], case["name"]
    assert sum(bool(case["expected"]) for case in CASES) >= 6 and sum(not case["expected"] for case in CASES) >= 6


def test_a_post_with_thousands_of_links_or_broken_html_discusses_nothing():
    links = "".join(f'<p><a href="https://arxiv.org/abs/2401.{n:05d}">paper {n}</a></p>' for n in range(20_000))
    assert discussed_works(links, "https://blog.example/list") == []
    assert discussed_works("<p>" * 50_000 + "<a href='https://arxiv.org/abs/2401.00001'>x</a>") == []
    assert discussed_works("") == [] and discussed_works(None) == [] and discussed_works("<<<>>>") == []


def subscribe_with_the_blog(cli, server, home) -> dict[str, int]:
    """The three roundup feeds and a blog with a post about Mamba (and a reading list naming three papers)."""
    subscribe_all(cli, server, home)
    assert cli("add", server.serve_file("/ssm.xml", FIXTURES / "discussions" / "state_space_blog.xml")).code == 0
    fetched = cli("fetch", "--no-enrich")
    assert fetched.code == 0, fetched.err
    ids = {}
    for row in entries(cli):
        if "2312.00752" in (row["url"] or ""):
            ids["mamba"] = row["id"]
        elif (row["url"] or "").endswith("/selective-scans"):
            ids["post"] = row["id"]
        elif (row["url"] or "").endswith("/reading-list"):
            ids["list"] = row["id"]
    return ids


def test_the_papers_entry_lists_the_post_about_it_and_the_post_names_the_paper(cli, server, home):
    ids = subscribe_with_the_blog(cli, server, home)
    paper = cli("show", str(ids["mamba"]), "--json").json
    assert [(post["entry_id"], post["title"], post["source"], post["reason"]) for post in paper["discussed_by"]] == [
        (ids["post"], "Why selective scans work", "State Space Notes", "opening")]
    assert paper["recommended_by"] == 3  # a post about the paper is not one more recommender
    post = cli("show", str(ids["post"]), "--json").json
    assert [(item["entry_id"], item["reason"], item["links"]) for item in post["discusses"]] == [(ids["mamba"], "opening", 2)]
    assert post["discussed_by"] == []
    # A reading list names three papers once each: it is about none of them.
    assert cli("show", str(ids["list"]), "--json").json["discusses"] == []
    text = cli("show", str(ids["mamba"])).out
    assert "posts about it (1):" in text and f"Why selective scans work (entry {ids['post']}; State Space Notes)" in text
    assert f"(entry {ids['mamba']};" in cli("show", str(ids["post"])).out


def test_the_entry_page_lists_the_posts_about_the_paper(live, cli, server, home):
    ids = subscribe_with_the_blog(cli, server, home)
    status, _headers, text = live.request("GET", f"/entries/{ids['mamba']}")
    assert status == 200
    section = text.split('<section class="discussions">', 1)[1].split("</section>", 1)[0]
    assert "Posts about it (1)" in section
    assert f'<a href="/entries/{ids["post"]}">Why selective scans work</a>' in html.unescape(section)
    status, _headers, text = live.request("GET", f"/entries/{ids['post']}")
    assert status == 200 and '<ul class="discusses">' in text and f'href="/entries/{ids["mamba"]}"' in text


def test_from_the_paper_to_the_post_about_it_in_a_browser(live, page, cli, server, home):  # noqa: F811
    ids = off_loop(subscribe_with_the_blog, cli, server, home)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live.url}/entries/{ids['mamba']}")
    assert page.locator("section.recommended-by h2").inner_text() == "Recommended by 3 sources"
    assert page.locator("section.recommended-by li strong").all_inner_texts() == [
        "Paper Picks Weekly", "The Digest", "Links and Recs"]
    assert page.locator("section.discussions h2").inner_text() == "Posts about it (1)"
    page.locator("ul.discussed-by a").click()
    page.wait_for_url(f"{live.url}/entries/{ids['post']}")
    assert page.locator("ul.discusses a").get_attribute("href") == f"/entries/{ids['mamba']}"
    assert errors == []
