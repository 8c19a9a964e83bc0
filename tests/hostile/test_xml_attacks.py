"""XML attacks on the parsers (spec section 7: no external entities, no entity expansion bombs).

Every document is served from 127.0.0.1 to a library that already holds one good entry. Expected,
whatever the format: `fetch` finishes within seconds and exits 0; the feed is either read without
expanding anything (entities stay unexpanded text) or recorded on the source as not readable; no local
file and no other URL is read; the entry stored before is still there.

The RSS 1.0 variants carry a stray unclosed element, which makes feedparser-rs give up, so they
exercise the second parser (feedparser) too.
"""

from __future__ import annotations

import pytest

from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import (
    GOOD_FEED, entries, everything_shown, library_bytes, sources, subscribe, timed,
)

LAUGHS = "".join(
    f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
)
BILLION_LAUGHS_DTD = f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
QUADRATIC_DTD = '<!DOCTYPE rss [<!ENTITY big "' + "B" * 50_000 + '">]>'
QUADRATIC_USE = "&big;" * 20_000  # 1 GB if expanded; 100 KB on the wire


def atom(entry_title: str, content: str, *, head: str = "", root: str = "feed") -> str:
    return (f'<?xml version="1.0"?>{head}<{root} xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>'
            f"<id>urn:x</id><updated>2026-01-01T00:00:00Z</updated><entry><id>urn:e1</id>"
            f"<title>{entry_title}</title><updated>2026-01-01T00:00:00Z</updated>"
            f'<link href="https://feed.example/a1"/><content type="html">{content}</content></entry></{root}>')


def rdf(entry_title: str, description: str, *, head: str = "") -> str:
    """RSS 1.0 with a stray unclosed element before </rdf:RDF>: feedparser-rs raises, feedparser reads it."""
    return (f'<?xml version="1.0"?>{head}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://feed.example/"><title>RDF</title>'
            f"<link>https://feed.example/</link><description>d</description></channel>"
            f'<item rdf:about="https://feed.example/r1"><title>{entry_title}</title>'
            f"<link>https://feed.example/r1</link><description>{description}</description></item><x></rdf:RDF>")


def rss_raw(entry_title: str, description: str, *, head: str = "") -> str:
    return (f'<?xml version="1.0"?>{head}<rss version="2.0"><channel><title>RSS</title><link>https://feed.example/'
            f"</link><item><title>{entry_title}</title><link>https://feed.example/s1</link><guid>s1</guid>"
            f"<description>{description}</description></item></channel></rss>")


FORMATS = {"rss2": rss_raw, "atom": atom, "rss1-fallback": rdf}


def _swap_and_fetch(cli, server, body: str) -> tuple:
    """Source 1 holds one good entry; its feed turns hostile; fetch again."""
    kept = entries(cli)
    server.serve("/feed.xml", body)
    result = timed(cli, "fetch", within=10)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    return kept, result


@pytest.fixture
def good(cli, server, library):
    subscribe(cli, server, GOOD_FEED)
    assert cli("fetch").code == 0
    assert [row["title"] for row in entries(cli)] == ["Kept post"]


@pytest.mark.parametrize("shape", list(FORMATS))
def test_billion_laughs_is_not_expanded(cli, server, good, home, shape):
    body = FORMATS[shape]("Laughs &lol9;", "Body &lol9;", head=BILLION_LAUGHS_DTD.replace("rss", "x"))
    kept, _ = _swap_and_fetch(cli, server, body)
    after = entries(cli)
    assert {row["id"] for row in kept} <= {row["id"] for row in after}  # nothing stored is lost
    for row in after:
        shown = cli("show", str(row["id"]), "--json").json
        assert len(shown["text"] or "") < 10_000 and len(shown["title"]) < 1000
        assert "lollollol" not in shown["text"] + shown["title"]
    assert len(library_bytes(home)) < 5_000_000


@pytest.mark.parametrize("shape", list(FORMATS))
def test_quadratic_blowup_is_not_expanded(cli, server, good, home, shape):
    body = FORMATS[shape]("Quadratic", QUADRATIC_USE, head=QUADRATIC_DTD)
    kept, _ = _swap_and_fetch(cli, server, body)
    after = entries(cli)
    assert {row["id"] for row in kept} <= {row["id"] for row in after}
    for row in after:
        shown = cli("show", str(row["id"]), "--json").json
        assert "B" * 1000 not in (shown["text"] or "") + (shown["content_html"] or "")
    assert len(library_bytes(home)) < 5_000_000


def _xxe_heads(secret, server) -> dict[str, str]:
    file_url = secret.as_uri()
    dtd_url = server.url("/evil.dtd")
    return {
        "file-entity": f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{file_url}">]>',
        "public-file-entity": f'<!DOCTYPE r [<!ENTITY xxe PUBLIC "-//x//y" "{file_url}">]>',
        "http-entity": f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{server.url("/xxe")}">]>',
        "parameter-entity": f'<!DOCTYPE r [<!ENTITY % dtd SYSTEM "{dtd_url}"> %dtd;]>',
        "external-dtd": f'<!DOCTYPE r SYSTEM "{dtd_url}">',
    }


@pytest.mark.parametrize("shape", list(FORMATS))
@pytest.mark.parametrize("attack", ["file-entity", "public-file-entity", "http-entity", "parameter-entity",
                                    "external-dtd"])
def test_external_entities_read_no_file_and_fetch_no_url(cli, server, good, secret, home, shape, attack):
    # The DTD the attacks point at would define &xxe; as the secret file's content.
    server.serve("/evil.dtd", f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">', content_type="application/xml-dtd")
    server.serve("/xxe", "TOPSECRET-over-http", content_type="text/plain")
    head = _xxe_heads(secret, server)[attack]
    body = FORMATS[shape]("Title &xxe; end", "Body &xxe; end", head=head)
    kept, _ = _swap_and_fetch(cli, server, body)
    assert server.hits("/evil.dtd") == [] and server.hits("/xxe") == []  # no out-of-band request
    assert {row["id"] for row in kept} <= {row["id"] for row in entries(cli)}
    assert "TOPSECRET" not in everything_shown(cli)
    assert b"TOPSECRET" not in library_bytes(home)


def test_xxe_in_an_article_page_reads_no_file(cli, server, library, secret, home):
    page = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
            "<html><head><title>Page &xxe;</title></head><body><article><h1>Heading &xxe;</h1>"
            + "<p>An article long enough to be saved as one, with plenty of words in it. &xxe;</p>" * 8
            + "</article></body></html>")
    url = server.serve("/article.html", page, content_type="text/html")
    result = cli("save", url)
    assert result.code == 0, result.err
    assert "TOPSECRET" not in everything_shown(cli)
    assert b"TOPSECRET" not in library_bytes(home)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("attack", ["xxe", "laughs"])
def test_opml_with_entities_is_refused_and_reads_no_file(cli, library, secret, tmp_path, encoding, attack):
    dtd = (f'<!DOCTYPE opml [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>' if attack == "xxe"
           else BILLION_LAUGHS_DTD.replace("rss", "opml"))
    use = "&xxe;" if attack == "xxe" else "&lol9;"
    opml = (f'<?xml version="1.0" encoding="{encoding}"?>{dtd}<opml version="2.0"><head><title>{use}</title></head>'
            f'<body><outline text="{use}" xmlUrl="https://feed.example/{use}"/></body></opml>')
    path = tmp_path / "subscriptions.opml"
    path.write_bytes(opml.encode(encoding))
    result = timed(cli, "import", str(path), within=10)
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert result.code == 2, (result.out, result.err)
    assert "TOPSECRET" not in result.out + result.err
    assert sources(cli) == []  # nothing subscribed

