"""What the CLI prints and what publish writes, when titles, summaries, ids and folders are hostile.

Markdown hidden in feed text must stay text in the published readme and digest (checked by rendering
them with markdown-it-py); bidirectional controls never reach a terminal or an output; ids and weeks out
of range are usage errors; `-` is standard output for every command; `publish site` touches only files
it wrote itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from xml.sax.saxutils import escape

import pytest

from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import assert_clean_failure, entries, rss, subscribe

# --- Markdown hidden in feed text ------------------------------------------------------------------

MARKDOWN_PAYLOADS = [
    ("md-link", "Sign in again at [x](//evil.example/login) today."),
    ("md-image", "A pixel ![](//tracker.example/p.gif) in the text."),
    ("md-autolink", "Go to <https://evil.example/auto> or <mail@evil.example> now."),
    ("md-html", "Raw <a href='https://evil.example/raw'>anchor</a> and <img src=https://tracker.example/i.gif>."),
    ("md-ref-use", "See [the docs][evil] and [evil] and ![pix][evil]."),
    ("md-backslash", "Escaped \\[x\\](https://evil.example/backslash) and \\![y](https://tracker.example/b.gif)."),
    ("md-entity", "Entities &#91;x&#93;(https://evil.example/entity)."),
]
# A summary alone on its line (an entry without a link) that would define the reference used above.
REFERENCE_DEFINITION = "[evil]: https://evil.example/reference"
MARKDOWN_TITLES = ["![t](https://tracker.example/title.gif) Title", "<https://evil.example/title-autolink> Title",
                   "Title [x](https://evil.example/title-link)"]


def _markdown_feed() -> str:
    items = []
    for index, (guid, text) in enumerate(MARKDOWN_PAYLOADS):
        title = MARKDOWN_TITLES[index % len(MARKDOWN_TITLES)]
        items.append(f"<item><title>{escape(title)}</title><link>https://feed.example/{guid}</link>"
                     f"<guid>{guid}</guid><description>{escape(escape(text))}</description></item>")
    # No <link>: the digest prints this summary alone on a line, where Markdown reads a reference definition.
    items.append(f"<item><title>Reference</title><guid>md-ref-def</guid>"
                 f"<description>{escape(escape(REFERENCE_DEFINITION))}</description></item>")
    return rss("".join(items), title="Markdown Feed")


class _LinksAndImages(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "a":
            self.hrefs.append(values.get("href") or "")
        elif tag == "img":
            self.images.append(values.get("src") or "")

    def handle_data(self, data) -> None:
        self.text.append(data)


def _rendered(markdown: str) -> _LinksAndImages:
    """The links and images a Markdown renderer (CommonMark with GFM tables) makes of `markdown`."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(markdown)
    parsed = _LinksAndImages()
    parsed.feed(html)
    parsed.close()
    return parsed


@pytest.fixture
def markdown_library(cli, server, library):
    subscribe(cli, server, _markdown_feed(), "/markdown.xml")
    assert cli("fetch").code == 0
    rows = entries(cli)
    assert len(rows) == len(MARKDOWN_PAYLOADS) + 1
    summaries = " ".join(row["summary"] or "" for row in rows)
    assert "[x](//evil.example/login)" in summaries and "![](//tracker.example/p.gif)" in summaries  # from the feed
    # The summarizers keep only some descriptions as they are: the others reach the summary by an edit.
    payloads = dict(MARKDOWN_PAYLOADS, **{"md-ref-def": REFERENCE_DEFINITION})
    for row in rows:
        if not row["summary"]:
            guid = next(guid for guid in payloads if (row["url"] or "").endswith(guid) or row["title"] == "Reference"
                        and guid == "md-ref-def")
            assert cli("edit", str(row["id"]), "--summary", payloads[guid]).code == 0
    assert cli("pick", *(str(row["id"]) for row in rows)).code == 0
    assert cli("note", str(rows[0]["id"]), "My note ![](//tracker.example/note.gif) [n](//evil.example/note)").code == 0
    assert cli("edit", str(rows[1]["id"]), "--category", "Cat [c](//evil.example/cat) <b>").code == 0
    return rows


def test_links_and_images_in_feed_text_stay_text_in_the_readme_and_digest(cli, markdown_library, tmp_path):
    picked = cli("list", "--picked", "--json", "--limit", "100").json
    week = picked[0]["picked_at"]
    from datetime import datetime

    iso = datetime.fromisoformat(week.replace("Z", "+00:00")).isocalendar()
    ours = {row["url"] for row in picked if row["url"]}
    assert ours and all(url.startswith("https://feed.example/md-") for url in ours)
    for what, extra in (("readme", []), ("digest", ["--week", f"{iso.year}-W{iso.week:02d}"])):
        out = tmp_path / f"{what}.md"
        assert cli("publish", what, "--out", str(out), *extra).code == 0
        rendered = _rendered(out.read_text(encoding="utf-8"))
        assert rendered.images == [], (what, rendered.images)
        assert set(rendered.hrefs) <= ours, (what, set(rendered.hrefs) - ours)
        shown = "".join(rendered.text)
        own = "[c](//evil.example/cat) <b>" if what == "readme" else "[n](//evil.example/note)"  # category, note
        # Summaries carry no URLs, so of the autolinks the e-mail one is what reaches the outputs.
        for visible in ("[x](//evil.example/login)", "![](//tracker.example/p.gif)", "<mail@evil.example>",
                        "[the docs][evil]", "<img src=https://tracker.example/i.gif>", own,
                        "\\[x\\](https://evil.example/backslash)", "[x](https://evil.example/title-link)"):
            assert visible in shown, (what, visible)  # the text is kept, as text
    readme = _rendered((tmp_path / "readme.md").read_text(encoding="utf-8"))
    assert sorted(set(readme.hrefs)) == sorted(ours)  # every real entry keeps its own link


# --- bidirectional controls -------------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# The bidi controls, and the terminal controls a user's own edit can carry (ESC, CSI) where no feed stage strips them.
_BIDI_CHARACTER = re.compile(f"[{BIDI}\x1b\x9b]")


def _bidi_feed() -> str:
    title = "Invoice \u202egpj.exe\u202c and \u2066more\u2069 \u200e\u200f\u061c\u202a\u202b\u202d\u2067\u2068"
    summary = escape("<p>Summary with \u202eright-to-left\u202c text.</p>")
    return rss(f"<item><title>{escape(title)}</title><link>https://feed.example/bidi</link><guid>bidi-1</guid>"
               f"<author>a@b.example (Ann \u202eevil\u202c)</author>"
               f"<description>{summary}</description></item>",
               title="Bidi \u202eFeed\u202c")


def test_bidi_controls_reach_no_terminal_line_and_no_published_output(cli, server, library, tmp_path):
    subscribe(cli, server, _bidi_feed(), "/bidi.xml")
    assert cli("fetch").code == 0
    entry_id = str(entries(cli)[0]["id"])
    assert cli("pick", entry_id).code == 0 and cli("star", entry_id).code == 0
    assert cli("note", entry_id, "note \u202eeton\u202c \x1b[2J \x9b31m").code == 0
    # A user's own edit can carry them too (pasted text), whatever the feed stage strips.
    assert cli("edit", entry_id, "--summary", "edited \u2067summary\u2069 \u202e!").code == 0
    assert cli("edit", entry_id, "--category", "Cat\u202egory\x1b]0;title\x07").code == 0
    shown = [cli(*args) for args in (("list",), ("list", "--json"), ("show", entry_id), ("show", entry_id, "--json"),
                                     ("sources",), ("sources", "--json"), ("search", "Invoice"), ("categories",),
                                     ("export", "json"), ("export", "opml"))]
    for result in shown:
        assert result.code == 0, result.err
        assert not _BIDI_CHARACTER.search(result.out + result.err), result.out
    assert "Invoice" in shown[0].out and "gpj.exe" in shown[2].out  # the words themselves stay
    week = cli("list", "--picked", "--json").json[0]["picked_at"]
    from datetime import datetime

    iso = datetime.fromisoformat(week.replace("Z", "+00:00")).isocalendar()
    for what, extra in (("readme", []), ("digest", ["--week", f"{iso.year}-W{iso.week:02d}"]), ("feed", []),
                        ("site", [])):
        out = tmp_path / what
        assert cli("publish", what, "--out", str(out), *extra).code == 0
        files = [out] if out.is_file() else sorted(path for path in out.rglob("*") if path.is_file())
        for path in files:
            text = path.read_text(encoding="utf-8")
            assert not _BIDI_CHARACTER.search(text), path
        assert any("gpj.exe" in path.read_text(encoding="utf-8") for path in files), what
    printed = cli("publish", "readme", "--out", "-")
    assert printed.code == 0 and "gpj.exe" in printed.out and not _BIDI_CHARACTER.search(printed.out)


@pytest.mark.parametrize("args", [("note", "1", "x\udcff"), ("edit", "1", "--title", "x\udcff"), ("search", "x\udcff"),
                                  ("list", "--category", "x\udcff"), ("remove", "x\udcff"), ("add", "x", "--name", "x\udcff")])
def test_arguments_the_terminal_could_not_decode_are_refused_not_stored(cli, library, args):
    assert_clean_failure(cli(*args), "not valid UTF-8", code=2)


# --- ids and weeks out of range ---------------------------------------------------------------------

HUGE = "99999999999999999999"
OUT_OF_RANGE = [
    (("show", HUGE), HUGE), (("show", "1e400"), "1e400"), (("read", "1e400"), "1e400"), (("read", HUGE), HUGE),
    (("pick", "1", HUGE), HUGE), (("note", HUGE, "x"), HUGE), (("edit", HUGE, "--title", "x"), HUGE),
    (("enrich", HUGE), HUGE), (("remove", HUGE), HUGE), (("fetch", HUGE), HUGE), (("list", "--source", HUGE), HUGE),
    (("list", "--limit", HUGE), HUGE), (("search", "x", "--limit", HUGE), HUGE), (("show", "0"), "0"),
]


@pytest.mark.parametrize(("args", "value"), OUT_OF_RANGE, ids=[" ".join(args) for args, _ in OUT_OF_RANGE])
def test_ids_out_of_range_are_usage_errors_naming_the_value_and_the_range(cli, library, args, value):
    result = cli(*args)
    assert_clean_failure(result, value, "9223372036854775807", code=2)


@pytest.mark.parametrize("week", ["9999-W52", "2026-W99", "0000-W01", "2026-W00", "2025-W53"])
def test_weeks_out_of_range_are_usage_errors_naming_the_value_and_the_range(cli, library, week):
    result = cli("publish", "digest", "--week", week)
    assert_clean_failure(result, week, "W01", "0001", "9998", code=2)


def test_the_first_and_last_weeks_in_range_publish(cli, library, tmp_path):
    for week in ("0001-W01", "9998-W52", "2026-W53"):
        result = cli("publish", "digest", "--week", week, "--out", str(tmp_path / f"{week}.md"))
        assert result.code == 0, result.err
        assert f"no picks in {week}; nothing written" in result.out  # a week with no picks writes no file
        assert not (tmp_path / f"{week}.md").exists()


# --- "-" is standard output ---------------------------------------------------------------------------


def test_dash_means_standard_output_for_export_as_for_publish(cli, server, library, tmp_path, monkeypatch):
    subscribe(cli, server)
    monkeypatch.chdir(tmp_path)
    opml = cli("export", "opml", "--out", "-")
    assert opml.code == 0 and opml.out.lstrip().startswith("<?xml") and "<opml" in opml.out
    exported = cli("export", "json", "--out", "-")
    assert exported.code == 0 and json.loads(exported.out)["sources"][0]["title"] == "Good Feed"
    readme = cli("publish", "readme", "--out", "-")
    assert readme.code == 0 and readme.out.startswith("# ")
    assert not (tmp_path / "-").exists()
    for args in (("backup", "-"), ("restore", "-")):
        result = cli(*args)
        assert_clean_failure(result, "standard output" if args[0] == "backup" else "standard input", code=2)
    assert not (tmp_path / "-").exists()


# --- publish site touches only its own files ----------------------------------------------------------


@pytest.fixture
def site_library(cli, server, library):
    feed = rss("".join(f"<item><title>Post {n}</title><link>https://feed.example/{n}</link><guid>g{n}</guid>"
                       f"<description>Text {n}.</description></item>" for n in range(3)))
    subscribe(cli, server, feed, "/site.xml")
    assert cli("fetch").code == 0
    ids = [str(row["id"]) for row in entries(cli)]
    assert cli("pick", *ids).code == 0
    for entry_id, category in zip(ids, ("Alpha", "Beta", "Gamma")):
        assert cli("edit", entry_id, "--category", category).code == 0
    return ids


def test_site_refuses_to_replace_a_file_it_did_not_write(cli, site_library, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("my own home page", encoding="utf-8")
    (site / "CNAME").write_text("reading.example", encoding="utf-8")
    result = cli("publish", "site", "--out", str(site))
    assert_clean_failure(result, "index.html", code=1)
    assert (site / "index.html").read_text(encoding="utf-8") == "my own home page"
    assert sorted(path.name for path in site.iterdir()) == ["CNAME", "index.html"]  # nothing was written
    (site / "index.html").unlink()
    assert cli("publish", "site", "--out", str(site)).code == 0
    assert (site / "CNAME").read_text(encoding="utf-8") == "reading.example"
    (site / "starred.html").write_text("edited by hand", encoding="utf-8")  # a page it wrote, changed since
    result = cli("publish", "site", "--out", str(site))
    assert_clean_failure(result, "starred.html", code=1)
    assert (site / "starred.html").read_text(encoding="utf-8") == "edited by hand"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_tampered_manifest_cannot_make_the_site_delete_other_files(cli, site_library, tmp_path):
    root = tmp_path / "public"
    site = root / "site"
    assert cli("publish", "site", "--out", str(site)).code == 0
    manifest = next(path for path in site.iterdir() if path.name.startswith(".") and path.suffix == ".json")
    outside = root / "outside.txt"
    outside.write_text("outside", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "gone.html").write_text("elsewhere", encoding="utf-8")
    (site / "link").symlink_to(elsewhere, target_is_directory=True)
    (site / "notes.html").write_text("my notes", encoding="utf-8")
    (site / "categories" / "mine.html").write_text("mine", encoding="utf-8")
    (site / "categories" / "linked.html").symlink_to(outside)
    kept = {"outside": outside, "elsewhere": elsewhere / "gone.html", "notes": site / "notes.html",
            "mine": site / "categories" / "mine.html"}
    names = ["../outside.txt", "link/gone.html", "notes.html", "categories/mine.html", "categories/linked.html",
             str(outside), "categories/../notes.html"]

    # An older manifest (a list of names, no hashes), then one with hashes that do not match: neither deletes.
    for tampered in (names, {"version": 1, "files": {name: _sha256("not this") for name in names}},
                     {"version": 1, "files": {name: _sha256(path.read_text(encoding="utf-8"))
                                              for name, path in zip(names, (outside, elsewhere / "gone.html"))}}):
        manifest.write_text(json.dumps(tampered), encoding="utf-8")
        result = cli("publish", "site", "--out", str(site))
        assert result.code == 0, result.err
        for name, path in kept.items():
            assert path.is_file(), name
        assert (site / "categories" / "linked.html").is_symlink() and outside.read_text(encoding="utf-8") == "outside"
    # A category that is really gone still loses the page BlogReader wrote for it.
    assert cli("edit", site_library[0], "--category", "Delta").code == 0
    assert cli("publish", "site", "--out", str(site)).code == 0
    pages = sorted(path.name for path in (site / "categories").iterdir())
    assert pages == ["beta.html", "delta.html", "gamma.html", "linked.html", "mine.html"]
