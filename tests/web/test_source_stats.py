"""Which sources are worth it: shares read, picked and starred per source and per recommender, in the CLI
(`sources --stats`, with --json) and on /sources/stats in a real headless Chromium, and the idle sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from blogreader.clock import iso


def _fill(library):
    """A lab of 4 posts (2 read, 2 picked of which 1 starred), a blog of 3 nobody picks, a newsletter recommending 2 lab posts."""
    store = library.store
    lab = library.source()
    blog = library.source("Lil'Log", "https://lilianweng.github.io/index.xml")
    weekly = library.source("Weekly picks", "https://weekly.example.org/feed")
    posts = library.add(4, source_id=lab)
    library.add(3, source_id=blog, url_base="https://lilianweng.github.io/p/")
    roundup = library.add(1, source_id=weekly, url_base="https://weekly.example.org/issue/")[0]
    store.set_read(posts[:2], True)
    store.set_picked([posts[0]], True)
    store.set_starred([posts[1]], True)  # a star picks it too
    now = iso(datetime.now(UTC))
    for position, work in enumerate(posts[1:3]):
        store.conn.execute("INSERT INTO mentions (entry_id, roundup_id, source_id, rank, position, title, blurb, added) "
                           "VALUES (?, ?, ?, ?, ?, 'A pick', 'Worth it.', ?)", (work, roundup, weekly, position + 1,
                                                                             position, now))
    return lab, blog, weekly


def test_sources_stats_in_the_cli_as_table_and_json(library, cli):
    lab, blog, weekly = _fill(library)
    data = cli("sources", "--stats", "--json").json
    rows = {row["id"]: row for row in data["sources"]}
    assert (rows[lab]["entries"], rows[lab]["read"], rows[lab]["picked"], rows[lab]["starred"]) == (4, 2, 2, 1)
    assert rows[lab]["picked_share"] == 0.5 and rows[lab]["recent"]["picked"] == 2
    assert rows[lab]["last_pick"] and rows[blog]["last_pick"] is None and rows[blog]["read_share"] == 0
    this_month = datetime.now(UTC).strftime("%Y-%m")
    assert data["months"][-1] == this_month and rows[lab]["months"][this_month]["picked"] == 2
    recommenders = {row["id"]: row for row in data["recommenders"]}
    assert list(recommenders) == [weekly]
    assert (recommenders[weekly]["entries"], recommenders[weekly]["picked"], recommenders[weekly]["starred"]) == (2, 1, 1)
    # Nothing picked from the blog, nor from the newsletter's own posts... but the newsletter recommended a pick.
    assert [row["id"] for row in data["idle"]] == [blog]

    text = cli("sources", "--stats").out
    assert "ENTRIES  READ PICKED STARRED" in text and "Recommenders:" in text
    assert "Interconnects" in text and "50%    50%     25%" in text
    assert "Nothing picked in 90 days from 1 source(s)" in text and "Lil'Log: 3 entries in 90 days, never picked from" in text


def test_stats_windows_leave_old_entries_out_of_the_recent_share(library):
    lab, _blog, _weekly = _fill(library)
    report = library.store.stats_report(now=datetime.now(UTC) + timedelta(days=200))
    lab_row = next(item for item in report.sources if item.id == lab)
    assert lab_row.total.entries == 4 and lab_row.recent.entries == 0 and lab_row.months == {}
    assert {item.id for item in report.idle} == {item.id for item in report.sources}  # the picks are 200 days old


def test_the_stats_page_in_a_browser(live, page):
    lab, blog, weekly = _fill(live.library)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live.url + "/sources")
    page.get_by_role("link", name="Which sources are worth it").click()
    page.wait_for_url("**/sources/stats")
    row = page.locator(f"table.stats.source #source-{lab}")
    assert row.locator("td.read").inner_text() == "50%" and row.locator("td.picked").inner_text() == "50%"
    assert row.locator("td.starred").inner_text() == "25%"
    assert page.locator(f"table.stats.recommender #recommender-{weekly} td.picked").inner_text() == "50%"
    assert page.locator("ul.idle li").count() == 1
    assert "Lil'Log" in page.locator(f"#idle-{blog}").inner_text()
    page.get_by_role("link", name="30 days").click()
    page.wait_for_url("**/sources/stats?days=30")
    assert page.get_by_role("heading", name="Nothing picked in 30 days").is_visible()
    assert errors == []
