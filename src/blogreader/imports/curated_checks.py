"""What a curated list says that cannot be imported as written: each problem with its line and reason."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from blogreader.publish.common import MONTHS, safe_url

_MONTH_NAMES = [name.lower() for name in MONTHS]
_WORD = re.compile(r"[A-Za-z]{3,12}")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_NUMERIC_MONTH = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/.](\d{1,2})(?![\d])")
MAX_HEADING_WORDS = 12  # a month heading is short; a long heading is a section, never a misspelt month


@dataclass(frozen=True)
class Problem:
    """One line of a curated list that was not imported as written; `skipped`: its row was left out."""

    line: int
    reason: str
    skipped: bool = True


def mistyped_month(words: str, year: str | None) -> str | None:
    """Why a heading that is no month looks like a misspelt one ("Febuary 2026", "2026-13"), else None.

    It needs a year (in the heading, or from a year heading above it) and either a word close to a
    month's name or a month number out of range; "Older posts" or "Best of 2025" are sections, not typos.
    """
    numeric = _NUMERIC_MONTH.search(words)
    if numeric and not 1 <= int(numeric.group(2)) <= 12:
        return f"month {numeric.group(2)} does not exist"
    found_year = _YEAR.search(words)
    if not (found_year or year):
        return None
    for word in _WORD.findall(words)[:MAX_HEADING_WORDS]:
        close = difflib.get_close_matches(word.lower(), _MONTH_NAMES, n=1, cutoff=0.75)
        if close and word.lower() not in _MONTH_NAMES:
            return f"did you mean {close[0].capitalize()} {found_year.group(0) if found_year else year}?"
    return None


def bad_heading(line: int, words: str, hint: str) -> str:
    """The reason given for every row under a heading that is not a month."""
    return (f"under the heading {words!r} (line {line}), which is not a month ({hint}): not imported; "
            "fix the heading and import again")


def link_problem(text: str, destination: str | None) -> str | None:
    """Why a row's link cannot be stored (not an absolute http(s) address), else None."""
    if destination is not None and safe_url(destination) is None:
        return (f"the link {destination[:80]!r} of {text[:60]!r} is not an http(s) address: not imported; "
                "fix the link and import again")
    return None


def broken_link(cell: str) -> str | None:
    """Why a title cell holds something that was meant as a link but does not read as one, else None."""
    if "](" in cell or "][" in cell:
        return (f"the Blog cell {cell[:80]!r} has a link that does not read as Markdown `[title](https://...)`: "
                "not imported; fix the link and import again")
    return None


NO_TITLE = "no title or link in the Blog column: not imported"
STRAY_ROW = ("a table row under no table header (a header row needs a `|---|---|---|` line beneath it, with as "
             "many cells): not imported; fix the table and import again")


def no_category(header: list[str], rows: int) -> str:
    """The note for a table with no Category column: its rows come in without a category."""
    return (f"the table under header {' | '.join(header)!r} has no Category column: its {rows} row(s) were "
            "imported with no category (`blogreader enrich` files them; `edit --category` sets one)")


def describe(problems: list[Problem]) -> list[str]:
    """One line per reason, naming every line it applies to ("lines 7-9, 14: ..."), in file order."""
    grouped: dict[str, list[int]] = {}
    for problem in problems:
        grouped.setdefault(problem.reason, []).append(problem.line)
    return [f"{line_span(lines)}: {reason}" for reason, lines in grouped.items()]


def line_span(lines: list[int]) -> str:
    """"line 4", "lines 4-6", "lines 4-6, 9": consecutive numbers as ranges."""
    runs: list[list[int]] = []
    for number in sorted(set(lines)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    text = ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
    return ("line " if len(lines) == 1 else "lines ") + text
