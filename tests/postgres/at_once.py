"""Run a function in several threads that start at the same moment, as several processes would."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_at_once(work: Callable[..., None], arguments: list[tuple], deadline: float) -> None:
    """`work(*args)` for each of `arguments`, each in a thread, all released together; re-raises the first
    failure, and fails when a thread is still running after `deadline` seconds (a hang, not a speed)."""
    start = threading.Barrier(len(arguments))
    failures: list[BaseException] = []

    def run(*args) -> None:
        try:
            start.wait(deadline)
            work(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline)
    if failures:
        raise failures[0]
    assert not any(thread.is_alive() for thread in threads), f"a thread still runs after {deadline} s"
