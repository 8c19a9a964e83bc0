"""In the web app, the copies of one story are read together: opening one, or the Mark unread button."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from blogreader.web.app import create_app
from tests.test_near_duplicates import FOOTER, INTRO, OTHER, STORY
from tests.web.conftest import Library, make_entry

TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def test_opening_a_copy_reads_the_story_and_unread_unreads_every_copy(tmp_path, monkeypatch):
    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    library = Library(tmp_path / "library")
    try:
        own_feed = library.source("Author", "https://author.example/feed")
        planet = library.source("Planet", "https://planet.example/feed")
        own, other = library.store.save_entries(own_feed, [
            make_entry("Four bits", url="https://author.example/int4", text=" ".join(STORY)),
            make_entry("Calibration", url="https://author.example/calibration", text=" ".join(OTHER)),
        ]).ids
        (copy,) = library.store.save_entries(planet, [
            make_entry("Four bits", url="https://planet.example/int4", text=" ".join([INTRO, *STORY[1:], FOOTER])),
        ]).ids
        assert library.store.entry(copy).duplicate_of == own

        app = create_app(library.settings, port=8080)
        with TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False) as client:
            token = TOKEN.search(client.get("/").text).group(1)
            assert client.get(f"/entries/{copy}").status_code == 200
            assert [library.store.entry(i).read for i in (own, copy, other)] == [True, True, False]
            answer = client.post(f"/entries/{own}/triage", data={"csrf_token": token, "action": "unread"})
            assert answer.status_code in (200, 303)
            assert [library.store.entry(i).read for i in (own, copy, other)] == [False, False, False]
    finally:
        library.close()
