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

            self._say_upgrade()
            self._store = Store.open(self.settings.database)
        return self._store

    def _say_upgrade(self) -> None:
        """On a terminal, a line before a library made by an older version is upgraded: a large one takes a while
        (its copy first, then steps such as re-keying every post's near-duplicate bands)."""
        from pathlib import Path

        from blogreader.cli.output import echo, is_terminal
        from blogreader.store.database import pending_upgrade
        from blogreader.store.postgres import is_database_url

        location = self.settings.database
        if not is_terminal() or is_database_url(location):
            return
        pending = pending_upgrade(Path(location))
        if pending:
            echo(f"upgrading the library from schema {pending[0]} to {pending[1]}, after keeping a copy as "
                 f"{Path(location).name}.pre-migration-v{pending[0]}.bak; a large library takes a minute", err=True)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
