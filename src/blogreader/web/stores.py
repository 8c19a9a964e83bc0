"""A Store per worker thread: pages are served from a thread pool, and a SQLite connection is not shared."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import Path as PathParameter
from fastapi import Request

from blogreader.store import Store

# An id in a URL: SQLite's integers stop at 2**63 - 1, and a larger one names nothing (404, not an overflow).
RowId = Annotated[int, PathParameter(ge=1, le=2**63 - 1)]


class StorePool:
    """Opens one Store per thread on first use (WAL lets them read side by side; on PostgreSQL a connection each) and closes them all at the end."""

    def __init__(self, path: Path | str, opener: Callable[[Path | str], Store] = Store.open) -> None:
        self.path = path
        self.opener = opener
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self.opener(self.path)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            store.close()


def get_store(request: Request) -> Store:
    """The route dependency: this thread's Store."""
    return request.app.state.stores.get()
