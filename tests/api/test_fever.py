"""The Fever API on a live `serve`: the key, every read, every mark, and malformed calls, made as Fever apps
make them (POST to /fever/?api&... with api_key in the form)."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

import pytest

from blogreader.web.api.fever import fever_key, group_id
from blogreader.web.api.passwords import hash_password
from tests.api.conftest import PASSWORD, USER

KEY = hashlib.md5(f"{USER}:{PASSWORD}".encode()).hexdigest()


@pytest.fixture
def fever(api):
    api.library.store.set_api_login(USER, hash_password(PASSWORD), fever_key_hash=hash_password(KEY))
    return api


def call(api, query: str, form: dict | None = None, *, key: str | None = KEY, path: str = "/fever/",
         method: str = "POST"):
    """(status, JSON answer) of a Fever call: `query` after `?api`, the key in the form body (or the query for GET)."""
    form = dict(form or {})
    if key is not None:
        form["api_key"] = key
    target = f"{path}?api" + (f"&{query}" if query else "")
    if method == "GET":
        status, _, text = api.live.request("GET", target + (f"&{urlencode(form)}" if form else ""))
    else:
        status, _, text = api.live.request("POST", target, body=urlencode(form))
    return status, json.loads(text)


def ok(api, query: str = "", form: dict | None = None) -> dict:
    status, body = call(api, query, form)
    assert status == 200 and body["auth"] == 1 and body["api_version"] == 3, body
    return body


def visible(api) -> list[int]:
    ids = api.library.ids
    return sorted(ids[name] for name in ids if name.startswith(("ml", "news")) and not name.endswith("source")
                  and name not in ("news1", "news2"))  # news2 is a promotion, news1 a duplicate: both hidden


def test_the_key_is_md5_of_user_and_password():
    assert fever_key(USER, PASSWORD) == KEY


def test_fever_answers_404_while_the_api_is_off(api_off):
    status, _, text = api_off.live.request("POST", "/fever/?api", body=urlencode({"api_key": KEY}))
    assert status == 404 and "blogreader api-password" in text


@pytest.mark.parametrize("key", [None, "", "0" * 32, KEY.upper()[:-1] + "0", "not a key", "x" * 5000])
def test_a_wrong_or_missing_key_answers_auth_0_and_nothing_else(fever, key):
    status, body = call(fever, "items&unread_item_ids&feeds", key=key)
    assert status == 200 and body == {"api_version": 3, "auth": 0}


def test_a_password_set_before_fever_existed_gives_auth_0(api):
    status, body = call(api, "feeds")  # the fixture's login has no Fever key: `api-password` again adds one
    assert status == 200 and body["auth"] == 0


def test_the_right_key_in_the_form_or_the_query_upper_or_lower_case_at_every_address(fever):
    for path in ("/fever/", "/fever", "/api/fever.php"):
        for key in (KEY, KEY.upper()):
            for method in ("POST", "GET"):
                status, body = call(fever, "", key=key, path=path, method=method)
                assert status == 200 and body["auth"] == 1, (path, method)
                assert body["last_refreshed_on_time"] == 0  # nothing fetched yet in this library


def test_api_password_turns_fever_on_and_a_new_password_turns_the_old_key_off(api_off, cli, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("first password\n"))
    assert cli("api-password", "--user", "me@example.org", "--password-stdin").code == 0
    first = hashlib.md5(b"me@example.org:first password").hexdigest()
    assert call(api_off, "", key=first)[1]["auth"] == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("second password\n"))
    assert cli("api-password", "--user", "me@example.org", "--password-stdin").code == 0
    assert call(api_off, "", key=first)[1]["auth"] == 0
    assert call(api_off, "", key=hashlib.md5(b"me@example.org:second password").hexdigest())[1]["auth"] == 1
    assert cli("api-password", "--off").code == 0
    assert api_off.live.request("POST", "/fever/?api", body=urlencode({"api_key": first}))[0] == 404


def test_wrong_keys_are_limited_per_address(fever):
    for _ in range(5):
        assert call(fever, "", key="0" * 32)[1]["auth"] == 0
    assert call(fever, "")[1]["auth"] == 0  # even the right key waits a minute after five wrong ones


def test_groups_are_folders_and_feeds_are_sources(fever):
    ids = fever.library.ids
    body = ok(fever, "groups&feeds")
    assert body["groups"] == [{"id": group_id("Newsletters"), "title": "Newsletters"},
                              {"id": group_id("Research"), "title": "Research"}]
    assert sorted(body["feeds_groups"], key=lambda g: g["group_id"]) == sorted(
        [{"group_id": group_id("Research"), "feed_ids": str(ids["ml_source"])},
         {"group_id": group_id("Newsletters"), "feed_ids": str(ids["news_source"])}], key=lambda g: g["group_id"])
    feeds = {feed["id"]: feed for feed in body["feeds"]}
    assert feeds[ids["ml_source"]] == {"id": ids["ml_source"], "favicon_id": 0, "title": "ML Blog",
                                       "url": "https://ml.example/feed", "site_url": "https://ml.example/",
                                       "is_spark": 0, "last_updated_on_time": 0}
    assert set(feeds) == {ids["ml_source"], ids["news_source"]}
    only_groups = ok(fever, "groups")
    assert "feeds" not in only_groups and "feeds_groups" in only_groups
    assert ok(fever, "favicons")["favicons"] == [] and ok(fever, "links")["links"] == []


def test_items_page_by_since_id_and_max_id_and_name_with_ids_hidden_ones_never_shown(fever):
    library = fever.library
    extra = library.add(60, source_id=library.ids["ml_source"], url_base="https://ml.example/more/")
    shown = sorted(visible(fever) + extra)
    first = ok(fever, "items")
    assert first["total_items"] == len(shown)
    assert [item["id"] for item in first["items"]] == shown[:50]
    collected, since = [], 0
    while True:  # as an app fills its cache: since_id = the highest id it has, until a page comes back empty
        page = ok(fever, f"items&since_id={since}")["items"]
        if not page:
            break
        collected += [item["id"] for item in page]
        since = page[-1]["id"]
    assert collected == shown
    newest = ok(fever, "items&max_id=0")["items"]
    assert [item["id"] for item in newest] == shown[::-1][:50]
    older = ok(fever, f"items&max_id={newest[-1]['id']}")["items"]
    assert [item["id"] for item in older] == shown[::-1][50:100]
    ids = library.ids
    named = ok(fever, f"items&with_ids={ids['ml1']},{ids['news2']},{ids['news1']},999999")["items"]
    assert [item["id"] for item in named] == [ids["ml1"]]


def test_an_item_carries_the_summary_first_then_the_post_and_its_state(fever):
    ids = fever.library.ids
    fever.library.store.set_starred([ids["ml1"]], True)
    fever.library.store.set_read([ids["ml2"]], True)
    items = {item["id"]: item for item in ok(fever, f"items&with_ids={ids['ml1']},{ids['ml2']}")["items"]}
    item = items[ids["ml1"]]
    assert set(item) == {"id", "feed_id", "title", "author", "html", "url", "is_saved", "is_read", "created_on_time"}
    assert item["feed_id"] == ids["ml_source"] and item["title"] == "Post number 1"
    assert item["url"] == "https://ml.example/p/1"
    assert item["html"].startswith("<p><em>What the post finds, in a sentence.</em></p>")
    assert "sparse autoencoders" in item["html"]
    assert (item["is_saved"], item["is_read"]) == (1, 0)
    assert (items[ids["ml2"]]["is_saved"], items[ids["ml2"]]["is_read"]) == (0, 1)
    assert item["created_on_time"] > 1_700_000_000


def test_unread_and_saved_item_ids(fever):
    ids = fever.library.ids
    fever.library.store.set_read([ids["ml3"]], True)
    fever.library.store.set_starred([ids["ml4"], ids["news0"]], True)
    body = ok(fever, "unread_item_ids&saved_item_ids")
    assert body["unread_item_ids"] == ",".join(str(i) for i in visible(fever) if i != ids["ml3"])
    assert body["saved_item_ids"] == ",".join(str(i) for i in sorted([ids["ml4"], ids["news0"]]))


def test_mark_an_item_read_unread_saved_unsaved(fever):
    ids, store = fever.library.ids, fever.library.store
    marked = ok(fever, "", {"mark": "item", "as": "read", "id": ids["ml1"]})
    assert store.entry(ids["ml1"]).read and str(ids["ml1"]) not in marked["unread_item_ids"].split(",")
    assert ok(fever, "", {"mark": "item", "as": "unread", "id": ids["ml1"]})["unread_item_ids"].split(",").count(
        str(ids["ml1"])) == 1
    assert not store.entry(ids["ml1"]).read
    saved = ok(fever, "", {"mark": "item", "as": "saved", "id": ids["ml2"]})
    assert saved["saved_item_ids"] == str(ids["ml2"]) and store.entry(ids["ml2"]).starred
    assert ok(fever, "", {"mark": "item", "as": "unsaved", "id": ids["ml2"]})["saved_item_ids"] == ""
    assert not store.entry(ids["ml2"]).starred
    assert ok(fever, "", {"mark": "item", "as": "read", "id": 999999})  # gone from the library: nothing to do


def test_mark_a_feed_a_group_and_everything_read_before_a_time(fever):
    ids, store = fever.library.ids, fever.library.store
    store.conn.execute("UPDATE entries SET added = '2026-01-01T00:00:00Z' WHERE id = ?", (ids["ml1"],))
    before = 1767312000  # 2026-01-02: only ml1 was added before it
    ok(fever, "", {"mark": "feed", "as": "read", "id": ids["ml_source"], "before": before})
    assert store.entry(ids["ml1"]).read and not store.entry(ids["ml2"]).read
    ok(fever, "", {"mark": "group", "as": "read", "id": group_id("Newsletters")})
    assert store.entry(ids["news0"]).read and not store.entry(ids["ml3"]).read
    ok(fever, "", {"mark": "group", "as": "read", "id": -1})  # Sparks: BlogReader has none, nothing happens
    assert not store.entry(ids["ml3"]).read
    after = ok(fever, "", {"mark": "group", "as": "read", "id": 0})  # Kindling: everything
    assert after["unread_item_ids"] == ""
    assert all(store.entry(ids[name]).read for name in ("ml0", "ml2", "ml3", "ml4"))


@pytest.mark.parametrize("query, form, status, error", [
    ("items&since_id=abc", {}, 400, "since_id must be a whole number"),
    ("items&max_id=-5", {}, 400, "max_id must be a whole number"),
    ("items&with_ids=1,two", {}, 400, "with_ids must be up to 50 item ids"),
    ("items&with_ids=" + ",".join(map(str, range(1, 60))), {}, 400, "with_ids must be up to 50 item ids"),
    ("", {"mark": "entry", "as": "read", "id": "1"}, 400, "mark must be item, feed or group"),
    ("", {"mark": "item", "as": "starred", "id": "1"}, 400, "as must be read, unread, saved or unsaved"),
    ("", {"mark": "item", "as": "read"}, 400, "mark needs id=N"),
    ("", {"mark": "item", "as": "read", "id": "1; DROP TABLE"}, 400, "mark needs id=N"),
    ("", {"mark": "feed", "as": "saved", "id": "1"}, 400, "mark=feed takes as=read"),
    ("", {"mark": "feed", "as": "read", "id": "1", "before": "yesterday"}, 400, "before must be a Unix time"),
    ("", {"mark": "feed", "as": "read", "id": "424242"}, 404, "no source with id 424242"),
    ("", {"mark": "group", "as": "read", "id": "424242"}, 404, "no group 424242"),
])
def test_malformed_calls_say_what_to_send_and_change_nothing(fever, query, form, status, error):
    answer_status, body = call(fever, query, form)
    assert answer_status == status and error in body["error"] and body["auth"] == 1
    assert body["api_version"] == 3 and "items" not in body
    assert not any(fever.library.store.entry(i).read for i in visible(fever))


def test_items_of_some_feeds_or_groups(fever):
    ids = fever.library.ids
    news = [ids["news0"]]
    ml = sorted(ids[f"ml{n}"] for n in range(5))
    assert [item["id"] for item in ok(fever, f"items&feed_ids={ids['news_source']}")["items"]] == news
    assert [item["id"] for item in ok(fever, f"items&group_ids={group_id('Research')}")["items"]] == ml
    both = ok(fever, f"items&max_id=0&feed_ids={ids['news_source']}&group_ids={group_id('Research')}")["items"]
    assert [item["id"] for item in both] == sorted(ml + news, reverse=True)
    status, body = call(fever, "items&feed_ids=1,x")
    assert status == 400 and "feed_ids must be ids" in body["error"]


def test_a_call_without_api_is_answered_and_a_wrong_host_refused(fever):
    status, _, text = fever.live.request("POST", "/fever/", body=urlencode({"api_key": KEY}))
    assert status == 200 and json.loads(text)["auth"] == 1  # `?api` is what Fever apps add; some clients omit it
    status, _, text = fever.live.request("POST", "/fever/?api", body=urlencode({"api_key": KEY}),
                                         headers={"Host": "attacker.example"})
    assert status == 400 and "Host" in text
    status, headers, _ = fever.live.request("POST", "/fever/?api", body=urlencode({"api_key": KEY}))
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
