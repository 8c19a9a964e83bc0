"""The PostgreSQL server the benchmarks run against: a fresh schema per run, its settings, and its CPU time."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

_numbers = itertools.count(1)


def with_search_path(url: str, schema: str) -> str:
    """`url` whose connections use `schema` (options=-csearch_path=...), keeping any options it has."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["options"] = " ".join(filter(None, [query.get("options", ""), f"-csearch_path={schema}"]))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def fresh_schema(url: str) -> tuple[str, str]:
    """A new empty schema in the database at `url`: (its name, a URL that uses it)."""
    import psycopg

    name = f"bench_{os.getpid()}_{int(time.time())}_{next(_numbers)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    return name, with_search_path(url, name)


def drop_schema(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def server_settings(url: str) -> dict:
    """The server's version and the settings that weigh on the figures; a clear exit when it cannot be reached."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            names = ("server_version", "shared_buffers", "fsync", "synchronous_commit", "max_connections")
            return {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in names}
    except psycopg.OperationalError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1].strip()
        raise SystemExit(f"cannot connect to the PostgreSQL server at {url} ({reason}); start one (see "
                         "tests/postgres_cluster.py) or check the address given to --database") from None


def server_cpu_probe(url: str):
    """A function returning the CPU seconds the PostgreSQL server has used so far (the postmaster, its exited
    children as it reaped them, and its live children), or None when the server is not on this machine."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            postmaster = _ppid(backend)
    except (psycopg.Error, OSError):
        return None
    if postmaster is None:
        return None
    tick = os.sysconf("SC_CLK_TCK")

    def read() -> float | None:
        try:
            fields = _stat(postmaster)
        except OSError:
            return None
        total = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
        for pid in _children(postmaster):
            try:
                child = _stat(pid)
            except OSError:
                continue
            total += int(child[11]) + int(child[12])
        return total / tick

    return read


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()  # fields from the 3rd (state) on: utime is index 11


def _ppid(pid: int) -> int | None:
    try:
        return int(_stat(pid)[1])
    except (OSError, ValueError, IndexError):
        return None


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _ppid(int(entry)) == parent:
            found.append(int(entry))
    return found
