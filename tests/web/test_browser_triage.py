"""Triage in a real headless Chromium: with the keyboard (JavaScript on), and with forms alone (JavaScript off)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.web.conftest import local_context, make_entry


def _fill(library, server) -> list[int]:
    """Three posts whose links point at the fixture server, newest first."""
    source = library.source()
    urls = [server.serve(f"/posts/{index}", f"<html><title>post {index}</title><p>original {index}</p></html>",
                         content_type="text/html") for index in range(3)]
    titles = ["Scaling laws for reward models", "Sparse autoencoders find steering directions",
              "A GRPO recipe that works"]
    entries = [make_entry(title, url=url, published=datetime(2026, 3, 10 - index, tzinfo=UTC))
               for index, (title, url) in enumerate(zip(titles, urls))]
    return library.store.save_entries(source, entries).ids


def test_triage_an_entry_with_the_keyboard(live, page, server, cli):
    first, second, third = _fill(live.library, server)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live.url + "/")
    rows = page.locator("li.entry")
    assert rows.count() == 3
    assert "is-selected" in rows.nth(0).get_attribute("class")

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    row = page.locator(f"#entry-{second}")
    assert "is-selected" in row.get_attribute("class")
    assert "is-selected" not in rows.nth(0).get_attribute("class")

    page.keyboard.press("r")
    expect(row).to_have_class(re.compile(r"\bis-read\b"))
    page.keyboard.press("p")
    expect(row).to_have_class(re.compile(r"\bis-picked\b"))
    page.keyboard.press("s")
    expect(row).to_have_class(re.compile(r"\bis-starred\b"))
    assert row.locator('button[data-toggle="read"]').inner_text() == "Mark unread"
    assert row.locator('button[data-toggle="star"]').get_attribute("aria-pressed") == "true"

    page.keyboard.press("n")
    note = row.locator('input[name="text"]')
    assert note.evaluate("element => element === document.activeElement")
    page.keyboard.type("the RL section is the point")
    page.keyboard.press("Enter")
    expect(row.locator("details.note-form > summary")).to_have_text("Note")
    assert page.url == live.url + "/"  # in place: no page load

    shown = cli("show", str(second), "--json").json
    assert (shown["read"], shown["picked"], shown["starred"]) == (True, True, True)
    assert shown["note"] == "the RL section is the point"
    untouched = cli("show", str(first), "--json").json
    assert (untouched["read"], untouched["picked"], untouched["note"]) == (False, False, None)
    # r again toggles back: in place, and in the library.
    # The row shows the state asked for at once; the library has it when the answer comes.
    with page.expect_response(lambda response: response.url.endswith(f"/entries/{second}/triage")):
        page.keyboard.press("r")
    expect(row).not_to_have_class(re.compile(r"\bis-read\b"))
    assert cli("show", str(second), "--json").json["read"] is False

    with page.context.expect_page() as popup:
        page.keyboard.press("o")
    assert popup.value.url == server.url("/posts/1")
    popup.value.close()

    page.keyboard.press("/")
    assert page.locator("#search-box").evaluate("element => element === document.activeElement")
    page.keyboard.type("steering")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=steering")
    assert page.locator("li.entry").count() == 1
    assert page.locator(f"#entry-{second} a.title").inner_text() == "Sparse autoencoders find steering directions"

    # On an entry's own page, j goes to the next (older) unread entry and the same keys triage it.
    page.goto(f"{live.url}/entries/{second}")
    page.keyboard.press("j")
    page.wait_for_url(f"**/entries/{third}")
    with page.expect_response(lambda response: response.url.endswith(f"/entries/{third}/triage")):
        page.keyboard.press("p")
    expect(page.locator("article.entry-full")).to_have_class(re.compile(r"\bis-picked\b"))
    assert cli("show", str(third), "--json").json["picked"] is True
    # Opening an entry read it, so k goes to the newer *unread* one: the first (the second was opened above).
    assert cli("show", str(second), "--json").json["read"] is True
    page.keyboard.press("k")
    page.wait_for_url(f"**/entries/{first}")
    assert errors == []


def test_pages_work_without_javascript(live, browser, server):
    ids = _fill(live.library, server)
    feed = server.serve("/feed.xml", """<?xml version="1.0"?><rss version="2.0"><channel><title>Lab notes</title>
        <link>https://lab.example/</link><item><title>New result on probes</title><link>https://lab.example/p1</link>
        <guid>p1</guid><description>Linear probes recover the plan.</description></item></channel></rss>""")
    context = local_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live.url + "/")
        assert page.locator("li.entry").count() == 3
        page.locator(f"#entry-{ids[0]} button[data-toggle='read']").click()
        page.wait_for_url(live.url + "/")
        assert page.locator("li.entry").count() == 2  # read entries leave the unread inbox
        assert live.library.store.entry(ids[0]).read

        page.locator(f"#entry-{ids[1]} summary").click()
        page.locator(f"#entry-{ids[1]} input[name='text']").fill("a plain form works")
        page.locator(f"#entry-{ids[1]} details.note-form button").click()
        page.wait_for_url(live.url + "/")
        assert live.library.store.entry(ids[1]).note == "a plain form works"

        page.goto(f"{live.url}/entries/{ids[1]}")
        page.locator("details.edit summary").click()
        page.locator("details.edit input[name='category']").fill("Interp")
        page.locator("details.edit button").click()
        page.wait_for_url(f"**/entries/{ids[1]}")
        edited = live.library.store.entry(ids[1])
        assert (edited.category, edited.category_origin) == ("Interp", "user")
        assert edited.summary_origin != "user"  # untouched fields do not become the user's

        page.goto(live.url + "/sources")
        page.locator("input[name='url']").fill(feed)
        page.locator("form.add-source button").click()
        page.wait_for_url("**/sources?added=*")
        assert "Subscribed to Lab notes" in page.locator("p.done").inner_text()
        page.locator("tr", has_text="Lab notes").locator("button", has_text="Fetch now").click()
        page.wait_for_url("**/sources?job=*")  # a background job; without scripts the page refreshes until it ends
        expect(page.locator("#fetch-job")).to_have_text("Fetched Lab notes: 1 new entry (1 in all).", timeout=30_000)
        page.goto(live.url + "/search?q=probes")
        assert page.locator("a.title", has_text="New result on probes").count() == 1
    finally:
        context.close()
