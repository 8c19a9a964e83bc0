"""A calendar inside a roundup (events, deadlines still to come when the issue was published) is no list of reads;
a week's news listed by day, on dates before the issue, still is."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from blogreader.normalize.sanitize import sanitize_html
from blogreader.roundups import split_roundup
from blogreader.roundups.calendars import date_in

PUBLICATION = "https://weekly.example/"
ISSUE = "https://weekly.example/issues/42"
PUBLISHED = datetime(2026, 8, 19, 7, 30, tzinfo=UTC)
READS = "".join(f'<li><a href="https://blog{n}.example/posts/idea-{n}">Idea {n}: how a team made its builds faster</a> '
                f'A write-up of the changes and what each one saved.</li>' for n in range(1, 7))


def _events(dates: list[str]) -> str:
    return "".join(f'<li>{day} | Virtual | <a href="https://meetups.example/group{n}">Group {n}</a><ul>'
                   f'<li><a href="https://meetups.example/group{n}/events/{n}"><strong>Hack night {n}</strong></a></li>'
                   f'</ul></li>' for n, day in enumerate(dates, start=1))


def _issue(events: str) -> str:
    return f"<h2>Articles</h2><ul>{READS}</ul><h2>Upcoming events</h2><ul>{events}</ul>"


def _urls(html: str, published: datetime | None) -> list[str]:
    return [item.url for item in split_roundup(sanitize_html(html, ISSUE), ISSUE, PUBLICATION, published=published)]


READ_URLS = [f"https://blog{n}.example/posts/idea-{n}" for n in range(1, 7)]
COMING = ["2026-08-19", "2026-08-21", "2026-08-27", "2026-09-02", "2026-09-10"]


@pytest.mark.parametrize("dates", [COMING, ["Aug 19.", "Aug 21.", "Aug 27.", "Sep 2.", "Sep 10."],
                                   ["Virtual - 19th August", "Berlin - 21st August", "27 Aug @ Oslo", "Sept 2", "10 Sep"],
                                   ["Wed, 19 August 2026", "Fri, 21st August 2026", "Thu 27 Aug", "2 Sept", "10 Sep"]])
def test_the_events_of_a_calendar_still_to_come_are_no_items(dates):
    items = split_roundup(sanitize_html(_issue(_events(dates)), ISSUE), ISSUE, PUBLICATION, published=PUBLISHED)
    assert [item.url for item in items] == READ_URLS
    assert [item.rank for item in items] == list(range(1, 7))  # numbered as the reads alone


def test_news_listed_by_day_before_the_issue_is_still_a_list_of_reads():
    past = ["2026-08-12", "2026-08-13", "2026-08-15", "2026-08-17", "2026-08-18"]
    urls = _urls(_issue(_events(past)), PUBLISHED)
    assert urls[:6] == READ_URLS and len(urls) == 11


def test_without_the_issue_date_nothing_is_taken_for_a_calendar():
    assert len(_urls(_issue(_events(COMING)), None)) == 11


def test_a_link_also_recommended_outside_the_calendar_stays_an_item():
    events = _events(COMING).replace("https://meetups.example/group1/events/1", "https://blog1.example/posts/idea-1")
    urls = _urls(_issue(events), PUBLISHED)
    assert urls[:6] == READ_URLS and set(urls) == set(READ_URLS)  # the other events are gone


@pytest.mark.parametrize("text, expected", [
    ("2026-08-19 | Hybrid (Vancouver, CA) | Vancouver Rust", date(2026, 8, 19)),
    ("Nov 19. Community team meeting", date(2026, 11, 19)),
    ("Tue, Aug 25, 2026: deadline", date(2026, 8, 25)),
    ("3rd September - Berlin", date(2026, 9, 3)),
    ("Jan 5 - a meetup", date(2027, 1, 5)),  # nearest the issue's date: next January, not the last
    ("Mary 5 wrote about it", None),  # a word that starts like a month is none
    ("3.5 Sonnet is out", None),
    ("31 Feb: not a day", None),
    ("2026-13-40 is no date", None),
    ("Idea 1: how a team made its builds faster", None),
    ("FOSDEM (AI & HPC) - 3rd February @ Belgium", date(2026, 2, 3)),  # after the title
    ("A Rust 3 March 2026 meetup", date(2026, 3, 3)),  # "Rust 3" is no date; "3 March 2026" is
    ("Released on Jul 25, a week before", date(2026, 7, 25)),  # recent: this year's
    ("ODSC West - 29th October @ USA", date(2026, 10, 29)),
])
def test_the_date_a_line_opens_with(text, expected):
    assert date_in(text, date(2026, 8, 19) if "Jan" not in text and "FOSDEM" not in text else
                   date(2026, 12, 20) if "Jan" in text else date(2026, 1, 28)) == expected


def test_a_fetched_issue_keeps_its_reads_and_not_its_coming_events(tmp_path, monkeypatch, server):
    # The pipeline gives the splitter the issue's own date, from the feed.
    from html import escape

    from blogreader.config import load_settings
    from blogreader.pipeline import refresh
    from blogreader.store import Store

    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    issue = (f"<item><title>Weekly 42</title><link>{ISSUE}</link><guid>{ISSUE}</guid>"
             f"<pubDate>Wed, 19 Aug 2026 07:30:00 GMT</pubDate>"
             f"<description>{escape(_issue(_events(COMING)))}</description></item>")
    url = server.serve("/weekly.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Weekly</title>'
                                      f"<link>{PUBLICATION}</link>{issue}</channel></rss>")
    settings = load_settings(tmp_path / "library")
    store = Store.open(settings.database_path)
    try:
        store.add_source(url, "feed")
        refresh(store, store.sources(), settings)
        children = store.conn.execute("SELECT url FROM entries WHERE parent_id IS NOT NULL ORDER BY id").fetchall()
        assert [row[0] for row in children] == READ_URLS
    finally:
        store.close()
