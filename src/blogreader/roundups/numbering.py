"""Numbered lists as printed: "10." down to "1.", or up; the longest clean run wins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def longest_run(numbered: Sequence[T], number: Callable[[T], int]) -> list[T]:
    """The longest subsequence numbered 1..N in steps of one, counting up or down, in document order."""
    best: list[T] = []
    for start in range(len(numbered)):
        for step in (1, -1):
            run = [numbered[start]]
            for entry in numbered[start + 1:]:
                if number(entry) == number(run[-1]) + step:
                    run.append(entry)
            if len(run) > len(best) and min(number(entry) for entry in run) == 1:
                best = run
    return best
