"""Links in a Markdown table cell: inline, reference-style, with CommonMark's escapes; bounded tries per cell."""

from __future__ import annotations

import re

MAX_LINK_TRIES = 32  # bracketed spans of a cell tried for its link; each try may read the rest of the cell
_REFERENCE = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_BACKSLASH_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def find_link(cell: str, references: dict[str, str] | None = None) -> tuple[str, str | None] | None:
    """(text, destination) of the first `[text](url)`, `[text][ref]` or `[ref]` link in `cell`."""
    references = references or {}
    start = _unescaped_index(cell, "[", 0)
    for _ in range(MAX_LINK_TRIES):  # a title cell's link comes early; "[a](" a million times is no title
        if start is None:
            return None
        end = _closing_bracket(cell, start)
        if end is None:
            return None
        text = cell[start + 1:end]
        if cell.startswith("(", end + 1):
            destination = _destination(cell, end + 2)
            if destination is not None:
                return text, unescape(destination)
        elif cell.startswith("[", end + 1) and (close := cell.find("]", end + 2)) >= 0:
            label = cell[end + 2:close] or text
            if _label(label) in references:
                return text, references[_label(label)]
        elif _label(text) in references:
            return text, references[_label(text)]
        start = _unescaped_index(cell, "[", end + 1)
    return None


def _destination(cell: str, begin: int) -> str | None:
    """The destination of an inline link from `begin`, just after `(`: `<...>` or a run with balanced parentheses."""
    while begin < len(cell) and cell[begin].isspace():
        begin += 1
    if cell.startswith("<", begin):
        close = cell.find(">", begin)
        return cell[begin + 1:close] if close > begin else None
    depth, index = 0, begin
    while index < len(cell):
        char = cell[index]
        if char == "\\" and index + 1 < len(cell):
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return cell[begin:index]
            depth -= 1
        elif char.isspace():
            return cell[begin:index]  # a link title follows; the destination ends here
        index += 1
    return None


def _closing_bracket(text: str, start: int) -> int | None:
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _unescaped_index(text: str, wanted: str, start: int) -> int | None:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == wanted:
            return index
        index += 1
    return None


def references_in(lines: list[str]) -> dict[str, str]:
    """Reference-style link definitions (`[label]: https://...`) anywhere in the file."""
    found = {}
    for line in lines:
        match = _REFERENCE.match(line)
        if match:
            found.setdefault(_label(match.group(1)), match.group(2))
    return found


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def unescape(text: str) -> str:
    return _BACKSLASH_ESCAPE.sub(r"\1", text)
