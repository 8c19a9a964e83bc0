"""Every stage that reads remote text takes time linear in its input.

The property: for each text stage and each hostile run (long runs of every kind of Unicode space and
punctuation, and the shapes that tripped patterns before: "Ab. " repeated, "…" repeated, "*" and "#"
runs, " ." alternations, unclosed tags, link brackets), the stage's time on 4n characters is about
four times its time on n, and under LIMIT times; a stage that rescans or backtracks goes to sixteen.
Only ratios of two timings taken in the same run are compared, each the best of a few repetitions,
and a suspect ratio is measured again, with more repetitions and then at four times the size, before
it counts: a busy machine slows some runs but not all three, and a linear stage whose cost steps up
once (its input outgrowing a cache) grows by about four again beyond the step.
"""

from __future__ import annotations

import gc
import html
import time
from datetime import UTC, datetime
from collections.abc import Callable

import pytest

from blogreader.enrich.base import Document
from blogreader.enrich.extractive import ExtractiveSummarizer, numbered_run
from blogreader.enrich.feed_summary import FeedSummarizer, is_real_summary
from blogreader.enrich.promo import judge_promo
from blogreader.enrich.sentences import content_words, split_sentences, top_words
from blogreader.imports.curated import looks_curated, parse_curated
from blogreader.normalize.boilerplate import strip_promo_blocks
from blogreader.normalize.listing_entry import excerpt_summary
from blogreader.normalize.sanitize import sanitize_html
from blogreader.normalize.text import html_to_text, one_line, plain_title, repair_text, word_count
from blogreader.parse.listing import parse_listing
from blogreader.roundups import split_roundup
from blogreader.roundups.calendars import date_in

_DAY = datetime(2026, 8, 19, tzinfo=UTC)  # a post's date, for the calendars a roundup may hold
GROWTH = 4  # the bigger input is this many times the smaller
# Linear is about 4 (less where fixed costs weigh), quadratic about 16. On a busy 2-core machine the
# lowest of three ratios of a linear stage reached 8 once, hence the margin.
LIMIT = 10.0
REPEATS = 3

# Representative characters of each class: spaces and separators, controls that count as spaces, format
# characters, punctuation of every kind, symbols, letters and digits.
CHARACTERS = {
    "Zs": " \u00a0\u1680\u2003\u2009\u202f\u3000",
    "Zl": "\u2028",
    "Zp": "\u2029",
    "Cc": "\t\n\r\x0b\x0c\x1c\x85\x80\x9f",
    "Cf": "\u200b\ufeff\u00ad",
    "Po": ".!?,:;'\"#*&%@\\/·…¡。§",
    "Pd": "-–—",
    "Ps": "([{「",
    "Pe": ")]}」",
    "Pi": "«“‘",
    "Pf": "»”’",
    "Pc": "_",
    "Sm": "+<>=|~→×",
    "Sc": "$€",
    "Sk": "^`",
    "So": "🌟⭐👉©",
    "L/N": "aA1",
}
# Shapes that stalled a pattern before, and their kin: sentence ends, ellipses, list numbers, Markdown
# headings, tables and links, tags and entities, dates, counts and calls to action.
SHAPES = [
    "Ab. ", "e.g. A", " .", ". ", "1. ", "1.\n", "1. a\n", "10) b\n", "… ", "...", "[…]", "** ", "*a", "# ", "#\u2003",
    " #", "a ", "a\n", "a.\n", " \n", "\u2003\n", "\n\n", "[a](", "[a]", "](", "\\|", "| ", "|-", "|---", "\\\\<",
    "<p>", "</p>", "<br>", "<p", "<a", '<a "', "<!--", "<textarea>", "&nbsp;", "&#8195;", "&amp;", "&a", "http://",
    "5 min ", "1,111", "2024-01-01 ", "Jan 1, 2024 ", "by ", "read more ", "Source ", "subscribe ",
    "thanks for reading ", "99% ", "🌟 ", "sponsored by ",
]
UNITS = [char for chars in CHARACTERS.values() for char in chars] + SHAPES


def _listing_page(text: str) -> bytes:
    block = ("<article><h2><a href='/p/{n}/'>Post {n} {title}</a></h2><time datetime='2024-01-0{n}'>Jan {n}, 2024"
             "</time><p>{text}</p><p>5 min read · {text}</p></article>")
    escaped = html.escape(text)
    posts = "".join(block.format(n=n, title=escaped[:200], text=escaped) for n in range(1, 4))
    return f"<html><body><main>{posts}</main></body></html>".encode()


def _roundup_html(text: str) -> str:
    escaped = html.escape(text)
    items = "".join(f"<h2>{n}. Pick {escaped[:150]}</h2><p>{escaped}</p><p><a href='https://e{n}.org/x'>Source</a></p>"
                    for n in range(5, 0, -1))
    return f"{items}<ul>{''.join(f'<li><a href=https://l{n}.org>{escaped[:80]}</a> {escaped[:80]}</li>' for n in range(3))}</ul>"


def _numbered_lines(text: str) -> list[tuple[int, str]]:
    return numbered_run("\n".join(f"{n % 9 + 1}. Pick {text[:20]}" for n in range(len(text) // 10)))


def _curated(text: str) -> object:
    table = f"| Blog | Summary |\n|---|---|\n| 🌟 [a]({text[:50]}) {text} 🌟 | {text} |\n| {text} | b |\n"
    return (parse_curated(text), parse_curated(f"# {text}\n## x{text}x\n"), parse_curated(table),
            looks_curated(f"| a |\n{text}"), parse_curated(f"| a | b |\n|{text}|\n"))


def _normalizers(text: str) -> object:
    return repair_text(text), word_count(text), one_line(text)


def _extractive(text: str) -> object:
    return ExtractiveSummarizer().summarize(Document(text[:300], text))


def _feed_summary(text: str) -> object:
    return (is_real_summary(f"a b c d {text}", text), is_real_summary(text, ""),
            FeedSummarizer().summarize(Document("t", text, feed_summary=text)))


# A long post about its publication, pitched in its title: the judge reads every sentence of it.
_ABOUT_US = "We write about models for our readers. " * 150


def _promo(text: str) -> object:
    return (judge_promo(Document("Sponsored: a new course", _ABOUT_US + text, source="Some Blog")),
            judge_promo(Document(text, "A short post.", feed_summary=text, source="Some Blog")))


def _sentences(text: str) -> object:
    return split_sentences(text), content_words(text), top_words(text, 25)


# name -> (stage, n): n characters, so that one measurement takes from a fraction of a millisecond to a few.
# HTML stages get more: nh3's parser only slows down on runs of text longer than the sanitizer cuts them to.
STAGES: dict[str, tuple[Callable[[str], object], int]] = {
    "html_to_text": (html_to_text, 8000),
    "html_to_text_sanitized": (lambda text: html_to_text(f"<p>{html.escape(text)}</p>", sanitized=True), 8000),
    "sanitize_html": (sanitize_html, 8000),
    "plain_title": (plain_title, 8000),
    "text_normalizers": (_normalizers, 2000),
    "strip_promo_blocks": (strip_promo_blocks, 2000),
    "listing_excerpt_trimmer": (excerpt_summary, 2000),
    "parse_listing": (lambda text: parse_listing(_listing_page(text), "https://example.org/"), 1000),
    "sentence_splitting": (_sentences, 2000),
    "extractive_summarizer": (_extractive, 2000),
    "feed_summary_teaser_test": (_feed_summary, 2000),
    "promo_judge": (_promo, 2000),
    "curated_list_parser": (_curated, 1000),
    "roundup_numbering_on_text": (_numbered_lines, 2000),
    "roundup_split": (lambda text: split_roundup(_roundup_html(text), "https://example.org/p"), 1000),
    "roundup_split_dated": (lambda text: split_roundup(_roundup_html(text), "https://example.org/p", published=_DAY), 1000),
    "calendar_leading_date": (lambda text: (date_in(text, _DAY.date()), date_in("Tue, 3 " + text, _DAY.date()),
                                            date_in("Aug " + text, _DAY.date())), 2000),
}


def best_time(stage: Callable[[str], object], text: str, repeats: int = REPEATS) -> float:
    """The fastest of `repeats` runs, with the collector off so that it does not land in one of them."""
    fastest = float("inf")
    for _ in range(repeats):
        gc.disable()
        try:
            start = time.perf_counter()
            stage(text)
            fastest = min(fastest, time.perf_counter() - start)
        finally:
            gc.enable()
    return max(fastest, 1e-7)


def growth(stage: Callable[[str], object], make: Callable[[int], str], n: int) -> float:
    """How much longer `stage` takes on `make(GROWTH * n)` than on `make(n)`; a suspect ratio is measured
    again, with more repetitions and then at GROWTH times the size, and the lowest of the three counts."""
    ratio = best_time(stage, make(GROWTH * n)) / best_time(stage, make(n))
    for size, repeats in ((n, 3 * REPEATS), (GROWTH * n, REPEATS)):
        if ratio <= LIMIT:
            break
        ratio = min(ratio, best_time(stage, make(GROWTH * size), repeats) / best_time(stage, make(size), repeats))
    return ratio


def superlinear_runs(stage: Callable[[str], object], size: int) -> list[str]:
    """The hostile runs on which `stage` grows faster than linearly."""
    found = []
    for unit in UNITS:
        for tail in ("", "x"):  # a run that ends the text, and one a pattern must give back to fail
            ratio = growth(stage, lambda n, unit=unit, tail=tail: unit * max(1, n // len(unit)) + tail, size)
            if ratio > LIMIT:
                found.append(f"{unit!r} + {tail!r}: x{ratio:.1f} for x{GROWTH} the input")
    return found


@pytest.mark.parametrize("name", list(STAGES))
def test_text_stage_is_linear_on_hostile_runs(name):
    stage, size = STAGES[name]
    assert superlinear_runs(stage, size) == []


def test_html_to_text_over_a_long_run_of_em_spaces():
    # 120,000 em spaces took about a minute: `\s*\n\s*` rescanned the run from each of its characters.
    assert html_to_text("<p>a" + "\u2003" * 1000 + "b</p><p>\u2003\u2003c</p>") == "a" + "\u2003" * 1000 + "b\nc"
    assert growth(html_to_text, lambda n: "a" + "\u2003" * n + "b", 5000) < LIMIT


def test_listing_excerpt_trimmer_over_many_sentences():
    # It searched the whole text before every sentence end for an abbreviation.
    assert excerpt_summary("Ab. " * 1000 + "and then…") == ("Ab. " * 1000).strip()
    assert excerpt_summary("See e.g. the code and so on…") == "See e.g. the code and so on"
    assert growth(excerpt_summary, lambda n: "Ab. " * n, 500) < LIMIT


def test_feed_summary_teaser_test_over_a_long_run_of_ellipses():
    # From each "…", `\W*$` ran to the end of the run and gave it back.
    assert is_real_summary("We study how models learn to count …", "") is False
    assert is_real_summary("We study how models learn … to count", "") is True
    assert growth(lambda text: is_real_summary(text, ""), lambda n: "a b c d " + "…" * n + "x", 2000) < LIMIT


def test_curated_list_heading_over_a_long_line_of_spaces():
    # Each word of a heading tried every split of the spaces after it between `(.*?)`, `\s+#+` and `\s*$`.
    assert parse_curated("## Picks of March 2026 ##\n").title is None
    assert parse_curated("# My list  #\n").title == "My list"
    assert parse_curated("# C#\n").title == "C#"
    assert growth(parse_curated, lambda n: "# x" + " " * n + "y", 2000) < LIMIT


def test_roundup_split_over_a_post_made_of_many_lists():
    # Every list read every block of the post: time grew with the square of the lists.
    def post(lists: int) -> str:
        item = "<li><p><a href='https://e{n}.org/{i}'>Pick {i}</a> a longer read about many things worth a look</p></li>"
        return "".join("<ul>" + "".join(item.format(n=n, i=i) for i in range(3)) + "</ul>" for n in range(lists))

    # No one list holds most of the post; all of them together are lists of links (roundups/link_lists.py).
    assert len(split_roundup(post(600), "https://example.org/p")) == 1800
    assert growth(lambda html: split_roundup(html, "https://example.org/p"), post, 600) < LIMIT
