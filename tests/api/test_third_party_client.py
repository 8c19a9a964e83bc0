"""A third-party Google Reader API client (Miniflux's `google-reader`) syncing against a real `blogreader serve`.

It does what a phone app does: log in, list subscriptions and unread counts, page through the reading list,
fetch contents, mark read and starred, add and remove a subscription.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.conftest import PASSWORD, USER, fill
from tests.conftest import FIXTURES
from tests.web.conftest import Library

google_reader = pytest.importorskip(
    "google_reader", reason="pip install --ignore-requires-python google-reader==0.0.3 (it declares Python 3.12 "
                            "but runs on 3.11)")

READING = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"


@pytest.fixture
def served(home: Path):
    """`blogreader serve --port 0` in a process of its own over a filled library with an API password."""
    from blogreader.web.api.passwords import hash_password

    library = Library(home)
    ids = fill(library)
    library.store.set_api_login(USER, hash_password(PASSWORD))
    library.close()
    env = {**os.environ, "BLOGREADER_ALLOW_PRIVATE_NETWORKS": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "blogreader", "--home", str(home), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert found, line + process.stderr.read()
        yield found.group(1), ids, library
    finally:
        process.terminate()
        process.wait(10)


def test_a_reader_client_syncs_like_a_phone_app(served, server):
    url, ids, library = served
    client = google_reader.Client(url)
    with pytest.raises(google_reader.AuthenticationError):
        client.login(USER, "not the password")
    auth = client.login(USER, PASSWORD)
    token = client.get_token(auth)
    assert client.get_user_info(auth).user_name == USER

    subscriptions = {sub.title: sub for sub in client.list_subscriptions(auth)}
    assert set(subscriptions) == {"ML Blog", "News Blog"}
    assert [tag.label for tag in subscriptions["ML Blog"].categories] == ["Research"]
    assert STARRED in {tag.id for tag in client.list_tags(auth)}
    unread = client._session.get(f"{url}/reader/api/0/unread-count", params={"output": "json"},
                                 headers={"Authorization": f"GoogleLogin auth={auth.AccessToken}"}).json()
    assert {row["id"]: row["count"] for row in unread["unreadcounts"]}[READING] == 6

    # Page through the unread ids three at a time, then fetch their contents, as NetNewsWire and ReadYou do.
    refs, continuation = [], None
    while True:
        page = client.get_stream_items_ids(auth, READING, limit=3, exclude_target=READ, continuation=continuation)
        refs += [ref.id for ref in page.item_refs]
        continuation = page.continuation
        if not continuation:
            break
    assert [int(ref) for ref in refs] == [ids[k] for k in ("ml0", "ml1", "ml2", "ml3", "ml4", "news0")]
    long_ids = [google_reader.get_long_item_id(int(ref)) for ref in refs]
    contents = client.get_stream_items_contents(auth, token, long_ids)
    assert [item.id for item in contents.items] == long_ids
    first = contents.items[0]
    assert first.title == "Post number 0" and first.origin.title == "ML Blog"
    assert first.summary.content == "What the post finds, in a sentence." and first.content.content.startswith("<p>")

    client.edit_tags(auth, token, long_ids[:2], add_tags=[READ])
    client.edit_tags(auth, token, [long_ids[2]], add_tags=[STARRED])
    starred = client.get_stream_items_ids(auth, STARRED)
    assert [int(ref.id) for ref in starred.item_refs] == [ids["ml2"]]
    still_unread = client.get_stream_items_ids(auth, READING, exclude_target=READ)
    assert len(still_unread.item_refs) == 4
    client.edit_tags(auth, token, [long_ids[0]], remove_tags=[READ])
    assert len(client.get_stream_items_ids(auth, READING, exclude_target=READ).item_refs) == 5

    feed_url = server.serve_file("/rss.xml", FIXTURES / "feeds" / "rss2.xml", content_type="application/rss+xml")
    added = client.quick_add_subscription(auth, token, feed_url)
    assert added.num_results == 1 and added.stream_id.startswith("feed/")
    assert len(client.list_subscriptions(auth)) == 3
    client.edit_subscription(auth, token, added.stream_id, "edit", add_label_id="user/-/label/Later", title="Later")
    later = {sub.title: sub for sub in client.list_subscriptions(auth)}["Later"]
    assert [tag.id for tag in later.categories] == ["user/-/label/Later"]
    client.edit_subscription(auth, token, added.stream_id, "unsubscribe")
    assert {sub.title for sub in client.list_subscriptions(auth)} == {"ML Blog", "News Blog"}

    client.mark_all_as_read(auth, token, f"feed/{ids['ml_source']}")
    assert [int(ref.id) for ref in client.get_stream_items_ids(auth, READING, exclude_target=READ).item_refs] \
        == [ids["news0"]]
    with pytest.raises(google_reader.ClientError):
        client.edit_tags(auth, "stale-token", long_ids[:1], add_tags=[READ])
