"""Fixtures of the hostile suite: one misbehaving server per module, a library with small limits.

Imported by each test module (`from tests.hostile.fixtures import *`): a conftest.py here would
shadow tests/conftest.py for the modules that do `from conftest import ...`.
"""

from __future__ import annotations

import pytest

from tests.conftest import FixtureServer
from tests.hostile.helpers import write_config

__all__ = ["_hostile_server", "library", "secret", "server"]


@pytest.fixture(scope="module")
def _hostile_server():
    shared = FixtureServer()
    # Resets and half-written responses are the point here; http.server's tracebacks about them are noise.
    shared.httpd.handle_error = lambda request, client_address: None
    yield shared
    shared.close()


@pytest.fixture
def server(_hostile_server):
    """conftest's FixtureServer on 127.0.0.1, shared by a module; routes and the request log reset per test."""
    _hostile_server.routes.clear()
    _hostile_server.requests.clear()
    return _hostile_server


@pytest.fixture
def library(home):
    """A library folder with small limits: 1 MB bodies, a 1 s deadline, Retry-After waited up to 2 s."""
    return write_config(home)


@pytest.fixture
def secret(tmp_path):
    """A local file whose content must never reach the library or any output."""
    path = tmp_path / "secret.txt"
    path.write_text("TOPSECRET-6c1f2a", encoding="utf-8")
    return path
