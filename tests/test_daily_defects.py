"""Daily triage as a Miniflux or Readwise user meets it: publishing, updating, enriching and the CLI's tables."""

from __future__ import annotations

import os
import re
import stat

from tests.conftest import FIXTURES
from tests.publish.support import pick, store_picks

FEEDS = FIXTURES / "feeds"


def test_published_files_follow_the_umask_so_a_web_server_can_read_them(cli, home, tmp_path):
    store_picks(home, [pick("A post", "https://a.example.org/p", "2026-04-07T10:00:00Z")])
    old = os.umask(0o022)
    try:
        assert cli("publish", "site", "--out", str(tmp_path / "public")).code == 0
        assert cli("publish", "feed", "--out", str(tmp_path / "feed.xml")).code == 0
        os.umask(0o027)
        assert cli("publish", "readme", "--out", str(tmp_path / "README.md")).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "public" / "index.html").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "feed.xml").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "README.md").stat().st_mode) == 0o640


def test_a_digest_of_a_week_without_picks_writes_nothing(cli, home):
    store_picks(home, [pick("A post", "https://a.example.org/p", "2026-04-07T10:00:00Z")])
    result = cli("publish", "digest", "--week", "2026-W20")
    assert result.code == 0
    assert "no picks in 2026-W20; nothing written" in result.out
    assert not (home / "digest-2026-W20.md").exists()
    assert cli("publish", "digest", "--week", "2026-W15").code == 0
    assert (home / "digest-2026-W15.md").exists()


def test_an_empty_feed_is_not_rewritten_by_every_publish(cli, home):
    first = cli("publish", "feed")
    assert first.code == 0 and "written" in first.out
    feed = home / "feed.xml"
    # As published a day earlier: an empty feed's date must not move with the clock.
    feed.write_text(re.sub(r"<updated>[^<]*</updated>", "<updated>2026-01-01T00:00:00Z</updated>", feed.read_text()),
                    encoding="utf-8")
    before = feed.stat().st_mtime_ns
    os.utime(home / "feed.xml", ns=(before - 10**9, before - 10**9))
    again = cli("publish", "feed")
    assert again.code == 0 and "unchanged" in again.out
    assert (home / "feed.xml").stat().st_mtime_ns == before - 10**9
    assert cli("publish", "site").code == 0
    site_feed = (home / "site" / "feed.xml").read_bytes()
    assert "unchanged" in cli("publish", "site").out
    assert (home / "site" / "feed.xml").read_bytes() == site_feed
