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


LONG_TITLE = "A very long title about sparse autoencoders " * 3


def test_entry_tables_have_a_header_and_a_legend_and_are_never_cut_when_piped(cli, home, monkeypatch):
    store_picks(home, [pick(LONG_TITLE.strip(), "https://a.example.org/long", "2026-04-07T10:00:00Z", starred=True),
                       pick("Short", "https://a.example.org/short", "2026-04-08T10:00:00Z")])
    listed = cli("list")
    assert listed.code == 0
    lines = listed.out.splitlines()
    assert lines[0].split() == ["ID", "ST", "DATE", "SOURCE", "TITLE"]
    assert LONG_TITLE.strip() in listed.out  # piped: the whole title
    assert "* unread" in listed.err and "+ picked" in listed.err and "★ starred" in listed.err
    monkeypatch.setattr("blogreader.cli.output._stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "200")
    assert LONG_TITLE.strip() in cli("list").out
    monkeypatch.setenv("COLUMNS", "80")
    narrow = cli("list").out
    assert LONG_TITLE.strip() not in narrow and "…" in narrow
    assert all(len(line) <= 80 for line in narrow.splitlines())


def test_limit_zero_means_all(cli, home):
    store_picks(home, [pick(f"Post {n}", f"https://a.example.org/{n}", f"2026-04-0{n}T10:00:00Z") for n in range(1, 5)])
    assert len(cli("list", "--limit", "0", "--json").json) == 4
    shown = cli("list", "--limit", "0")
    assert shown.code == 0 and "(showing" not in shown.err
    assert len(cli("list", "--limit", "2", "--json").json) == 2
    assert len(cli("search", "post", "--limit", "0", "--json").json) == 4
    assert cli("list", "--limit", "-1").code == 2


def test_an_empty_library_says_how_to_add_a_source(cli):
    result = cli("list")
    assert result.code == 0
    assert "blogreader add URL" in result.err and "no entries match" not in result.err


def test_sources_show_their_url(cli, server):
    url = server.serve_file("/feed.xml", FEEDS / "rss2.xml")
    cli("add", url)
    listed = cli("sources").out
    assert "URL" in listed.splitlines()[0]
    assert url in listed and "Gradient Notes" in listed


def test_global_options_may_follow_the_command(tmp_path, capsys, monkeypatch):
    from blogreader.cli import main

    monkeypatch.delenv("BLOGREADER_HOME", raising=False)
    library = tmp_path / "lib"
    for args in (["list", "--home", str(library)], ["sources", f"--home={library}", "--debug"]):
        try:
            main(args)
        except SystemExit as exc:
            assert exc.code == 0, capsys.readouterr().err
    assert (library / "config.toml").exists()  # the library named after the command was the one opened
    assert "No such option" not in capsys.readouterr().err


def test_a_note_may_be_typed_unquoted_and_imported_entries_show_no_word_count(cli, home):
    store_picks(home, [pick("Imported", "https://a.example.org/i", "2026-04-07T10:00:00Z")])
    entry_id = str(cli("list", "--json").json[0]["id"])
    assert cli("note", entry_id, "worth", "a", "second", "read").code == 0
    shown = cli("show", entry_id)
    assert "note: worth a second read" in shown.out
    assert "0 words" not in shown.out and " min" not in shown.out


ROUNDUPS = FIXTURES / "roundups"


def _saved_roundup(cli, server, path: str, title: str, opening: str = "") -> dict:
    """`save` of a page whose article is `opening` over seven linked, numbered papers; the roundup as `show --json`
    gives it, split into its seven items."""
    body = (ROUNDUPS / "numbered_linked_h2_asc.html").read_text(encoding="utf-8")
    url = server.serve(path, f"<html><head><title>{title}</title></head>"
                       f"<body><article><h1>{title}</h1>{opening}{body}</article></body></html>",
                       content_type="text/html")
    saved = cli("save", url)
    assert saved.code == 0, saved.err
    roundup = cli("show", saved.out.split()[1].rstrip(":"), "--json").json
    assert len(roundup["items"]) == 7
    return roundup


def test_saving_a_roundup_summarizes_and_files_its_items_at_once(cli, server):
    roundup = _saved_roundup(cli, server, "/p/seven-papers", "Seven papers I read this week")
    for item in roundup["items"]:
        shown = cli("show", str(item["id"]), "--json").json
        assert shown["summary"] and shown["category"], shown["title"]


def _newsletter(issues: list[str]) -> str:
    """A newsletter feed whose every issue has the same description, and a roundup for a body."""
    from html import escape

    items = "".join(
        f"<item><title>The Weekly Tensor #{n}</title><link>https://tensor.example.org/p/{n}</link>"
        f"<guid>https://tensor.example.org/p/{n}</guid><pubDate>Tue, 0{n} Apr 2026 10:00:00 +0000</pubDate>"
        "<description>The papers I found most useful this week, with notes on each one</description>"
        f"<content:encoded>{escape((ROUNDUPS / name).read_text(encoding='utf-8'))}</content:encoded></item>"
        for n, name in enumerate(issues, start=1))
    return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>The Weekly Tensor</title><link>https://tensor.example.org/</link>{items}</channel></rss>")


def test_each_roundup_of_a_newsletter_is_summed_up_from_its_own_picks(cli, server):
    issues = ["numbered_linked_h2_asc.html", "numbered_substack_desc.html", "numbered_bold_paragraphs.html"]
    cli("add", server.serve("/tensor.xml", _newsletter(issues)))
    assert cli("fetch").code == 0
    posts = [e for e in cli("list", "--all", "--kind", "post", "--json").json]
    assert len(posts) == 3
    summaries = [post["summary"] for post in posts]
    assert len(set(summaries)) == 3, summaries
    assert not any(summary.startswith("The papers I found most useful") for summary in summaries)
    first = next(post for post in posts if post["title"].endswith("#1"))
    assert "Muon at Scale" in first["summary"]


WARMUP = "Learning rate warmup keeps the Adam optimizer second moment estimate stable in early training steps. "


def test_a_label_of_ones_own_files_one_entry_and_takes_over_no_other(cli, server):
    cli("add", server.serve("/labels.xml", rss(
        ("Warmup for Adam, part one", "https://gradients.example.org/warmup-1", WARMUP * 6),
        ("Warmup for Adam, part two", "https://gradients.example.org/warmup-2",
         "Part two measures how long the warmup of Adam should last for large batches. " + WARMUP * 3),
        ("Qwxz blorf", "https://gradients.example.org/qwxz", "Zyxq vrplomb gnarf twee."),
        ("Benchmarks that lie", "https://gradients.example.org/bench", "Evaluation of language models. " * 6),
    )))
    assert cli("fetch").code == 0
    ids = {e["title"]: e["id"] for e in cli("list", "--json").json}
    assert cli("edit", str(ids["Benchmarks that lie"]), "--category", "Evaluation").code == 0
    assert cli("edit", str(ids["Warmup for Adam, part one"]), "--category", "My shelf").code == 0
    assert cli("enrich", "--all").code == 0
    filed = {e["title"]: (e["category"], e["category_origin"]) for e in cli("list", "--json").json}
    assert filed["Warmup for Adam, part one"] == ("My shelf", "user")
    assert filed["Benchmarks that lie"] == ("Evaluation", "user")
    assert filed["Warmup for Adam, part two"][0] != "My shelf"
    assert filed["Qwxz blorf"][0] != "My shelf"
    assert cli("edit", str(ids["Qwxz blorf"]), "--category", "My shelf").code == 0
    cli("enrich", "--all")
    again = {e["title"]: e["category"] for e in cli("list", "--json").json}
    assert again["Benchmarks that lie"] == "Evaluation"


MONTHS_LIST = """# Field Notes

## March 2026

| Blog | Summary | Category |
|------|---------|----------|
| [Loss curves](https://notes.example.org/loss) | Smooth curves hide spikes. | Training |
| [Probes](https://notes.example.org/probes) | Linear probes find what you put there. | Interpretability |

## April 2026

| Blog | Summary | Category |
|------|---------|----------|
| [Reward models](https://notes.example.org/rm) | Reward models overfit early. | RL |
"""


def test_an_imported_months_rows_stand_for_the_month_not_its_first_day(cli, home, tmp_path):
    path = tmp_path / "list.md"
    path.write_text(MONTHS_LIST, encoding="utf-8")
    assert cli("import", str(path)).code == 0
    # 2026-03-01 is in ISO week 2026-W09: its digest does not hold the whole of March.
    first_week = cli("publish", "digest", "--week", "2026-W09")
    assert first_week.code == 0 and "no picks in 2026-W09; nothing written" in first_week.out
    assert not (home / "digest-2026-W09.md").exists()

    def titles(*args: str) -> set[str]:
        return {entry["title"] for entry in cli("list", *args, "--json").json}

    assert titles("--since", "2026-03", "--until", "2026-03") == {"Loss curves", "Probes"}
    assert titles("--since", "2026-03-15", "--until", "2026-03-20") == {"Loss curves", "Probes"}
    assert titles("--since", "2026-04-01") == {"Reward models"}
    assert titles("--until", "2026-02-28") == set()
    readme = cli("publish", "readme", "--out", "-").out
    assert readme.index("Reward models") < readme.index("Loss curves") < readme.index("Probes")


NEWER_LIST = """# Field Notes

## May 2026

| Blog | Summary | Category |
|------|---------|----------|
| [Loss curves, revisited](https://notes.example.org/loss) | Plot the max per window. | Optimization |
| [Probes](https://notes.example.org/probes) | Control tasks are the fix. | Interpretability |
"""


def test_an_older_list_imported_after_a_newer_one_reverts_no_label(cli, tmp_path):
    newer, older = tmp_path / "2026-05.md", tmp_path / "2026-04.md"
    newer.write_text(NEWER_LIST, encoding="utf-8")
    older.write_text(MONTHS_LIST, encoding="utf-8")
    assert cli("import", str(newer)).code == 0
    ids = {e["url"]: e["id"] for e in cli("list", "--json").json}
    assert cli("edit", str(ids["https://notes.example.org/probes"]), "--category", "Probing").code == 0
    result = cli("import", str(older))
    assert result.code == 0, result.err
    assert "label(s) kept over this list's" in result.out
    assert "kept the newer list's category 'Optimization', not this list's 'Training'" in result.out
    assert "kept your own category 'Probing'" in result.out
    rows = {e["url"]: e for e in cli("list", "--json").json}
    loss = rows["https://notes.example.org/loss"]
    assert (loss["title"], loss["summary"], loss["category"]) == (
        "Loss curves, revisited", "Plot the max per window.", "Optimization")
    assert loss["picked_at"].startswith("2026-05")
    assert rows["https://notes.example.org/probes"]["category"] == "Probing"
    assert rows["https://notes.example.org/rm"]["category"] == "RL"  # a row only the older list has is imported
    again = cli("import", str(newer))  # the newer list again: its labels apply, the user's still win
    assert "kept your own category 'Probing'" in again.out


def test_a_url_list_with_one_stray_line_saves_the_rest_and_names_the_line(cli, server, tmp_path):
    article = (FIXTURES / "pages" / "article.html").read_bytes()
    first = server.serve("/posts/one", article, content_type="text/html")
    second = server.serve("/posts/two", article.replace(b"warmup", b"cooldown"), content_type="text/html")
    path = tmp_path / "urls.txt"
    path.write_text(f"{first}\nsee also my notes\n\n- {second}\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 1
    assert "line 2: 'see also my notes' is not a URL" in result.err
    assert "2 article(s) saved" in result.err
    assert len(cli("list", "--all", "--json").json) == 2  # the second is a near-copy of the first: hidden under it


def test_a_roundup_that_opens_on_the_newsletters_own_news_is_not_hidden_as_a_promotion(cli, server):
    # The opening thanks patrons and invites to a meetup, which alone reads as a notice; the issue then recommends
    # seven papers of others. Split into them, it is a roundup, shown with its picks, not hidden.
    opening = ("<p>Welcome to the first issue of the year, and thank you to every patron who keeps this newsletter "
               "going! Last week I published the monthly summary for our patrons, with an update on the workshop I "
               "am building. To celebrate the new year I would like to invite you to our community meetup next "
               "month; tickets are free for subscribers. Our sponsor this week makes all of this possible.</p>")
    roundup = _saved_roundup(cli, server, "/p/issue-12", "The Weekly Tensor #12", opening)
    assert roundup["promo"] is False, roundup["summary"]
    assert roundup["id"] in [entry["id"] for entry in cli("list", "--json").json]
