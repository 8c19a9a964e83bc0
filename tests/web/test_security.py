"""The web app's defences, checked with a plain HTTP client against the real server: CSRF, Host, headers, token."""

from __future__ import annotations

import socket
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from tests.web.conftest import LiveServer

PAGES = ["/", "/?state=all&kind=post", "/entries/{id}", "/collection", "/search?q=post", "/search", "/sources",
         "/sources/{source}/remove", "/preview/readme", "/preview/digest", "/preview/feed",
         "/static/blogreader.js", "/static/blogreader.css", "/entries/999999", "/no-such-page", "/?page=0"]


def _starred(live: LiveServer, entry_id: int) -> bool:
    return live.library.store.entry(entry_id).starred


def test_a_post_without_the_csrf_token_is_refused(live):
    [entry_id] = live.library.add(1)
    form = {"action": "star", "next": "/"}
    status, _, text = live.request("POST", f"/entries/{entry_id}/triage", urlencode(form))
    assert status == 403 and "security token" in text

    cookie, token = live.session()
    # The session cookie alone is not enough (a browser sends it with a forged form only same-site, but still).
    status, _, _ = live.request("POST", f"/entries/{entry_id}/triage", urlencode(form), {"Cookie": cookie})
    assert status == 403
    # A token from another session, or a made-up one, is refused too.
    _, other_token = live.session()
    for wrong in (other_token, token[:-2] + "xx", "", token + "x"):
        status, _, _ = live.request("POST", f"/entries/{entry_id}/triage",
                                    urlencode({**form, "csrf_token": wrong}), {"Cookie": cookie})
        assert status == 403, wrong
    # The right token with a cookie-less request (a cross-site form: SameSite=Strict keeps the cookie home).
    status, _, _ = live.request("POST", f"/entries/{entry_id}/triage", urlencode({**form, "csrf_token": token}))
    assert status == 403
    assert not _starred(live, entry_id)

    # Everything right, but the browser says the form came from another site.
    good = urlencode({**form, "csrf_token": token})
    for header in ({"Origin": "http://evil.example"}, {"Origin": f"http://localhost:{live.port}"},
                   {"Origin": "null", "Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}):
        status, _, _ = live.request("POST", f"/entries/{entry_id}/triage", good, {"Cookie": cookie, **header})
        assert status == 403, header
    assert not _starred(live, entry_id)

    status, headers, _ = live.request("POST", f"/entries/{entry_id}/triage", good,
                                      {"Cookie": cookie, "Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert status == 303 and headers["Location"] == "/"
    assert _starred(live, entry_id)


def test_every_state_change_needs_the_token(live):
    [entry_id] = live.library.add(1)
    source = live.library.source()
    posts = [(f"/entries/{entry_id}/triage", {"action": "read"}), (f"/entries/{entry_id}/note", {"text": "x"}),
             (f"/entries/{entry_id}/edit", {"summary": "x"}), ("/sources", {"url": "https://example.org/feed"}),
             (f"/sources/{source}/fetch", {}), (f"/sources/{source}/remove", {})]
    for path, form in posts:
        status, _, _ = live.request("POST", path, urlencode(form))
        assert status == 403, path
    entry = live.library.store.entry(entry_id)
    assert not entry.read and entry.note is None and entry.summary != "x"
    assert live.library.store.source(source)
    # State never changes on GET: the triage URLs answer GET with 405.
    status, _, _ = live.request("GET", f"/entries/{entry_id}/triage?action=read")
    assert status == 405 and not live.library.store.entry(entry_id).read


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "127.0.0.1",
                                  "localhost.evil.example:{port}", "127.0.0.2:{port}", ""])
def test_a_foreign_host_header_is_refused(live, host):
    status, headers, text = live.request("GET", "/", headers={"Host": host.format(port=live.port)})
    assert status == 400 and "Host" in text
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_the_loopback_names_are_accepted(live):
    for host in (f"127.0.0.1:{live.port}", f"localhost:{live.port}", f"LOCALHOST:{live.port}"):
        status, _, _ = live.request("GET", "/", headers={"Host": host})
        assert status == 200, host


def test_every_page_carries_the_security_headers(live):
    [entry_id] = live.library.add(1)
    source = live.library.source()
    nonces = set()
    for path in PAGES:
        status, headers, text = live.request("GET", path.format(id=entry_id, source=source))
        assert status in (200, 400, 404), path
        policy = headers["Content-Security-Policy"]
        for directive in ("default-src 'none'", "script-src 'nonce-", "style-src 'self'", "img-src 'self' data:;",
                          "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
            assert directive in policy, (path, directive)
        # No remote image reaches a page directly (they come through /media): no https: or http: source.
        assert "unsafe-inline" not in policy and "http" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        nonce = policy.split("'nonce-")[1].split("'")[0]
        nonces.add(nonce)
        if "text/html" in headers["Content-Type"]:
            assert f'nonce="{nonce}"' in text, path
    assert len(nonces) == len(PAGES)  # a fresh nonce for every response
    # Refusals and redirects carry them too.
    for status_wanted, method, body in ((403, "POST", "action=read"), (303, "POST", None)):
        if status_wanted == 303:
            cookie, token = live.session()
            status, headers, _ = live.request("POST", f"/entries/{entry_id}/triage",
                                              urlencode({"action": "read", "csrf_token": token}), {"Cookie": cookie})
        else:
            status, headers, _ = live.request(method, f"/entries/{entry_id}/triage", body)
        assert status == status_wanted
        assert "script-src 'nonce-" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_same_site_strict_and_http_only(live):
    status, headers, _ = live.request("GET", "/")
    cookie = headers["Set-Cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie and "Path=/" in cookie


def test_a_server_beyond_loopback_asks_for_its_token(library):
    from fastapi.testclient import TestClient

    from blogreader.web.app import create_app

    app = create_app(library.settings, host="192.0.2.10", port=8080, access_token="s3cret-token")
    client = TestClient(app, base_url="http://192.0.2.10:8080", follow_redirects=False)
    assert client.get("/").status_code == 401
    assert client.get("/?token=wrong").status_code == 401
    assert client.get("/static/blogreader.css").status_code == 401
    answer = client.get("/search?q=x&token=s3cret-token")
    assert answer.status_code == 303 and answer.headers["location"] == "/search?q=x"
    assert "br_access=s3cret-token" in answer.headers["set-cookie"]
    assert "SameSite=Strict" in answer.headers["set-cookie"]
    assert client.get("/search?q=x").status_code == 200  # the cookie now carries the token
    # The Host check still applies first.
    assert TestClient(app, base_url="http://127.0.0.1:8080").get("/?token=s3cret-token").status_code == 400


def test_only_loopback_binds_without_a_token(library):
    from blogreader.web.security import allowed_hosts, is_loopback
    from blogreader.web.server import bind

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
    server = bind(library.settings, "127.0.0.1", 0)
    try:
        assert server.access_token is None
        assert server.login_url == f"http://127.0.0.1:{server.port}/"
        # A port already taken is a clear usage error, not a traceback.
        from blogreader.errors import UsageError

        with pytest.raises(UsageError, match="pick another --port"):
            bind(library.settings, "127.0.0.1", server.port)
    finally:
        server.sock.close()
    hosts = allowed_hosts("192.168.1.5", 9000, ("reader.lan",))
    assert hosts == {"192.168.1.5:9000", "reader.lan:9000"}
    everywhere = allowed_hosts("0.0.0.0", 9000)
    assert {"127.0.0.1:9000", "localhost:9000", f"{socket.gethostname().lower()}:9000"} <= everywhere
    assert allowed_hosts("::1", 80) >= {"[::1]", "localhost", "127.0.0.1:80"}


def test_serve_is_a_command_and_help_stays_light():
    code = ("import sys; from blogreader.cli import cli; assert 'serve' in cli.commands; "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_serve_help(cli):
    result = cli("serve", "--help")
    assert result.code == 0 and "--host" in result.out and "--port" in result.out and "token" in result.out
