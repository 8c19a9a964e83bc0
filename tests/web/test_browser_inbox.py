"""Clearing the inbox in a real headless Chromium: bulk read with undo, counts, the compact view, roundups
grouped, the hidden view, the key overlay, rendered previews and Publish, and r pressed twice on a slow page."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.web.test_pages import _roundup


def _count(page, source_id: int) -> str:
    return page.locator(f'aside.counts [data-source="{source_id}"]').inner_text()


def test_bulk_read_with_undo_and_counts(live, page):
    library = live.library
    lab = library.source()
    blog = library.source("Lil'Log", "https://lilianweng.github.io/index.xml")
    ids = library.add(5, source_id=lab)
    others = library.add(2, source_id=blog, url_base="https://lilianweng.github.io/p/", category="Agents",
                         start=datetime(2026, 3, 1, tzinfo=UTC))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live.url + "/?order=oldest")  # oldest first: Lil'Log's two, then the lab's five, oldest first
    assert page.locator("li.entry").count() == 7 and _count(page, lab) == "5" and _count(page, blog) == "2"

    # x ticks the selected row and the next; M marks them read.
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator("input.select:checked").count() == 2
    page.keyboard.press("M")
    expect(page.locator(".bulk-status")).to_contain_text("Marked 2 entries read.")
    page.wait_for_load_state("load")  # the page's script is running before the next key
    assert all(library.store.entry(i).read for i in others) and not any(library.store.entry(i).read for i in ids)
    assert page.locator("li.entry").count() == 5 and _count(page, lab) == "5"
    assert page.locator(f'aside.counts [data-source="{blog}"]').count() == 0

    # z undoes it; the counts come back.
    page.keyboard.press("z")
    expect(page.locator(".bulk-status")).to_contain_text("Back to unread: 2 entries.")
    assert _count(page, blog) == "2" and not any(library.store.entry(i).read for i in others)

    # Read up to here (R) on the third row of the newest-first inbox: it and everything older.
    page.goto(live.url + "/")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("R")
    expect(page.locator(".bulk-status")).to_contain_text("Marked 5 entries read.")
    assert page.locator("li.entry").count() == 2 and _count(page, lab) == "2"
    assert page.locator('aside.counts [data-source="%d"]' % blog).count() == 0

    # A source's entries from the sidebar, then "Mark all in this view read".
    page.locator("aside.counts a", has_text="Interconnects").click()
    page.wait_for_url(f"**/?source={lab}")
    page.locator("#mark-all button").click()
    expect(page.locator(".bulk-status")).to_contain_text("Marked 2 entries read.")
    assert page.locator("p.empty").inner_text().startswith("Nothing to read here.")

    # A (the page) on the whole inbox after undoing, and the date form.
    page.locator(".bulk-status button", has_text="Undo").click()
    page.wait_for_url("**/?source=*restored=2")
    page.goto(live.url + "/")
    page.keyboard.press("A")
    expect(page.locator(".bulk-status")).to_contain_text("Marked 2 entries read.")
    assert all(library.store.entry(i).read for i in ids + others)
    assert errors == []


def test_compact_view_grouping_and_the_key_overlay(live, page):
    library = live.library
    source_id = library.source()
    library.add(3, source_id=source_id)
    roundup = _roundup(library, source_id, 6)
    page.goto(live.url + "/")
    row = page.locator(f"#entry-{roundup}")
    expect(row.locator(".roundup-items li")).to_have_count(6)  # five items and "and 1 more unread"
    assert page.locator("li.entry").count() == 4  # the items are under their roundup, not rows of their own

    page.keyboard.press("v")
    page.wait_for_url("**/?view=compact")
    assert page.locator("ol.entries.compact li.entry").count() == 4
    first = page.locator("li.entry").first
    assert first.locator(".source").inner_text() == "Interconnects"
    assert first.locator("time").inner_text() == "2026-04-01"
    page.goto(live.url + "/")  # remembered
    assert page.locator("ol.entries.compact").count() == 1
    page.keyboard.press("v")
    page.wait_for_url("**/?view=summary")
    assert page.locator("ol.entries.compact").count() == 0

    dialog = page.locator("dialog#keys")
    expect(dialog).to_be_hidden()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    keys = dialog.locator("tr td:first-child").all_inner_texts()
    for key in ("j / k", "r", "p", "s", "n", "o", "x", "M", "A", "R", "z", "v", "u", "/", "?"):
        assert key in keys, (key, keys)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_hidden_view_restores_with_one_key(live, page):
    library = live.library
    ids = library.add(3, source_id=library.source())
    library.store.set_promo([ids[1]], True)
    page.goto(live.url + "/hidden")
    assert page.locator("li.entry").count() == 1
    page.keyboard.press("u")
    page.wait_for_url(f"**/hidden?restored={ids[1]}")
    assert "Restored entry" in page.locator("p.done").inner_text()
    assert library.store.entry(ids[1]).promo is False
    page.goto(live.url + "/")
    assert page.locator(f"#entry-{ids[1]}").count() == 1


def test_rendered_previews_and_the_publish_button(live, page):
    library = live.library
    ids = library.add(2, source_id=library.source())
    library.store.set_picked(ids, True)
    page.goto(live.url + "/preview/readme")
    table = page.locator("section.rendered table")
    expect(table).to_have_count(1)
    assert table.locator("th").all_inner_texts() == ["Blog", "Summary", "Category"]
    assert table.locator("a", has_text="Post number 0").get_attribute("href") == "https://example.org/posts/0"
    assert not page.locator("pre.preview").is_visible()  # the text is there, folded
    page.locator("form.publish button").click()
    expect(page.locator("p.done")).to_contain_text(f"Published readme: {library.home / 'README.md'} (2 entries, written).")
    assert (library.home / "README.md").exists()
    page.goto(live.url + "/preview/feed")
    assert page.locator("ol.feed-entries > li h2").all_inner_texts() == ["Post number 1", "Post number 0"]
    page.locator("form.publish button").click()
    expect(page.locator("p.done")).to_contain_text(f"Published feed: {library.home / 'feed.xml'}")


def test_r_twice_on_a_slow_page_toggles_back(live, page):
    library = live.library
    [entry_id, _] = library.add(2, source_id=library.source())
    held = []  # the server's answers wait until the test lets them through: a slow page

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 10
        while len(held) < count and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert len(held) >= count

    page.goto(live.url + "/")
    page.route(f"**/entries/{entry_id}/triage", lambda route: held.append(route))
    row = page.locator(f"#entry-{entry_id}")
    button = row.locator('button[data-toggle="read"]')
    page.keyboard.press("r")
    expect(button).to_have_text("Mark unread")  # shown at once: the state asked for
    wait_for(1)
    page.keyboard.press("r")  # before the first answer
    expect(button).to_have_text("Mark read")
    held[0].continue_()
    wait_for(2)
    held[1].continue_()
    page.wait_for_load_state("networkidle")
    actions = [re.search(r'name="action"\r\n\r\n(\w+)', route.request.post_data).group(1) for route in held]
    assert actions == ["read", "unread"]
    expect(button).to_have_text("Mark read")
    expect(row).not_to_have_class(re.compile(r"\bis-read\b"))
    assert library.store.entry(entry_id).read is False
