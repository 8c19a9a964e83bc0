"""Hostile feeds and hostile sites, in a real headless Chromium: no payload runs, no forged form changes anything."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.web.conftest import make_entry, off_loop

# Each payload would set window.__pwned (or open a dialog) if it ran.
PAYLOADS = (
    "<script>window.__pwned='script'</script>"
    "<img src=x onerror=\"window.__pwned='onerror';alert('onerror')\">"
    "<a href=\"javascript:window.__pwned='href'\" id=jslink>click me</a>"
    "<svg onload=\"window.__pwned='svg'\"><circle r=5></circle></svg>"
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>"
    "<form action=\"javascript:window.__pwned='form'\"><button id=jsbutton>go</button></form>"
    "<style>body{display:none}</style><div style=\"position:fixed;inset:0\">overlay</div>"
    "<details open ontoggle=\"window.__pwned='toggle'\">x</details>"
    "<object data=\"javascript:window.__pwned='object'\"></object><base href=\"javascript:alert(1)//\">"
)
TITLE = "<script>window.__pwned='title'</script><img src=x onerror=\"window.__pwned='title-img'\"><svg onload=alert(1)>"

FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>{TITLE.replace("&", "&amp;").replace("<", "&lt;")}</title>
  <link>https://hostile.example/</link>
  <item>
    <title>{TITLE.replace("&", "&amp;").replace("<", "&lt;")}</title>
    <link>javascript:window.__pwned='link'</link>
    <guid isPermaLink="false">hostile-1</guid>
    <author>{TITLE.replace("&", "&amp;").replace("<", "&lt;")}</author>
    <description><![CDATA[<p>sparse autoencoders, hostile edition.</p>{PAYLOADS}]]></description>
  </item>
</channel></rss>"""


def _hostile_library(live, server, cli) -> list[int]:
    """The payloads through the real pipeline, and straight into the database as if a sanitizer had failed."""
    assert off_loop(cli, "add", server.serve("/hostile.xml", FEED)).code == 0
    assert off_loop(cli, "fetch").code == 0
    [fetched] = [entry["id"] for entry in cli("list", "--all", "--json").json]
    store = live.library.store
    [raw] = store.save_entries(None, [make_entry(TITLE, url="https://hostile.example/raw", html=PAYLOADS,
                                                 published=datetime(2026, 3, 2, tzinfo=UTC))]).ids
    # Bypass every sanitizer: what the page must still render safely.
    store.conn.execute("UPDATE entries SET content_html = ?, text = '', title = ? WHERE id = ?", (PAYLOADS, TITLE, raw))
    for entry_id in (fetched, raw):
        assert cli("note", str(entry_id), TITLE).code == 0
        edited = cli("edit", str(entry_id), "--title", TITLE, "--summary", "sparse " + TITLE, "--category", TITLE)
        assert edited.code == 0
        assert cli("pick", str(entry_id)).code == 0
    store.set_read([raw], False)
    return [fetched, raw]


def test_payloads_in_titles_and_content_never_run(live, page, server, cli):
    ids = _hostile_library(live, server, cli)
    dialogs, console, page_errors = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    paths = ["/", "/?state=all", *(f"/entries/{entry_id}" for entry_id in ids), "/search?q=sparse", "/collection",
             "/sources", "/preview/readme", "/preview/digest", "/preview/feed"]
    for path in paths:
        page.goto(live.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__pwned") is None, path
        # Only our own script is in the page, and no element carries an event handler or a script URL.
        assert page.evaluate("() => Array.from(document.scripts).map(s => s.getAttribute('src'))") == [
            "/static/blogreader.js?v=0.1.0"], path
        handlers = page.evaluate("""() => Array.from(document.querySelectorAll('*')).flatMap(element =>
            Array.from(element.attributes).filter(a => a.name.startsWith('on') ||
                /^\\s*javascript:/i.test(a.value)).map(a => element.tagName + ' ' + a.name))""")
        assert handlers == [], (path, handlers)
        # A simple drawing may stay (the sanitizer keeps plain SVG shapes); nothing inside it can run or load.
        unwanted = ("iframe, object, embed, svg script, svg foreignObject, svg use, svg image, base, style, "
                    "main form[action^='javascript']")
        assert page.locator(unwanted).count() == 0, path
    for entry_id in ids:  # the hostile title shows as text
        page.goto(f"{live.url}/entries/{entry_id}")
        assert page.locator("h1").inner_text().strip() == TITLE
        assert page.locator(".summary").inner_text() == "Summary sparse " + TITLE
        assert page.locator(".meta .category").first.inner_text() == TITLE
        if page.locator("#jslink").count():
            page.locator("#jslink").click()
            assert page.evaluate("() => window.__pwned") is None
    assert dialogs == [] and page_errors == []
    # Nothing was even tried and stopped by the CSP: the markup never reached the page as markup.
    assert not [message for message in console if "Content Security Policy" in message], console


def test_a_cross_site_form_cannot_change_anything(live, page, server):
    [entry_id] = live.library.add(1)
    page.goto(live.url + "/")  # the user has a session with the app
    # A page on another site (localhost is not 127.0.0.1) that posts a forged form as soon as it loads.
    evil = f"""<!DOCTYPE html><html><body>
      <form id=f method=post action="{live.url}/entries/{entry_id}/triage">
        <input name=action value=star><input name=csrf_token value=guessed><input name=next value=/>
      </form><script>document.getElementById('f').submit()</script></body></html>"""
    evil_url = server.serve("/evil.html", evil, content_type="text/html").replace("127.0.0.1", "localhost")
    with page.expect_response(lambda response: "/triage" in response.url) as answer:
        page.goto(evil_url)
    assert answer.value.status == 403
    assert not live.library.store.entry(entry_id).starred
    # A script on that site cannot do it either (the CSRF check runs before any work).
    page.goto(evil_url.replace("/evil.html", "/blank.html"))
    status = page.evaluate(f"""() => fetch("{live.url}/entries/{entry_id}/triage", {{method: "POST", mode: "no-cors",
        credentials: "include", body: new URLSearchParams({{action: "pick"}})}}).then(() => "sent", () => "blocked")""")
    assert status in ("sent", "blocked")
    assert not live.library.store.entry(entry_id).picked


@pytest.fixture(autouse=True)
def _blank_page(server):
    server.serve("/blank.html", "<!DOCTYPE html><title>blank</title>", content_type="text/html")
