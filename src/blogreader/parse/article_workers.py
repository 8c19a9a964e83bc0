"""Article extraction in child processes, each page with a time budget and the process with a memory cap.

trafilatura is pure-Python work that holds the interpreter: run in the event loop, one large page
stopped every other source's refresh for minutes. Here a page gets `budget` seconds in a worker process;
past that its process is killed (a thread could only be abandoned, still busy) and a fresh one takes its
place, so a page can cost a refresh at most its budget and never keeps a core busy after it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor

from blogreader.errors import ParseError
from blogreader.parse.article import MAX_ARTICLE_BYTES, ParsedArticle

log = logging.getLogger(__name__)

BUDGET_SECONDS = 15.0  # one page's extraction; a 2 MB page of dense markup takes about 10 s on a loaded core
PROCESSES = 2
MEMORY_BYTES = 1_500_000_000  # address space of a worker: 2 MB of markup needs about 250 MB
_TIMED_OUT = ("timeout", None)


class OverBudget(ParseError):
    """A page that took more time or memory to read than a worker may spend on it."""


class ArticleWorkers:
    """A few worker processes that read article pages, started on first use; use as `async with`."""

    def __init__(self, processes: int = PROCESSES, budget: float | None = None) -> None:
        self.processes = max(1, min(processes, os.cpu_count() or 1))
        self.budget = budget
        self._idle: asyncio.Queue[_Worker | None] | None = None
        self._workers: set[_Worker] = set()
        # One waiting thread per worker: it blocks on the pipe, so the event loop never does.
        self._threads = ThreadPoolExecutor(max_workers=self.processes, thread_name_prefix="article-workers")

    async def __aenter__(self) -> ArticleWorkers:
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.close()

    async def extract(self, body: bytes, url: str) -> ParsedArticle:
        """`extract_article(body, url)` in a worker; ParseError when it fails, OverBudget when it runs out of
        time or memory."""
        budget = self.budget if self.budget is not None else BUDGET_SECONDS
        if os.name != "posix":  # no socket to hand a child here: a thread, given up (not stopped) at the budget
            return await _in_thread(body, url, budget)
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self.processes):
                self._idle.put_nowait(None)  # a slot whose process starts when first needed
        worker = await self._idle.get()
        if worker is None:
            try:
                worker = self._start()
            except OSError as exc:
                self._idle.put_nowait(None)
                raise ParseError(f"{url}: the article reader could not start ({exc})") from None
        status, value = "crashed", None
        try:
            # A byte past the cap is enough for the worker to know the page was cut; the rest need not travel.
            status, value = await asyncio.get_running_loop().run_in_executor(
                self._threads, worker.exchange, body[:MAX_ARTICLE_BYTES + 1], url, budget)
        except (OSError, EOFError):  # the process died: out of memory, or killed from outside
            pass
        finally:  # a worker that did not answer (out of time, dead, or its caller cancelled) is replaced
            if status in ("ok", "error"):
                self._idle.put_nowait(worker)
            else:
                self._retire(worker)
                self._idle.put_nowait(None)
        if status == "ok":
            return value
        if status == "error":
            raise ParseError(value)
        if status == "memory":
            raise OverBudget(value)
        if status == "timeout":
            raise OverBudget(f"{url}: reading the article took over {budget:g} s and was stopped")
        raise OverBudget(f"{url}: the article reader stopped while reading the page (out of memory?)")

    def close(self) -> None:
        """Stop every worker process now."""
        for worker in list(self._workers):
            self._retire(worker)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _start(self) -> _Worker:
        worker = _Worker()
        self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        log.debug("stopping article worker %s", worker.process.pid)
        self._workers.discard(worker)
        worker.kill()


async def _in_thread(body: bytes, url: str, budget: float) -> ParsedArticle:
    from blogreader.parse.article import extract_article

    try:
        return await asyncio.wait_for(asyncio.to_thread(extract_article, body, url), budget)
    except TimeoutError:
        raise OverBudget(f"{url}: reading the article took over {budget:g} s and was given up") from None


class _Worker:
    """One child Python and the socket to it."""

    def __init__(self) -> None:
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        # A fresh interpreter that imports only this module: a fork would copy a process with an event loop and
        # threads running, and multiprocessing's spawn would run the caller's own script again in the child.
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-c", f"from {__name__} import serve; serve({theirs.fileno()}, {MEMORY_BYTES})"]
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], env=environment,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)  # its failures reach the caller as ParseError
        theirs.close()
        self.conn = Connection(ours.detach())

    def exchange(self, body: bytes, url: str, budget: float) -> tuple[str, object]:
        """Send one page and wait up to `budget` seconds for its reply (run in a thread)."""
        self.conn.send((body, url))
        if not self.conn.poll(budget):
            return _TIMED_OUT
        return self.conn.recv()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self.conn.close()


def serve(fd: int, memory: int) -> None:
    """A worker's loop: read a page, reply ("ok", article) or ("error" or "memory", message), until the socket closes."""
    import signal
    from multiprocessing.connection import Connection

    logging.getLogger().addHandler(logging.NullHandler())  # trafilatura's warnings are no one's to read here
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):  # no such limit here (Windows), or not lowerable
        pass
    from blogreader.parse.article import extract_article

    conn = Connection(fd)
    while True:
        try:
            body, url = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = ("ok", extract_article(body, url))
        except ParseError as exc:
            reply = ("error", str(exc))
        except MemoryError:
            reply = ("memory", f"{url}: reading the article needed over {memory:,} bytes of memory and was stopped")
        except Exception as exc:  # noqa: BLE001 - a crash on one hostile page is that page's failure
            reply = ("error", f"{url}: the page could not be read as an article ({type(exc).__name__})")
        conn.send(reply)
