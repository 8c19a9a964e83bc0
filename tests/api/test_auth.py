"""Logging in to the reader API: off by default, wrong passwords and tokens refused, the web pages untouched."""

from __future__ import annotations

import pytest

from tests.api.conftest import PASSWORD, USER


def test_the_api_answers_404_until_a_password_is_set(api_off):
    for method, path in (("POST", "/accounts/ClientLogin"), ("GET", "/reader/api/0/subscription/list"),
                         ("GET", "/reader/api/0/token"), ("POST", "/reader/api/0/edit-tag")):
        status, _, text = api_off.call(method, path, {"Email": USER, "Passwd": PASSWORD})
        assert status == 404, (path, text)
        assert "blogreader api-password" in text


def test_client_login_returns_sid_lsid_and_auth(api):
    status, headers, text = api.call("POST", "/accounts/ClientLogin", {"Email": USER, "Passwd": PASSWORD})
    assert status == 200
    fields = dict(line.split("=", 1) for line in text.strip().splitlines())
    assert set(fields) == {"SID", "LSID", "Auth"}
    assert fields["Auth"].startswith(f"{USER}/") and len(fields["Auth"]) > 40
    assert headers["Cache-Control"] == "no-store" and headers["X-Content-Type-Options"] == "nosniff"
    info = api.json("/reader/api/0/user-info", auth=fields["Auth"])
    assert info["userName"] == USER and info["userId"] == USER


@pytest.mark.parametrize("user, password", [(USER, "wrong password"), ("someone", PASSWORD), ("someone", "x"),
                                            (USER, ""), (USER, PASSWORD + " ")])
def test_a_wrong_user_or_password_gets_the_same_401(api, user, password):
    status, _, text = api.call("POST", "/accounts/ClientLogin", {"Email": user, "Passwd": password})
    assert status == 401
    assert text.startswith("Unauthorized: wrong user name or password")  # never says which one


def test_missing_login_fields_are_a_bad_request(api):
    status, _, text = api.call("POST", "/accounts/ClientLogin", {"Email": USER})
    assert status == 400 and "Passwd" in text


def test_failed_logins_are_limited_per_address(api):
    for _ in range(5):
        assert api.call("POST", "/accounts/ClientLogin", {"Email": USER, "Passwd": "guess"})[0] == 401
    status, headers, text = api.call("POST", "/accounts/ClientLogin", {"Email": USER, "Passwd": PASSWORD})
    assert status == 429 and int(headers["Retry-After"]) > 0  # even the right password waits: no oracle
    assert "try again in" in text


def test_failed_login_limits_expire():
    from blogreader.web.api.common import FailedLogins

    now = [100.0]
    limits = FailedLogins(clock=lambda: now[0])
    for _ in range(5):
        limits.failed("10.0.0.1")
    assert limits.wait("10.0.0.1") > 0 and limits.wait("10.0.0.2") == 0
    now[0] += 61
    assert limits.wait("10.0.0.1") == 0


@pytest.mark.parametrize("header", [None, "GoogleLogin auth=reader/0000", "Bearer abc", "GoogleLogin",
                                    "GoogleLogin auth=", "GoogleLogin auth=" + "a" * 500])
def test_calls_without_the_right_auth_token_get_401(api, header):
    headers = {"Authorization": header} if header else {}
    for path in ("/reader/api/0/subscription/list", "/reader/api/0/stream/items/ids?s=user/-/state/com.google/read",
                 "/reader/api/0/unread-count", "/reader/api/0/token"):
        status, _, _ = api.live.request("GET", path, headers=headers)
        assert status == 401, (path, header)


def test_a_stale_post_token_is_refused_and_the_right_one_or_none_accepted(api):
    auth = api.login()
    token = api.post_token(auth)
    item = str(api.library.ids["ml1"])
    status, headers, _ = api.call("POST", "/reader/api/0/edit-tag",
                                  {"i": item, "a": "user/-/state/com.google/read", "T": "not-the-token"}, auth=auth)
    assert status == 401 and headers["Google-Bad-Token"] == "true"
    assert api.library.store.entry(int(item)).read is False
    for accepted in (token, "x", None):  # Reeder sends "x", FeedMe none, as FreshRSS allows
        params = {"i": item, "a": "user/-/state/com.google/read", **({"T": accepted} if accepted else {})}
        assert api.call("POST", "/reader/api/0/edit-tag", params, auth=auth)[0] == 200
    assert api.library.store.entry(int(item)).read is True


def test_a_new_password_logs_every_app_out(api):
    from blogreader.web.api.passwords import hash_password

    auth = api.login()
    api.library.store.set_api_login(USER, hash_password("another password"))
    assert api.call("GET", "/reader/api/0/subscription/list", auth=auth)[0] == 401
    assert api.call("POST", "/accounts/ClientLogin", {"Email": USER, "Passwd": PASSWORD})[0] == 401
    api.login(password="another password")


def test_the_api_checks_host_like_the_web_pages(api):
    status, _, text = api.live.request("POST", "/accounts/ClientLogin", body=f"Email={USER}&Passwd=x",
                                       headers={"Host": "evil.example"})
    assert status == 400 and "Host" in text


def test_the_api_token_opens_no_web_page_and_web_pages_keep_their_csrf(api):
    auth = api.login()
    item = api.library.ids["ml1"]
    # A web page's form still needs its CSRF token, whatever Authorization header comes along.
    status, _, _ = api.live.request("POST", f"/entries/{item}/triage", body="action=read", headers={
        "Authorization": f"GoogleLogin auth={auth}"})
    assert status == 403
    assert api.library.store.entry(item).read is False
    # Paths outside the API's two prefixes are the web app's, even when they start alike.
    assert api.live.request("GET", "/reader/api/0/../../", headers={})[0] in (401, 404)
    assert api.live.request("GET", "/accountsX")[0] == 404


def test_with_an_access_token_the_web_pages_ask_for_it_but_the_api_logs_in(home, monkeypatch):
    from blogreader.web.api.passwords import hash_password
    from tests.api.conftest import Api, fill
    from tests.web.conftest import Library, LiveServer

    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    library = Library(home)
    fill(library)
    library.store.set_api_login(USER, hash_password(PASSWORD))
    live = LiveServer(library, access_token="web-access-token")  # as when serving beyond loopback
    try:
        assert live.request("GET", "/")[0] == 401
        api = Api(live, library)
        auth = api.login()
        assert api.json("/reader/api/0/subscription/list", auth=auth)["subscriptions"]
    finally:
        live.stop()
        library.close()


def test_passwords_are_kept_as_salted_scrypt_hashes():
    from blogreader.web.api.passwords import check_password, hash_password

    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$") and PASSWORD not in first
    assert check_password(PASSWORD, first) and not check_password("other", first)
    assert not check_password(PASSWORD, "scrypt$1$1$1$!!$!!") and not check_password(PASSWORD, "plain")
