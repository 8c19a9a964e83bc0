"""Changes through the reader API: read and starred, mark all as read, subscribe, rename, move, unsubscribe."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

READING = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"


def post(api, auth, path, params):
    status, _, text = api.call("POST", f"/reader/api/0/{path}", params, auth=auth)
    return status, text


def test_edit_tag_marks_read_unread_starred_and_unstarred(api):
    auth = api.login()
    store, ids = api.library.store, api.library.ids
    items = [("i", f"tag:google.com,2005:reader/item/{ids['ml1']:016x}"), ("i", str(ids["ml2"]))]
    assert post(api, auth, "edit-tag", [*items, ("a", READ), ("a", STARRED)]) == (200, "OK")
    assert all(store.entry(ids[n]).read and store.entry(ids[n]).starred for n in ("ml1", "ml2"))
    assert post(api, auth, "edit-tag", [*items, ("r", READ)])[0] == 200
    assert not store.entry(ids["ml1"]).read and store.entry(ids["ml1"]).starred
    assert post(api, auth, "edit-tag", [("i", str(ids["ml1"])), ("r", STARRED)])[0] == 200
    assert not store.entry(ids["ml1"]).starred
    # kept-unread is unread; labels and likes are not BlogReader's and change nothing; gone ids are skipped
    assert post(api, auth, "edit-tag", [("i", str(ids["ml2"])), ("i", "999999"),
                                        ("a", "user/-/state/com.google/kept-unread"),
                                        ("a", "user/-/state/com.google/like")])[0] == 200
    assert not store.entry(ids["ml2"]).read


@pytest.mark.parametrize("params, fragment", [
    ([("a", READ)], "i=ID"),
    ([("i", "1")], "a=..."),
    ([("i", "not-an-id"), ("a", READ)], "not an item id"),
])
def test_malformed_edit_tag_is_400_and_changes_nothing(api, params, fragment):
    status, text = post(api, api.login(), "edit-tag", params)
    assert status == 400 and fragment in text
    assert not any(api.library.store.entry(i).read for k, i in api.library.ids.items() if not k.endswith("source"))


def test_mark_all_as_read_a_feed_a_folder_or_everything(api):
    auth = api.login()
    store, ids = api.library.store, api.library.ids
    assert post(api, auth, "mark-all-as-read", {"s": f"feed/{ids['news_source']}"}) == (200, "OK")
    assert store.entry(ids["news0"]).read and not store.entry(ids["ml0"]).read
    assert not store.entry(ids["news2"]).read  # the hidden promotion is not touched
    store.conn.execute("UPDATE entries SET added = '2026-01-01T00:00:00Z' WHERE id = ?", (ids["ml4"],))
    # ts: only what was crawled up to then (microseconds, as apps send it)
    assert post(api, auth, "mark-all-as-read", {"s": "user/-/label/Research", "ts": "1767312000000000"})[0] == 200
    assert store.entry(ids["ml4"]).read and not store.entry(ids["ml0"]).read
    assert post(api, auth, "mark-all-as-read", {"s": READING})[0] == 200
    assert store.entry(ids["ml0"]).read
    assert post(api, auth, "mark-all-as-read", {})[0] == 400
    assert post(api, auth, "mark-all-as-read", {"s": "feed/77777"})[0] == 404


def test_subscription_edit_renames_moves_and_unfiles(api):
    auth = api.login()
    store, source_id = api.library.store, api.library.ids["ml_source"]
    assert post(api, auth, "subscription/edit", {"ac": "edit", "s": f"feed/{source_id}", "t": "Renamed",
                                                 "a": "user/-/label/Papers"}) == (200, "OK")
    assert store.source(source_id).title == "Renamed" and store.source(source_id).category == "Papers"
    assert post(api, auth, "subscription/edit", {"ac": "edit", "s": f"feed/{source_id}",
                                                 "r": "user/-/label/Papers"})[0] == 200
    assert store.source(source_id).category is None and store.source(source_id).title == "Renamed"


@pytest.mark.parametrize("params, status", [
    ({"ac": "rename", "s": "feed/1"}, 400),
    ({"ac": "edit"}, 400),
    ({"ac": "edit", "s": "user/-/label/X"}, 400),
    ({"ac": "edit", "s": "feed/55555", "t": "x"}, 404),
    ({"ac": "subscribe", "s": "feed/javascript:alert(1)"}, 400),
    ({"ac": "subscribe", "s": "feed/1"}, 200),  # already subscribed
    ({"ac": "subscribe", "s": "feed/31337"}, 404),
])
def test_malformed_subscription_edits(api, params, status):
    assert post(api, api.login(), "subscription/edit", params)[0] == status


def test_subscribe_quickadd_and_unsubscribe(api, server):
    auth = api.login()
    store = api.library.store
    url = server.serve_file("/rss.xml", FIXTURES / "feeds" / "rss2.xml", content_type="application/rss+xml")
    status, text = post(api, auth, "subscription/edit", {"ac": "subscribe", "s": f"feed/{url}", "t": "Fixture",
                                                         "a": "user/-/label/Tests"})
    assert status == 200, text
    source = store.source_by_url(url)
    assert source.title == "Fixture" and source.category == "Tests"  # its entries come with the next fetch
    assert post(api, auth, "subscription/edit", {"ac": "unsubscribe", "s": f"feed/{source.id}"})[0] == 200
    assert store.source_by_url(url) is None
    body = api.json("/reader/api/0/subscription/quickadd", {"quickadd": url}, auth=auth, method="POST")
    assert body["numResults"] == 1 and body["streamId"] == f"feed/{store.source_by_url(url).id}"


def test_quickadd_of_something_that_is_not_a_feed_says_so(api, server):
    auth = api.login()
    missing = server.url("/missing.xml")
    status, _, text = api.call("POST", "/reader/api/0/subscription/quickadd", {"quickadd": missing}, auth=auth)
    assert status in (400, 502) and '"numResults":0' in text.replace(" ", "")
    status, _, text = api.call("POST", "/reader/api/0/subscription/quickadd", {"quickadd": "file:///etc/passwd"},
                               auth=auth)
    assert status == 400 and "http(s)" in text


def test_cli_api_password_sets_and_clears_the_login(cli, home, monkeypatch):
    import io

    from blogreader.store import Store

    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    done = cli("api-password", "--user", "me", "--password-stdin")
    assert done.code == 0 and "on for user 'me'" in done.out
    with Store.open(home / "blogreader.db") as store:
        user, stored = store.api_login()
    assert user == "me" and stored.startswith("scrypt$") and "long enough pw" not in stored
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    short = cli("api-password", "--password-stdin")
    assert short.code == 2 and "at least 8" in short.err and "nothing was changed" in short.err
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    assert cli("api-password", "--user", "a/b", "--password-stdin").code == 2
    off = cli("api-password", "--off")
    assert off.code == 0 and "off" in off.out
    with Store.open(home / "blogreader.db") as store:
        assert store.api_login() is None


@pytest.mark.sqlite_only
def test_a_write_meeting_another_writer_is_503_with_retry_after_and_changes_nothing(api, monkeypatch):
    """Another process holds the library's write lock longer than the busy timeout: the reader app is told to
    retry (503, Retry-After), in the same words as the CLI, and the same call works once the lock is gone."""
    import sqlite3

    from blogreader.store import database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)  # the server's connections wait 0.3 s, not 10
    auth = api.login()
    entry_id = api.library.ids["ml2"]
    holder = sqlite3.connect(api.library.store.path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another blogreader, in the middle of a write
        status, headers, text = api.call("POST", "/reader/api/0/edit-tag", [("i", str(entry_id)), ("a", READ)],
                                         auth=auth)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 503 and headers.get("retry-after") == "5"
    assert "the library database is busy" in text and "try again" in text
    assert not api.library.store.entry(entry_id).read
    assert post(api, auth, "edit-tag", [("i", str(entry_id)), ("a", READ)]) == (200, "OK")
    assert api.library.store.entry(entry_id).read
