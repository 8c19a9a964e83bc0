"""The parts of migrations that SQL cannot write: a function of the connection per schema version, run by both
engines' migration runners right after that version's script, in the same transaction (so a failure rolls
back the script too)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def rehash_bands(conn: sqlite3.Connection) -> None:
    """0022: every stored post's near-duplicate band keys, made again from its text with the shingle hash of now."""
    from blogreader.store.duplicates import rehash_all_bands

    rehash_all_bands(conn)


STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {22: rehash_bands}


def run_step(conn: sqlite3.Connection, version: int) -> None:
    """The Python step of migration `version`, if it has one."""
    step = STEPS.get(version)
    if step is not None:
        step(conn)
