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


PROMO = "Expense your subscription: your company can pay for Weekly Gradients"


def rss(*items: tuple[str, str, str]) -> str:
    """An RSS 2.0 feed of (title, link, text) items."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Tue, 07 Apr 2026 10:00:00 +0000</pubDate><description>{text}</description></item>"
        for title, link, text in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Weekly Gradients</title>'
            f"<link>https://gradients.example.org/</link>{body}</channel></rss>")


def promo_feed(server) -> str:
    return server.serve("/weekly.xml", rss(
        ("Why warmup matters", "https://gradients.example.org/warmup",
         "Warmup keeps the second moment estimate of Adam from exploding in the first steps of training. " * 8),
        (PROMO, "https://gradients.example.org/pay",
         "Many readers asked how to expense a subscription. Upgrade to the paid tier and send this to your manager."),
    ))


def test_update_lists_no_hidden_promotion_among_the_new_entries(cli, server, home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text("starter_subscriptions = false\n")
    cli("add", promo_feed(server))
    result = cli("update")
    assert result.code == 0, result.err
    assert "new entries (1):" in result.out and "Why warmup matters" in result.out
    assert PROMO not in result.out
    assert "1 promotion(s) or duplicate(s) hidden" in result.out


def test_enrich_does_not_report_a_promotion_the_user_overruled(cli, server):
    cli("add", promo_feed(server))
    fetched = cli("fetch")
    assert "(1 promotions)" in fetched.out
    promo = next(e for e in cli("list", "--all", "--json").json if e["title"] == PROMO)
    assert promo["promo"] is True
    assert cli("edit", str(promo["id"]), "--not-promo").code == 0
    again = cli("enrich", "--all")
    assert again.code == 0 and "(0 promotions)" in again.out
    shown = cli("show", str(promo["id"]), "--json").json
    assert shown["promo"] is False
