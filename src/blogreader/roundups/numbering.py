"""Numbered lists as printed: "10." down to "1.", or up; the longest clean run wins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def longest_run(numbered: Sequence[T], number: Callable[[T], int]) -> list[T]:
    """The longest subsequence numbered 1..N in steps of one, counting up or down, in document order.

    A run from an entry takes, each time, the first later entry numbered one more (or one less), and
    must include 1; the earliest start wins a tie, counting up before counting down.
    """
    numbers = [number(entry) for entry in numbered]
    chains = [_chains(numbers, step) for step in (1, -1)]
    best_length, best_start, best_next = 0, 0, None
    for start in range(len(numbers)):
        for following, length, lowest in chains:
            if lowest[start] == 1 and length[start] > best_length:
                best_length, best_start, best_next = length[start], start, following
    run: list[T] = []
    index = best_start if best_next is not None else None
    while index is not None:
        run.append(numbered[index])
        index = best_next[index]
    return run


def _chains(numbers: list[int], step: int) -> tuple[list[int | None], list[int], list[int]]:
    """For each entry: the next entry of its run, the run's length and its lowest number.

    An entry's run is its successor's plus itself, so one pass from the end finds them all; building
    every run afresh took time growing with the square of the headings.
    """
    first_after: dict[int, int] = {}  # number -> index of its first entry after the one being read
    following: list[int | None] = [None] * len(numbers)
    length, lowest = [1] * len(numbers), list(numbers)
    for index in range(len(numbers) - 1, -1, -1):
        after = first_after.get(numbers[index] + step)
        if after is not None:
            following[index], length[index] = after, 1 + length[after]
            lowest[index] = min(numbers[index], lowest[after])
        first_after[numbers[index]] = index
    return following, length, lowest
