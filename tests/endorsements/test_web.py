"""The web app's "Most recommended" page and the entry page's recommenders, over roundups fetched from a
loopback server; and the same in a real headless Chromium."""

from __future__ import annotations

import html
import re

from tests.endorsements.test_end_to_end import subscribe_all
from tests.web.conftest import browser, library, live, off_loop, page  # noqa: F401 - fixtures used here

def rows(text: str) -> list[tuple[int, int, str]]:
    """(recommenders, entry id, recommended by) of each row of the Most recommended page."""
    found = re.findall(r'<span class="recommenders">(\d+)</span> <a class="title" href="/entries/(\d+)">[^<]*</a></h2>'
                       r'\s*<p class="meta">Recommended by ([^<]*)</p>', text)
    return [(int(count), int(entry_id), html.unescape(names)) for count, entry_id, names in found]


def mamba_id(cli) -> int:
    """The paper all three roundups name (its stored link is whichever shape was saved first)."""
    [found] = [row["id"] for row in cli("list", "--json", "--kind", "link").json if "2312.00752" in row["url"]]
    return found


def test_most_recommended_ranks_by_distinct_sources_and_names_them(live, cli, server, home):
    subscribe_all(cli, server, home)
    status, _headers, text = live.request("GET", "/recommended")
    assert status == 200
    ranked = rows(text)
    assert ranked[0] == (3, mamba_id(cli), "Paper Picks Weekly, The Digest, Links and Recs")
    assert [count for count, _title, _names in ranked] == [3, 2, 2, 2, 2]
    # The fixtures' roundups are from March 2026: none in the last week of the real clock, and it says so.
    status, _headers, recent = live.request("GET", "/recommended?days=7")
    assert status == 200 and rows(recent) == [] and "No roundup recommends anything in that time" in recent
    status, _headers, bad = live.request("GET", "/recommended?days=0")
    assert status == 400 and "days" in bad and "Traceback" not in bad


def test_the_entry_page_shows_every_recommender_and_what_they_said(live, cli, server, home):
    subscribe_all(cli, server, home)
    status, _headers, text = live.request("GET", f"/entries/{mamba_id(cli)}")
    assert status == 200
    section = text.split('<section class="recommended-by">', 1)[1].split("</section>", 1)[0]
    assert "Recommended by 3 sources" in section
    for source, blurb in [("Paper Picks Weekly", "Selective state spaces finally match attention"),
                          ("The Digest", "The hardware-aware scan is the real trick."),
                          ("Links and Recs", "the authors reply there")]:
        assert f"<strong>{source}</strong>" in section and blurb in html.unescape(section)


def test_most_recommended_in_a_browser(live, page, cli, server, home):  # noqa: F811 - the fixture
    off_loop(subscribe_all, cli, server, home)
    mamba = off_loop(mamba_id, cli)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live.url + "/")
    page.get_by_role("link", name="Most recommended").click()
    page.wait_for_url(re.compile(r"/recommended$"))
    first = page.locator("ol.recommended > li").first
    assert first.locator(".recommenders").inner_text() == "3"
    assert first.locator("a.title").get_attribute("href") == f"/entries/{mamba}"
    first.locator("a.title").click()
    page.wait_for_url(re.compile(r"/entries/\d+$"))
    assert page.locator("section.recommended-by h2").inner_text() == "Recommended by 3 sources"
    assert page.locator("section.recommended-by li").count() == 3
    page.go_back()
    page.get_by_role("link", name="Last 30 days").click()
    page.wait_for_url(re.compile(r"days=30$"))
    assert page.locator("ol.recommended > li").count() == 0
    assert errors == []
