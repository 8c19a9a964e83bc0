"""The CLI's per-invocation state: settings and the store, opened only when a command needs them."""

from __future__ import annotations

from functools import cached_property

from blogreader.config import Settings, load_settings, resolve_home


class App:
    def __init__(self, home: str | None, debug: bool) -> None:
        self._home = home
        self.debug = debug
        self._store = None

    @cached_property
    def settings(self) -> Settings:
        return load_settings(resolve_home(self._home))

    @property
    def store(self):
        if self._store is None:
            from blogreader.store import Store

            self._store = Store.open(self.settings.database)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
