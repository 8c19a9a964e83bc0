"""Read a curated Markdown reading list: month headings over `Blog | Summary | Category` tables, 🌟 on favourites."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from blogreader.clock import iso
from blogreader.imports.curated_checks import (
    NO_TITLE, STRAY_ROW, Problem, bad_heading, broken_link, link_problem, mistyped_month, no_category,
)
from blogreader.imports.markdown_links import find_link, references_in, unescape
from blogreader.normalize.text import repair_text
from blogreader.normalize.urls import canonical_url
from blogreader.publish.common import MONTHS, md_cell_unescape, safe_url
from blogreader.store.collection import ImportedPick

# Stars before a title, and (read on the reversed cell) after it: both anchored at the start, so each is
# tried once; a search for the trailing stars retried from every space and star of a long cell.
_LEADING_STARS = re.compile(r"\s*(?:(?:🌟|⭐)\ufe0f?\s*)+")
_TRAILING_STARS = re.compile(r"\s*(?:\ufe0f?(?:🌟|⭐)\s*)+")
_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS.update({name[:3].lower(): number for name, number in list(_MONTH_NUMBERS.items())})
_MONTH_NUMBERS["sept"] = 9
# The opening hashes of an ATX heading; its closing ones are taken off in code (see `_heading`).
_HEADING_START = re.compile(r" {0,3}(#{1,6})\s+")
_MONTH_YEAR = re.compile(r"(?<![A-Za-z])([A-Za-z]{3,9})\.?,?\s+(\d{4})(?!\d)")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?(?![\d/.-])|(?<!\d)(\d{4}),?\s+([A-Za-z]{3,9})(?![A-Za-z])")
_DELIMITER_CELL = re.compile(r":?-+:?")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>")
_BARE_URL = re.compile(r"https?://[^\s<>|]+")
_TITLE_HEADERS = {"blog", "title", "post", "posts", "article", "link", "paper", "name", "entry", "read", "reading"}
_SUMMARY_HEADERS = {"summary", "description", "notes", "note", "tl;dr", "tldr", "why", "comment", "comments",
                    "abstract", "takeaway", "what"}
_CATEGORY_HEADERS = {"category", "categories", "tag", "tags", "topic", "topics", "area", "section", "type"}


@dataclass(frozen=True)
class CuratedRow:
    """One table row as the curator wrote it, mojibake repaired and escapes undone."""

    month: str | None  # "2026-02", None under no month heading
    starred: bool
    title: str
    url: str | None
    summary: str | None
    category: str | None
    line: int


@dataclass
class CuratedList:
    """A parsed list: its heading and description, and every row in file order."""

    title: str | None = None
    description: str | None = None
    rows: list[CuratedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # lines not imported as written, in file order


def looks_curated(text: str) -> bool:
    """Does `text` hold a Markdown table (a header row followed by a `|---|` row)?"""
    lines = text.splitlines()
    return any(_table_starts(header, delimiter) for header, delimiter in zip(lines, lines[1:]))


def _table_starts(header: str, delimiter: str) -> bool:
    """A GFM table: a header row with pipes, then a delimiter row with as many cells."""
    return ("|" in header and "-" in delimiter and _is_delimiter_row(delimiter)
            and len(split_row(header)) == len(split_row(delimiter)))


def _is_delimiter_row(line: str) -> bool:
    r"""`|---|:--:|`: cells of dashes with optional colons, read cell by cell.

    As one pattern, the spaces around each pipe could be split between two `\s*` in every way, which
    took time growing with the square of a run of spaces.
    """
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") else text
    return all(_DELIMITER_CELL.fullmatch(cell.strip()) for cell in text.split("|"))


def parse_curated(text: str) -> CuratedList:
    """Every table row of a curated list, under the month of the heading above it; what it cannot read, in `problems`."""
    lines = [repair_text(line) for line in text.splitlines()]
    references = references_in(lines)
    parsed = CuratedList()
    month: str | None = None
    year: str | None = None  # from a year-only heading ("## 2026" above "### March")
    unreadable: str | None = None  # why the rows under the current heading are left out (a misspelt month)
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = _heading(line)
        if heading:
            level, words = heading
            is_title = level == 1 and parsed.title is None and not parsed.rows
            if re.fullmatch(r"\d{4}", words):
                year, month, unreadable = words, None, None
            elif _month(words, year):
                month, unreadable = _month(words, year), None
            elif not is_title and (hint := mistyped_month(words, year)):
                month, unreadable = None, bad_heading(index + 1, words, hint)
            elif level <= 2:  # another section: its rows belong to no month; deeper headings stay in the month
                month, unreadable = None, None
            if is_title:
                parsed.title = words
                parsed.description = _paragraph_after(lines, index + 1)
            index += 1
            continue
        if index + 1 < len(lines) and _table_starts(line, lines[index + 1]):
            index = _table(lines, index, month, unreadable, references, parsed)
            continue
        if line.lstrip().startswith("|") and line.count("|") >= 2:
            parsed.problems.append(Problem(index + 1, STRAY_ROW))
        index += 1
    return parsed


def _table(lines: list[str], index: int, month: str | None, unreadable: str | None,
           references: dict[str, str], parsed: CuratedList) -> int:
    """Read the table whose header is at `index` into `parsed`; returns the index of the line after it."""
    header = split_row(lines[index])
    roles = _column_roles(header)
    start = index = index + 2
    before = len(parsed.rows)
    while index < len(lines) and "|" in lines[index] and lines[index].strip():
        cells = split_row(lines[index])
        if unreadable and any(cells):
            parsed.problems.append(Problem(index + 1, unreadable))
        elif any(cells):
            row = _row(cells, roles, month, index + 1, references)
            if isinstance(row, Problem):
                parsed.problems.append(row)
            else:
                parsed.rows.append(row)
        index += 1
    if "category" not in roles and len(parsed.rows) > before:
        parsed.problems.append(Problem(start - 1, no_category(header, len(parsed.rows) - before), skipped=False))
    return index


def to_picks(rows: list[CuratedRow]) -> list[ImportedPick]:
    """Rows as picks: picked at the start of their month plus one second per row, so order survives."""
    picks, seen, per_month = [], set(), {}
    for row in rows:
        key = row.url and canonical_url(row.url) or "title:" + row.title.casefold()
        if key in seen:
            continue  # the same link twice in one list: the first row stands
        seen.add(key)
        picked_at = None
        if row.month:
            position = per_month.get(row.month, 0)
            per_month[row.month] = position + 1
            year, number = map(int, row.month.split("-"))
            picked_at = iso(datetime(year, number, 1, tzinfo=UTC) + timedelta(seconds=position))
        guid = None if row.url else "urn:blogreader:import:" + hashlib.sha256(row.title.encode()).hexdigest()[:24]
        picks.append(ImportedPick(
            title=row.title, url=row.url, canonical_url=canonical_url(row.url) if row.url else None, guid=guid,
            summary=row.summary, category=row.category, starred=row.starred, picked_at=picked_at,
        ))
    return picks


def split_row(line: str) -> list[str]:
    """The cells of a table row; `\\|` is a pipe inside a cell, other escapes stay for the cell's Markdown.

    As in GitHub's tables, a pipe after any backslash is escaped, even one that follows `\\\\`.
    """
    cells, current, index = [], [], 0
    text = line.strip()
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1:index + 2] == "|":
            current.append("|")
            index += 2
            continue
        if char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current))
    if text.startswith("|"):
        cells = cells[1:]
    if text.endswith("|") and not text.endswith("\\|") and cells:
        cells = cells[:-1]
    return [cell.strip() for cell in cells]


def _heading(line: str) -> tuple[int, str] | None:
    r"""The level and text of an ATX heading line (`## March 2026 ##`), else None.

    Closing hashes count only after a space of the text's own ("C#" and "# #" keep theirs). As one
    pattern (`(.*?)(?:\s+#+)?\s*$`) every word tried every split of the spaces after it: a long line of
    spaces took minutes.
    """
    start = _HEADING_START.match(line)
    if not start:
        return None
    rest = line[start.end():].rstrip()
    text = rest.rstrip("#")
    if not text[-1:].isspace():
        text = rest  # no closing hashes, or hashes that are part of the text
    return len(start.group(1)), text.strip()


def _month(words: str, year: str | None = None) -> str | None:
    """"2026-02" for a heading such as "February 2026", "📚 Feb. 2026 (12 posts)", "2026-02", or "February" under "2026"."""
    words = words.strip().strip("*_").strip()
    if year and words.rstrip(".").lower() in _MONTH_NUMBERS:
        return f"{year}-{_MONTH_NUMBERS[words.rstrip('.').lower()]:02d}"
    for match in _MONTH_YEAR.finditer(words):
        if match.group(1).lower() in _MONTH_NUMBERS:
            return f"{match.group(2)}-{_MONTH_NUMBERS[match.group(1).lower()]:02d}"
    for match in _YEAR_MONTH.finditer(words):
        if match.group(1) and 1 <= int(match.group(2)) <= 12:
            return f"{match.group(1)}-{int(match.group(2)):02d}"
        if match.group(3) and match.group(4).lower() in _MONTH_NUMBERS:
            return f"{match.group(3)}-{_MONTH_NUMBERS[match.group(4).lower()]:02d}"
    return None


def _paragraph_after(lines: list[str], start: int) -> str | None:
    """The first paragraph under the list's title, before any rule, heading or table."""
    collected = []
    for line in lines[start:]:
        stripped = line.strip()
        if not stripped:
            if collected:
                break
            continue
        if stripped.startswith(("#", "|", "---", "***", "___")):
            break
        collected.append(stripped)
    return " ".join(collected) or None


def _column_roles(header: list[str]) -> dict[str, int]:
    """Which column holds the title, the summary and the category, by header name, else by position."""
    names = [re.sub(r"[*_`]", "", cell).strip().lower() for cell in header]
    roles: dict[str, int] = {}
    for role, known in (("title", _TITLE_HEADERS), ("summary", _SUMMARY_HEADERS), ("category", _CATEGORY_HEADERS)):
        for position, name in enumerate(names):
            if name in known and position not in roles.values():
                roles[role] = position
                break
    for role, position in (("title", 0), ("summary", 1), ("category", 2)):
        if role not in roles and position < len(names) and position not in roles.values():
            roles[role] = position
    return roles


def _row(cells: list[str], roles: dict[str, int], month: str | None, line: int,
         references: dict[str, str]) -> CuratedRow | Problem:
    def cell(role: str) -> str:
        position = roles.get(role)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    title_cell = cell("title")
    starred, unstarred = _without_stars(title_cell)  # before or after the link; a star inside a title is the title's
    found = find_link(unstarred, references)
    if found and (problem := link_problem(found[0], found[1])):
        return Problem(line, problem)
    if not found and (problem := broken_link(unstarred)):
        return Problem(line, problem)
    title, url = _title_and_link(unstarred, found)
    if not title and not url:
        return Problem(line, NO_TITLE)
    return CuratedRow(month=month, starred=starred, title=title or url or "", url=url,
                      summary=md_cell_unescape(cell("summary")) or None,
                      category=md_cell_unescape(cell("category")) or None, line=line)


def _without_stars(cell: str) -> tuple[bool, str]:
    """Whether stars lead or end the cell, and the cell without them."""
    leading, trailing = _LEADING_STARS.match(cell), _TRAILING_STARS.match(cell[::-1])
    start = leading.end() if leading else 0
    end = len(cell) - trailing.end() if trailing else len(cell)
    return bool(leading or trailing), cell[start:max(start, end)].strip()


def _title_and_link(cell: str, found: tuple[str, str | None] | None) -> tuple[str, str | None]:
    """The link text and destination of the cell's first link (`found`: its Markdown link), else its autolink or bare URL."""
    if found:
        text, destination = found
        return _one_line(unescape(text)), safe_url(destination)
    autolink = _AUTOLINK.search(cell) or _BARE_URL.search(cell)
    if autolink:
        url = autolink.group(1) if autolink.re is _AUTOLINK else autolink.group(0)
        rest = _one_line(unescape(cell.replace(autolink.group(0), " ")).strip(" -–—:"))
        return rest or url, safe_url(url)
    return _one_line(unescape(cell)), None


def _one_line(text: str) -> str:
    return " ".join(text.split())
