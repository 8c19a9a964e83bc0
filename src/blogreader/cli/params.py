"""Argument types: ids and counts within what SQLite holds, source references, text, `-` for standard streams."""

from __future__ import annotations

import click

# SQLite's INTEGER is 64-bit signed: a larger number cannot even be looked up.
MAX_ID = 2**63 - 1
STDIO = "-"


def _whole_number(value: str) -> int | None:
    """The number `value` spells in ASCII digits (a sign allowed), else None; never a float, never huge."""
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 30:
        return None
    return int(text)


class _Number(click.ParamType):
    """A whole number from `low` to MAX_ID; anything else names itself and the range."""

    def __init__(self, noun: str, low: int) -> None:
        self.noun, self.low = noun, low
        self.name = noun.split(" ", 1)[1]

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            number = value
        else:
            number = _whole_number(str(value))
            if number is None:
                self.fail(f"{value!r} is not {self.noun}: give a whole number from {self.low} to {MAX_ID}", param, ctx)
        if not self.low <= number <= MAX_ID:
            self.fail(f"{value} is out of range for {self.noun}: give a whole number from {self.low} to {MAX_ID}",
                      param, ctx)
        return number


ENTRY_ID = _Number("an entry id", 1)
COUNT = _Number("a count", 1)
LIMIT = _Number("a limit", 0)  # 0 means no limit


class _Text(click.ParamType):
    """Text to store or look up: bytes the terminal's encoding could not decode are refused, not stored."""

    name = "text"

    def convert(self, value, param, ctx) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(f"{text!r} is not valid UTF-8 text; check the terminal's encoding (LANG, LC_ALL)", param, ctx)
        return text


TEXT = _Text()


class _SourceRef(_Text):
    """A source's id, URL or title; an id must be a number SQLite can hold."""

    name = "source"

    def convert(self, value, param, ctx) -> str:
        text = super().convert(value, param, ctx).strip()
        if text.isdigit():  # the store reads any digits as an id, Unicode digits too
            number = _whole_number(text)
            if number is None or not 1 <= number <= MAX_ID:
                self.fail(f"{value!r} is not a source id: give a whole number from 1 to {MAX_ID}, "
                          "or the source's URL or title", param, ctx)
        return text


SOURCE = _SourceRef()
