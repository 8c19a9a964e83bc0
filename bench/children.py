"""Run one measurement in a fresh interpreter, so its peak RSS is its own (shared by the benchmarks)."""

from __future__ import annotations

import multiprocessing


def run_in_child(target, args: tuple, name: str, timeout: float) -> dict:
    """Call `target(conn, *args)` in a spawned process and return what it sends back on `conn`."""
    ctx = multiprocessing.get_context("spawn")
    parent_conn, child_conn = ctx.Pipe()
    process = ctx.Process(target=target, args=(child_conn, *args))
    process.start()
    try:
        if not parent_conn.poll(timeout):
            raise RuntimeError(f"the {name} measurement did not finish within {timeout:g} s")
        return parent_conn.recv()
    except EOFError:
        raise RuntimeError(f"the {name} measurement crashed (exit code {process.exitcode}); see stderr") from None
    finally:
        process.join(30)
        if process.is_alive():
            process.terminate()
            process.join(5)
