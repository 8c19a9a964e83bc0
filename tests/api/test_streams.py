"""Streams, items, unread counts and the lists apps read, as FreshRSS and Miniflux shape them."""

from __future__ import annotations

import json
import re

import pytest

READING = "user/-/state/com.google/reading-list"
STARRED = "user/-/state/com.google/starred"
READ = "user/-/state/com.google/read"


def ids_of(api, auth, **params) -> list[int]:
    return [int(ref["id"]) for ref in api.json("/reader/api/0/stream/items/ids", params, auth=auth)["itemRefs"]]


def test_subscriptions_carry_their_folder(api):
    auth = api.login()
    subs = {s["title"]: s for s in api.json("/reader/api/0/subscription/list", auth=auth)["subscriptions"]}
    assert subs["ML Blog"]["id"] == f"feed/{api.library.ids['ml_source']}"
    assert subs["ML Blog"]["url"] == "https://ml.example/feed" and subs["ML Blog"]["htmlUrl"] == "https://ml.example/"
    assert subs["ML Blog"]["categories"] == [{"id": "user/-/label/Research", "label": "Research", "type": "folder"}]


def test_tag_list_has_starred_folders_and_categories(api):
    auth = api.login()
    tags = api.json("/reader/api/0/tag/list", auth=auth)["tags"]
    assert {"id": STARRED} in tags
    assert {"id": "user/-/label/Research", "type": "folder"} in tags
    assert {"id": "user/-/label/Interpretability", "type": "tag"} in tags


def test_reading_list_hides_promotions_and_duplicates(api):
    auth = api.login()
    ids = api.library.ids
    listed = ids_of(api, auth, s=READING, n=100)
    assert ids["news2"] not in listed and ids["news1"] not in listed  # promo, duplicate
    assert listed == [ids["ml0"], ids["ml1"], ids["ml2"], ids["ml3"], ids["ml4"], ids["news0"]]  # newest first
    assert ids_of(api, auth, s=READING, n=100, r="o") == listed[::-1]


def test_paging_with_continuation_visits_each_item_once(api):
    auth = api.login()
    seen, continuation = [], None
    for _ in range(10):
        params = {"n": 2, **({"c": continuation} if continuation else {})}
        page = api.json(f"/reader/api/0/stream/contents/{READING}", params, auth=auth)
        seen += [item["id"] for item in page["items"]]
        continuation = page.get("continuation")
        if not continuation:
            break
    assert len(seen) == len(set(seen)) == 6
    assert seen[0] == f"tag:google.com,2005:reader/item/{api.library.ids['ml0']:016x}"


def test_an_item_has_the_fields_apps_read(api):
    auth = api.login()
    entry_id = api.library.ids["ml0"]
    api.library.store.set_starred([entry_id], True)
    item = api.json(f"/reader/api/0/stream/contents/feed/{api.library.ids['ml_source']}", {"n": 1}, auth=auth)["items"][0]
    assert item["id"] == f"tag:google.com,2005:reader/item/{entry_id:016x}"
    assert item["title"] == "Post number 0" and item["author"] == "A. Writer"
    assert item["canonical"] == [{"href": "https://ml.example/p/0"}]
    assert item["alternate"][0]["href"] == "https://ml.example/p/0"
    assert item["origin"] == {"streamId": f"feed/{api.library.ids['ml_source']}", "title": "ML Blog",
                              "htmlUrl": "https://ml.example/"}
    assert item["summary"]["content"] == "What the post finds, in a sentence."
    assert item["content"]["content"].startswith("<p>Post number 0")
    assert int(item["timestampUsec"]) // 1000 == int(item["crawlTimeMsec"])
    assert item["published"] == 1775001600  # 2026-04-01T00:00:00Z
    assert READING in item["categories"] and STARRED in item["categories"] and READ not in item["categories"]
    assert "user/-/label/Research" in item["categories"]


def test_item_content_is_sanitized_and_images_go_through_blogreader(api):
    entry_id = api.library.ids["ml3"]
    api.library.store.conn.execute(
        "UPDATE entries SET content_html = ?, text = '' WHERE id = ?",
        ('<p onclick="x()">Hi<script>alert(1)</script><img src="https://tracker.example/pixel.png"></p>', entry_id))
    auth = api.login()
    item = api.json("/reader/api/0/stream/items/contents", {"i": str(entry_id)}, auth=auth, method="POST")["items"][0]
    content = item["content"]["content"]
    assert "script" not in content and "onclick" not in content and "tracker.example" not in content
    assert f'src="{api.live.url}/reader/api/0/media/' in content


def test_items_contents_takes_long_and_decimal_ids(api):
    auth = api.login()
    first, second = api.library.ids["ml1"], api.library.ids["news0"]
    body = api.json("/reader/api/0/stream/items/contents",
                    [("i", f"tag:google.com,2005:reader/item/{first:016x}"), ("i", str(second)), ("i", "999999")],
                    auth=auth, method="POST")
    assert [item["id"][-16:] for item in body["items"]] == [f"{first:016x}", f"{second:016x}"]


@pytest.mark.parametrize("stream, expected", [
    ("feed/{ml_source}", ["ml0", "ml1", "ml2", "ml3", "ml4"]),
    ("feed/https://news.example/feed", ["news0"]),
    ("user/-/label/Research", ["ml0", "ml1", "ml2", "ml3", "ml4"]),
    ("user/-/label/News", ["news0"]),  # a category of entries, not a folder
])
def test_feed_folder_and_category_streams(api, stream, expected):
    auth = api.login()
    ids = api.library.ids
    assert ids_of(api, auth, s=stream.format(**ids), n=50) == [ids[name] for name in expected]


def test_starred_exclude_read_and_time_filters(api):
    auth = api.login()
    ids, store = api.library.ids, api.library.store
    store.set_starred([ids["ml2"]], True)
    store.set_read([ids["ml0"], ids["ml1"]], True)
    assert ids_of(api, auth, s=STARRED) == [ids["ml2"]]
    assert ids_of(api, auth, s=READING, xt=READ, n=50) == [ids["ml2"], ids["ml3"], ids["ml4"], ids["news0"]]
    assert ids_of(api, auth, s=READING, it=READ, n=50) == [ids["ml0"], ids["ml1"]]
    store.conn.execute("UPDATE entries SET added = '2026-01-01T00:00:00Z' WHERE id != ?", (ids["ml4"],))
    assert ids_of(api, auth, s=READING, ot="1767312000", n=50) == [ids["ml4"]]  # crawled since 2026-01-02
    assert ids[("ml4")] not in ids_of(api, auth, s=READING, nt="1767312000", n=50)


def test_unread_counts_per_feed_folder_and_in_all(api):
    auth = api.login()
    api.library.store.set_read([api.library.ids["ml0"]], True)
    body = api.json("/reader/api/0/unread-count", auth=auth)
    counts = {row["id"]: row["count"] for row in body["unreadcounts"]}
    assert counts[f"feed/{api.library.ids['ml_source']}"] == 4
    assert counts[f"feed/{api.library.ids['news_source']}"] == 1  # the promotion and the duplicate are hidden
    assert counts["user/-/label/Research"] == 4 and counts[READING] == 5 and body["max"] == 5
    assert all(row["newestItemTimestampUsec"].isdigit() for row in body["unreadcounts"])


@pytest.mark.parametrize("path, params, fragment", [
    ("/reader/api/0/stream/items/ids", {}, "s=..."),
    ("/reader/api/0/stream/items/ids", {"s": "nonsense"}, "not a stream"),
    ("/reader/api/0/stream/items/ids", {"s": READING, "n": "-3"}, "n must be"),
    ("/reader/api/0/stream/items/ids", {"s": READING, "n": "lots"}, "n must be"),
    ("/reader/api/0/stream/items/ids", {"s": READING, "c": "'; DROP TABLE entries"}, "continuation"),
    ("/reader/api/0/stream/items/ids", {"s": READING, "ot": "yesterday"}, "ot must be"),
    ("/reader/api/0/stream/contents/user/-/state/com.google/reading-list", {"nt": "1e9"}, "nt must be"),
])
def test_malformed_stream_requests_are_400s_that_say_why(api, path, params, fragment):
    status, _, text = api.call("GET", path, params, auth=api.login())
    assert status == 400 and fragment in text


def test_unknown_feed_is_404_and_bad_item_ids_400(api):
    auth = api.login()
    assert api.call("GET", "/reader/api/0/stream/items/ids", {"s": "feed/424242"}, auth=auth)[0] == 404
    assert api.call("GET", "/reader/api/0/stream/items/ids", {"s": "feed/https://nowhere.example/"}, auth=auth)[0] == 404
    for bad in ("tag:google.com,2005:reader/item/zz", "12abc", "-5", "99999999999999999999", ""):
        status, _, text = api.call("POST", "/reader/api/0/stream/items/contents", {"i": bad}, auth=auth)
        assert status == 400, bad
    status, _, text = api.call("POST", "/reader/api/0/stream/items/contents", [("i", "1")] * 1001, auth=auth)
    assert status == 400 and "at most 1000" in text


def test_a_huge_form_is_refused_unread(api):
    auth = api.login()
    status, _, text = api.call("POST", "/reader/api/0/stream/items/contents", {"i": "1" * 2_000_000}, auth=auth)
    assert status == 413


def test_n_beyond_the_cap_gives_a_full_page_and_a_continuation(api, monkeypatch):
    auth = api.login()
    body = api.json("/reader/api/0/stream/items/ids", {"s": READING, "n": "100000"}, auth=auth)
    assert len(body["itemRefs"]) == 6 and "continuation" not in body
    assert json.dumps(body)  # plain JSON


def test_item_images_load_through_the_signed_api_media_route_only(api, server):
    from tests.web.conftest import png

    image = server.serve("/pic.png", png(), content_type="image/png")
    entry_id = api.library.ids["ml3"]
    api.library.store.conn.execute("UPDATE entries SET content_html = ?, text = '' WHERE id = ?",
                                   (f'<p>Figure: <img src="{image}" alt="a chart"></p>', entry_id))
    auth = api.login()
    content = api.json("/reader/api/0/stream/items/contents", {"i": str(entry_id)}, auth=auth,
                       method="POST")["items"][0]["content"]["content"]
    signed = re.search(r'src="([^"]+)"', content).group(1)
    path = signed.removeprefix(api.live.url)
    assert path.startswith("/reader/api/0/media/") and image not in content
    status, headers, body = api.live.request("GET", path, binary=True)  # no login: apps load images bare
    assert status == 200 and headers["Content-Type"] == "image/png" and body == png()
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert api.live.request("GET", forged)[0] in (403, 404)
    api.library.store.clear_api_login()
    assert api.live.request("GET", path)[0] == 404  # the API off: nothing answers under its prefix


def test_api_summary_full_gives_apps_that_read_only_summary_the_post(home, monkeypatch):
    from blogreader.web.api.passwords import hash_password
    from tests.api.conftest import PASSWORD, USER, Api, fill
    from tests.web.conftest import Library, LiveServer

    library = Library(home)
    (home / "config.toml").write_text('starter_subscriptions = false\n[api]\nsummary = "full"\n', encoding="utf-8")
    from blogreader.config import load_settings

    library.settings = load_settings(home)
    ids = fill(library)
    library.store.set_api_login(USER, hash_password(PASSWORD))
    live = LiveServer(library)
    try:
        api = Api(live, library)
        item = api.json("/reader/api/0/stream/items/contents", {"i": str(ids["ml0"])}, auth=api.login(),
                        method="POST")["items"][0]
        assert item["summary"]["content"].startswith("<p><em>What the post finds, in a sentence.</em></p><p>Post")
        assert item["summary"]["content"].endswith(item["content"]["content"])
    finally:
        live.stop()
        library.close()


def test_api_summary_setting_is_checked(home):
    from blogreader.config import load_settings
    from blogreader.errors import ConfigError

    home.mkdir(parents=True)
    (home / "config.toml").write_text('[api]\nsummary = "everything"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[api\] summary must be"):
        load_settings(home)


def test_stream_contents_takes_the_stream_in_the_path_plain_or_encoded(api):
    auth = api.login()
    news = [f"tag:google.com,2005:reader/item/{api.library.ids['news0']:016x}"]
    for path in ("feed/https://news.example/feed", "feed%2Fhttps%3A%2F%2Fnews.example%2Ffeed",
                 f"feed/{api.library.ids['news_source']}", "user/-/label/Newsletters"):
        body = api.json(f"/reader/api/0/stream/contents/{path}", auth=auth)
        assert [item["id"] for item in body["items"]] == news, path
