"""Wrong, missing and exotic character encodings, served over HTTP and read through `add` + `fetch`.

Expected: the title and text a user sees are the characters the author wrote, whenever the bytes allow
it (an undeclared or misdeclared Latin-1 feed included); a byte that is no character in any reading
costs that one character, never the entry; no U+FFFD where the bytes were recoverable; no control
character; and the Content-Type (text/html, octet-stream) does not stop a feed from being read.
"""

from __future__ import annotations

import codecs
import json

import pytest

from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import entries, sources

TITLE = "Café naïve — “quotes” ½ 🌟"
LATIN = "Café naïve, déjà vu: ½ × ¼"  # representable in Latin-1
RUSSIAN = "Привет, мир"


def feed_text(title: str, *, declaration: str | None = "utf-8") -> str:
    decl = f'<?xml version="1.0" encoding="{declaration}"?>' if declaration else '<?xml version="1.0"?>'
    return (f'{decl}\n<rss version="2.0"><channel><title>Charset feed</title><link>https://c.example/</link>'
            f"<item><title>{title}</title><link>https://c.example/1</link><guid>c1</guid>"
            f"<description>&lt;p&gt;{title}, in the body.&lt;/p&gt;</description></item></channel></rss>")


CASES = {
    # name: (body bytes, Content-Type, expected title)
    "utf-8 declared": (feed_text(TITLE).encode(), "application/rss+xml", TITLE),
    "utf-8 undeclared": (feed_text(TITLE, declaration=None).encode(), "application/rss+xml", TITLE),
    "utf-8 declared latin-1": (feed_text(TITLE, declaration="iso-8859-1").encode(), "application/rss+xml", TITLE),
    "utf-8 with BOM": (codecs.BOM_UTF8 + feed_text(TITLE).encode(), "application/rss+xml", TITLE),
    "utf-8 BOM declared utf-16": (codecs.BOM_UTF8 + feed_text(TITLE, declaration="utf-16").encode(),
                                  "application/rss+xml", TITLE),
    "utf-16 LE with BOM": (feed_text(TITLE, declaration="utf-16").encode("utf-16"), "application/rss+xml", TITLE),
    "utf-16 BE with BOM": (codecs.BOM_UTF16_BE + feed_text(TITLE, declaration="utf-16").encode("utf-16-be"),
                           "application/rss+xml", TITLE),
    "utf-16 LE without BOM": (feed_text(TITLE, declaration="utf-16").encode("utf-16-le"), "application/rss+xml", TITLE),
    "utf-32 with BOM": (feed_text(TITLE, declaration="utf-32").encode("utf-32"), "application/rss+xml", TITLE),
    "latin-1 declared": (feed_text(LATIN, declaration="iso-8859-1").encode("latin-1"), "application/rss+xml", LATIN),
    "latin-1 undeclared": (feed_text(LATIN, declaration=None).encode("latin-1"), "application/rss+xml", LATIN),
    "latin-1 declared utf-8": (feed_text(LATIN).encode("latin-1"), "application/rss+xml", LATIN),
    "latin-1 named only by HTTP": (feed_text(LATIN, declaration=None).encode("latin-1"),
                                   "application/rss+xml; charset=ISO-8859-1", LATIN),
    "windows-1252 quotes undeclared": (feed_text("“Smart” – quotes…", declaration=None).encode("cp1252"),
                                       "text/xml", "“Smart” – quotes…"),
    "koi8-r named only by HTTP": (feed_text(RUSSIAN, declaration=None).encode("koi8-r"),
                                  'application/xml; charset="koi8-r"', RUSSIAN),
    "shift_jis declared": (feed_text("日本語のタイトル", declaration="shift_jis").encode("shift_jis"),
                           "application/rss+xml", "日本語のタイトル"),
    "unknown charset declared": (feed_text(TITLE, declaration="klingon").encode(), "application/rss+xml", TITLE),
    "unknown charset in HTTP": (feed_text(TITLE).encode(), "application/rss+xml; charset=klingon", TITLE),
    "HTTP says utf-8, document says and is windows-1252": (
        feed_text("“Smart”", declaration="windows-1252").encode("cp1252"), "text/xml; charset=utf-8", "“Smart”"),
    "served as text/html": (feed_text(TITLE).encode(), "text/html; charset=utf-8", TITLE),
    "served as octet-stream": (feed_text(TITLE).encode(), "application/octet-stream", TITLE),
    "served with no type": (feed_text(TITLE).encode(), "", TITLE),
    "double-encoded utf-8 (mojibake)": (feed_text("CafÃ© ðŸŒŸ").encode(), "application/rss+xml", "Café 🌟"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_author_s_characters_arrive(cli, server, library, case):
    body, content_type, expected = CASES[case]
    url = server.serve("/feed.xml", body, content_type=content_type)
    added = cli("add", url)
    assert added.code == 0, added.err
    assert cli("fetch", "--no-enrich").code == 0
    [entry] = entries(cli)
    shown = cli("show", str(entry["id"]), "--json").json
    assert shown["title"] == expected
    assert expected in shown["text"]
    assert "\ufffd" not in shown["title"] + shown["text"]
    assert sources(cli)[0]["error_count"] == 0


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("one stray byte in utf-8", feed_text("Bad \udcff byte, good “quotes” 🌟").encode("utf-8", "surrogateescape"),
     "Bad ÿ byte, good “quotes” 🌟"),
    ("a truncated utf-8 sequence", feed_text("Cut \udce2\udc80 here, “fine”").encode("utf-8", "surrogateescape"),
     "here, “fine”"),
    ("the five bytes windows-1252 leaves undefined", feed_text("Odd \udc81\udc8d\udc8f\udc90\udc9d end").encode(
        "utf-8", "surrogateescape"), "Odd end"),
])
def test_invalid_utf8_costs_only_the_bad_bytes(cli, server, library, name, raw, expected):
    """Bytes that are not UTF-8 are read as Windows-1252 (and mojibake-repaired); the rest of the title is
    intact and nothing left is a control character."""
    url = server.serve("/feed.xml", raw)
    assert cli("add", url).code == 0 and cli("fetch", "--no-enrich").code == 0
    [entry] = entries(cli)
    assert " ".join(entry["title"].split()).endswith(expected)
    assert not any(0x80 <= ord(char) <= 0x9f or ord(char) < 0x20 for char in entry["title"])


def test_a_json_feed_with_a_bom_and_latin1_bytes(cli, server, library):
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON", "home_page_url": "https://j.example/",
                "items": [{"id": "j1", "url": "https://j.example/1", "title": LATIN, "content_text": LATIN}]}
    for body in (codecs.BOM_UTF8 + json.dumps(document, ensure_ascii=False).encode(),
                 json.dumps(document, ensure_ascii=False).encode("latin-1")):
        server.serve("/feed.json", body, content_type="application/feed+json")
        if not sources(cli):
            assert cli("add", server.url("/feed.json")).code == 0
        assert cli("fetch", "--no-enrich").code == 0
        [entry] = entries(cli)
        assert entry["title"] == LATIN
