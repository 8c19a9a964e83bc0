"""Issues of a series ("This Week in X #10", "#11") split as lists of links even where the editor's notes,
events and announcements outweigh the lists; a post that is no issue needs its lists to be most of it."""

from __future__ import annotations

from blogreader.models import FetchResult, Source
from blogreader.reading import read_source
from blogreader.roundups import RoundupItem, split_roundup
from blogreader.roundups.series import series_issues, without_recurring

NOTES = ("<p>Welcome to this week's issue. The compiler team shipped a long-awaited change to how generics are "
         "checked, and there was a lively discussion about what the next language version should contain, which "
         "we summarize below before the links. Thanks to everyone who sent suggestions for this issue.</p>")


def issue(number: int) -> str:
    lists = "".join(
        f"<h3>{section}</h3><ul>" + "".join(
            f'<li><a href="https://{section.lower()}{n}.example.org/post-{number}">A {section.lower()} link {n}</a></li>'
            for n in range(4)) + "</ul>"
        for section in ("Articles", "Videos", "Packages"))
    return NOTES + lists + "<h2>Events</h2>" + NOTES * 2


def test_titles_that_differ_only_in_numbers_are_issues_of_a_series():
    titles = ["This Week in Lang #10", "This Week in Lang #11", "This week in the compiler #2 - Aug 16",
              "This week in the compiler #4 - Sep 6", "Scaling laws, part 1", "Attention is enough", None]
    assert series_issues(titles) == [True, True, True, True, False, False, False]


def test_an_issue_of_a_series_splits_into_its_links_where_another_post_would_not():
    page, publication = "https://lang.example.net/issue-10", "https://lang.example.net/"
    assert split_roundup(issue(10), page, publication) == []
    items = split_roundup(issue(10), page, publication, series=True)
    assert [item.url for item in items][:5] == [
        "https://articles0.example.org/post-10", "https://articles1.example.org/post-10",
        "https://articles2.example.org/post-10", "https://articles3.example.org/post-10",
        "https://videos0.example.org/post-10"]
    assert len(items) == 12


def feed(titles: list[str]) -> bytes:
    items = "".join(f"<item><title>{title}</title><link>https://lang.example.net/issue-{n}</link>"
                    f"<guid>issue-{n}</guid><content:encoded><![CDATA[{issue(n)}]]></content:encoded></item>"
                    for n, title in enumerate(titles, start=10))
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Lang weekly</title>'
            f"<link>https://lang.example.net/</link><description>d</description>{items}</channel></rss>").encode()


def test_a_feed_of_issues_splits_each_and_a_lone_post_of_the_same_text_does_not():
    source = Source(id=1, url="https://lang.example.net/feed", kind="feed", title="Lang weekly")
    for titles, expected in ((["This Week in Lang #10", "This Week in Lang #11"], [12, 12]),
                             (["Notes on the compiler", "What the language needs next"], [0, 0])):
        result = FetchResult(url=source.url, final_url=source.url, status=200, body=feed(titles),
                             content_type="application/rss+xml")
        _, entries, splits, *_ = read_source(source, result, keep_private_links=False)
        assert [len(split) for split in splits] == expected, titles


def items(*urls: str) -> list[RoundupItem]:
    return [RoundupItem(rank, f"Item {rank}", url, "") for rank, url in enumerate(urls, start=1)]


def test_items_most_issues_carry_are_the_template_and_are_dropped():
    guide = "https://lang.example.net/how-to-contribute"
    splits = [items("https://a.example/1", "https://a.example/2", "https://a.example/3", guide),
              items("https://b.example/1", "https://b.example/2", "https://b.example/3", guide),
              items("https://c.example/1", "https://c.example/2", "https://c.example/3"), None]
    kept = without_recurring(splits, [True, True, True, False])
    assert [[item.url for item in split] for split in kept[:3]] == [
        ["https://a.example/1", "https://a.example/2", "https://a.example/3"],
        ["https://b.example/1", "https://b.example/2", "https://b.example/3"],
        ["https://c.example/1", "https://c.example/2", "https://c.example/3"]]
    assert kept[3] is None


def test_a_paper_two_of_five_roundups_recommend_stays_in_both():
    paper = "https://arxiv.org/abs/2608.00001"
    splits = [items(paper, f"https://w{n}.example/1", f"https://w{n}.example/2") if n < 2 else
              items(f"https://w{n}.example/1", f"https://w{n}.example/2", f"https://w{n}.example/3") for n in range(5)]
    assert without_recurring(splits, [True] * 5) == splits


def test_headings_over_lists_of_links_are_sections_and_their_bullets_the_items():
    sections = {"Discussions": ["threads/1", "threads/2", "threads/3"], "Releases": ["releases/9.6", "releases/9.7"],
                "Notable changes": ["pull/11", "pull/12", "pull/13"]}
    html = "<p>Welcome to this week's issue.</p>" + "".join(
        f"<h3>{name}</h3><ul>" + "".join(f'<li><a href="https://forum.lang.example.org/{path}">Topic {path}</a></li>'
                                         for path in paths) + "</ul>" for name, paths in sections.items())
    found = split_roundup(html, "https://lang.example.net/issue-3", "https://lang.example.net/")
    assert [item.url for item in found] == [f"https://forum.lang.example.org/{path}"
                                            for paths in sections.values() for path in paths]


def test_a_title_that_names_the_issue_then_its_topics_is_an_issue():
    titles = ["week 2 - sparse attention | small models", "week 3 - data filtering and more",
              "Weekly (No. 300): the cover story", "Weekly (No. 301): another essay", "Notes: part of a talk"]
    assert series_issues(titles) == [True, True, True, True, False]


def test_an_issue_opening_with_an_essay_splits_into_its_linked_titles():
    essay = "<p>" + "This week I want to write at length about how we choose what to read, and why. " * 12 + "</p>"
    picks = "".join(f'<p><a href="https://pick{n}.example.org/post">Pick number {n}</a></p>'
                    f"<p>One or two sentences on why pick {n} is worth the time this week.</p>" for n in range(1, 6))
    html = f"<h2>Essay</h2>{essay}<h2>Links</h2>{picks}"
    page, publication = "https://notes.example.net/issue-300", "https://notes.example.net/"
    assert split_roundup(html, page, publication) == []
    found = split_roundup(html, page, publication, series=True)
    assert [item.url for item in found] == [f"https://pick{n}.example.org/post" for n in range(1, 6)]
