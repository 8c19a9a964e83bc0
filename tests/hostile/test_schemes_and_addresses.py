"""Schemes other than http(s), and addresses a fetch may not reach, met through the CLI (spec section 7).

tests/fetch/test_guard.py proves the guard on the Fetcher (legacy IPv4 spellings, a redirect hop to
a private address, the first-hop exemption); tests/test_fetch_failures.py proves `add` refuses
127.0.0.1 and localhost. Here: every other scheme, on `add`, `save`, OPML import and in a redirect,
and the other spellings of a non-public address, on `add` with private networks NOT allowed.
Expected: a clear message (exit 2 for a scheme, 1 for an address), no request reaches the server,
no local file is read, nothing is subscribed or stored.
"""

from __future__ import annotations

import socket

import pytest

from tests.hostile.fixtures import *  # noqa: F403 - the suite's fixtures
from tests.hostile.helpers import (
    GOOD_FEED, assert_clean_failure, entries, everything_shown, library_bytes, redirect, sources, subscribe, timed,
)

SCHEMES = [
    "file:///etc/passwd", "FILE:///etc/passwd", "file://localhost/etc/passwd", "ftp://{host}/feed.xml",
    "gopher://{host}/_GET%20/feed.xml", "data:application/rss+xml,<rss version='2.0'></rss>",
    "javascript:alert(1)", "dict://{host}/stat", "ldap://{host}/o=x", "jar:http://{host}/x.jar!/feed.xml",
    "view-source:http://{host}/feed.xml", "feed:http://{host}/feed.xml", "ws://{host}/feed.xml",
    "about:blank", "{host}/feed.xml", "//{host}/feed.xml",
]


@pytest.mark.parametrize("template", SCHEMES)
def test_add_and_save_refuse_every_scheme_but_http(cli, server, library, template):
    server.serve("/feed.xml", GOOD_FEED)
    url = template.format(host=f"127.0.0.1:{server.port}")
    for command in ("add", "save"):
        result = cli(command, url)
        assert_clean_failure(result, "only http and https", code=2)
    assert server.requests == []
    assert sources(cli) == [] and entries(cli) == []


def test_an_opml_file_of_other_schemes_subscribes_none_of_them(cli, server, library, tmp_path):
    outlines = "".join(f'<outline text="x" xmlUrl="{template.format(host="127.0.0.1:9")}"/>'.replace("&", "&amp;")
                       .replace("<rss", "&lt;rss").replace("'2.0'></rss>", "'2.0'>&lt;/rss>")
                       for template in SCHEMES[:8])
    good = server.url("/feed.xml")
    opml = f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}<outline text="ok" xmlUrl="{good}"/></body></opml>'
    path = tmp_path / "mixed.opml"
    path.write_text(opml, encoding="utf-8")
    result = cli("import", str(path))
    assert_clean_failure(result, "1 source(s) added", "8 skipped", "only http and https", code=0)
    assert [row["url"] for row in sources(cli)] == [good]


@pytest.mark.parametrize("template", [
    "file://{secret}", "ftp://{host}/feed.xml", "gopher://{host}/_GET%20/feed.xml",
    "data:application/rss+xml;base64,PHJzcyB2ZXJzaW9uPSIyLjAiPjxjaGFubmVsPjxpdGVtPjx0aXRsZT5QV05FRDwvdGl0bGU+"
    "PC9pdGVtPjwvY2hhbm5lbD48L3Jzcz4=",
    "javascript:alert(1)", "dict://{host}/stat", "jar:file://{secret}!/x", "netdoc:///{secret}",
])
def test_a_redirect_to_another_scheme_is_refused_and_recorded(cli, server, library, secret, home, template):
    """Source 1 worked once; now its feed redirects off http. The hop is refused before anything is read."""
    subscribe(cli, server, GOOD_FEED)
    assert cli("fetch", "--no-enrich").code == 0
    kept = entries(cli)
    location = template.format(secret=secret, host=f"127.0.0.1:{server.port}")
    server.serve_handler("/feed.xml", redirect(location))
    hits = len(server.requests)
    run = cli("fetch", "--no-enrich")
    assert_clean_failure(run, "only http and https", code=0)
    assert len(server.requests) == hits + 1  # the redirect itself, nothing after it
    assert sources(cli)[0]["error_count"] == 1 and "only http and https" in sources(cli)[0]["last_error"]
    assert entries(cli) == kept  # the data: feed's item (titled PWNED) was not read either
    assert "TOPSECRET" not in everything_shown(cli) and b"TOPSECRET" not in library_bytes(home)


NON_PUBLIC_HOSTS = [
    "127.0.0.1.",  # trailing dot: not an IP literal to ipaddress, still loopback to the resolver
    "[::ffff:7f00:1]",  # IPv4-mapped, hex form
    "[0:0:0:0:0:ffff:127.0.0.1]",  # IPv4-mapped, long form
    "[::127.0.0.1]",  # IPv4-compatible (deprecated)
    "[64:ff9b::7f00:1]",  # NAT64 well-known prefix
    "[2002:7f00:1::]",  # 6to4
    "[::]", "0", "0.0.0.0",  # "this host": Linux connects these to loopback
    "100.64.0.1",  # carrier-grade NAT: neither private nor global to ipaddress
    "169.254.169.254",  # cloud metadata
    "[fe80::1]", "[fd12:3456::1]", "10.1.2.3", "172.16.0.1", "192.168.1.1", "198.18.0.1", "192.0.0.1",
    "224.0.0.1", "255.255.255.255",
    "LocalHost",
]


@pytest.mark.parametrize("host", NON_PUBLIC_HOSTS)
def test_add_refuses_every_spelling_of_a_non_public_address(cli, server, library, host):
    server.serve("/feed.xml", GOOD_FEED)
    result = cli("add", f"http://{host}:{server.port}/feed.xml", allow_private=False)
    assert_clean_failure(result)
    assert result.code in (1, 2), result.err
    assert "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in result.err or "not a valid URL" in result.err, result.err
    assert server.requests == []
    assert sources(cli) == []


@pytest.fixture
def rebinding_names(monkeypatch):
    """DNS names under .test that resolve to loopback, the way an attacker's domain can."""
    answers = {"loopback.test": "127.0.0.1", "mapped.test": "::ffff:127.0.0.1", "v6.test": "::1",
               "internal.test": "10.0.0.7", "localhost.": "127.0.0.1"}
    real = socket.getaddrinfo  # the suite's guard: only loopback names resolve

    def resolve(host, port=None, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's names
        name = host.decode() if isinstance(host, bytes) else host
        if name in answers:
            address = answers[name]
            kind = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family not in (0, socket.AF_UNSPEC, kind):
                raise socket.gaierror(socket.EAI_NONAME, name)
            sockaddr = (address, int(port or 0)) if kind == socket.AF_INET else (address, int(port or 0), 0, 0)
            return [(kind, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]
        return real(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return answers


@pytest.mark.parametrize("name", ["loopback.test", "mapped.test", "v6.test", "internal.test", "localhost."])
def test_a_name_resolving_to_a_non_public_address_is_refused(cli, server, library, rebinding_names, name):
    server.serve("/feed.xml", GOOD_FEED)
    result = cli("add", f"http://{name}:{server.port}/feed.xml", allow_private=False)
    assert_clean_failure(result, name, "resolves to", "BLOGREADER_ALLOW_PRIVATE_NETWORKS", code=1)
    assert server.requests == [] and sources(cli) == []


def test_a_subscribed_name_that_starts_resolving_to_loopback_is_refused_at_fetch(cli, server, library,
                                                                                 rebinding_names):
    """Subscribed while allowed, fetched while not (the allowance was turned off): refused, recorded."""
    server.serve("/feed.xml", GOOD_FEED)
    assert cli("add", f"http://loopback.test:{server.port}/feed.xml").code == 0
    hits = len(server.requests)
    run = cli("fetch", "--no-enrich", allow_private=False)
    assert_clean_failure(run, "loopback.test", code=0)
    assert len(server.requests) == hits
    assert "BLOGREADER_ALLOW_PRIVATE_NETWORKS" in sources(cli)[0]["last_error"]


@pytest.mark.parametrize("body", ["{secret_feed}", "{secret_feed}\n", "file://{secret_feed}", "/dev/zero",
                                  "/proc/self/environ", "http://127.0.0.1:{port}/secret.xml"])
def test_a_body_that_names_a_file_or_url_is_read_as_a_document(cli, server, library, tmp_path, home, body):
    """A parser that takes "a URL, a path or a document" must only ever get a document: the answer
    "/home/me/secret.xml" is ten bytes of text, not an invitation to read that file (or /dev/zero)."""
    secret_feed = tmp_path / "secret.xml"
    secret_feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>TOPSECRET feed</title>'
                           "<item><title>TOPSECRET item</title><guid>s1</guid></item></channel></rss>", encoding="utf-8")
    server.serve("/secret.xml", secret_feed.read_bytes())
    subscribe(cli, server, GOOD_FEED)
    assert cli("fetch", "--no-enrich").code == 0
    kept = entries(cli)
    server.serve("/feed.xml", body.format(secret_feed=secret_feed, port=server.port), content_type="application/xml")
    hits = len(server.hits("/secret.xml"))
    run = timed(cli, "fetch", "--no-enrich", within=8)
    assert_clean_failure(run, "not a feed", code=0)
    assert len(server.hits("/secret.xml")) == hits  # no request the body asked for
    assert entries(cli) == kept
    assert "TOPSECRET" not in everything_shown(cli) and b"TOPSECRET" not in library_bytes(home)
