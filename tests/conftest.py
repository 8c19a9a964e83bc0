"""Shared fixtures: a real HTTP server on 127.0.0.1 serving our fixture files, and a CLI runner."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_file(name: str) -> Path:
    """A file of ../shared/corpus, or a skip saying why it is absent (a user's clone has no ../shared)."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"../shared/corpus/{name} is not present (only the project's own checkout has it)")
    return path


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]


class QuietServer(ThreadingHTTPServer):
    """A client dropping a kept-alive connection is normal, not a traceback on stderr."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FixtureServer:
    """A threaded HTTP server on 127.0.0.1 whose routes each test sets."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.requests.append(SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                if route.handler is not None:
                    route.handler(self)
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", {"ETag": route.etag})
                    return
                if route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified:
                    self._send(304, b"", {"Last-Modified": route.last_modified})
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                self._send(route.status, route.body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes | str = b"", *, content_type: str = "application/xml",
              status: int = 200, **options) -> str:
        """Serve `body` at `path`; returns the full URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {"Content-Type": content_type, **options.pop("headers", {})}
        self.routes[path] = Route(body=body, status=status, headers=headers, **options)
        return self.url(path)

    def serve_file(self, path: str, file: Path, **options) -> str:
        return self.serve(path, file.read_bytes(), **options)

    def serve_handler(self, path: str, handler: Callable[[BaseHTTPRequestHandler], None]) -> str:
        self.routes[path] = Route(handler=handler)
        return self.url(path)

    def hits(self, path: str) -> list[SeenRequest]:
        return [request for request in self.requests if request.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    fixture_server = FixtureServer()
    yield fixture_server
    fixture_server.close()


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):
        import json

        return json.loads(self.out)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def cli(home: Path, capsys, monkeypatch):
    """Run `blogreader --home HOME ARGS...` in this process, as a user would; private networks allowed."""
    from blogreader.cli import main

    monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.delenv("BLOGREADER_HOME", raising=False)

    def run(*args: str, allow_private: bool = True) -> Result:
        if not allow_private:
            monkeypatch.delenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", raising=False)
        capsys.readouterr()
        try:
            main(["--home", str(home), *args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            monkeypatch.setenv("BLOGREADER_ALLOW_PRIVATE_NETWORKS", "1")
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


# BLOGREADER_TEST_ENGINE=postgresql runs the suite against PostgreSQL: every library a test opens (its
# `home`, or any SQLite path it names) becomes a fresh schema of a throwaway server, the same path always the
# same schema within a test. Tests of what only a SQLite file has (its backup, its migrations) are marked
# sqlite_only and skip there.
ENGINE = os.environ.get("BLOGREADER_TEST_ENGINE", "sqlite")


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL server per test session (or $BLOGREADER_TEST_DATABASE_URL's), else a skip."""
    from postgres_cluster import cluster_or_skip_reason

    cluster, why = cluster_or_skip_reason()
    if cluster is None:
        pytest.skip(f"no PostgreSQL for the tests: {why}")
    yield cluster
    cluster.stop()


@pytest.fixture(autouse=True)
def _engine(request, monkeypatch, home):
    if ENGINE != "postgresql":
        yield
        return
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("tests what only a SQLite library file has")
    from postgres_cluster import fresh_schema_url

    from blogreader.config import Settings
    from blogreader.store import Store

    cluster = request.getfixturevalue("postgres_cluster")
    schemas: dict[str, str] = {}
    opened = Store.open.__func__

    def url_for(location) -> str:
        if isinstance(location, str) and location.startswith("postgresql://"):
            return location
        key = str(Path(location).resolve())
        if key not in schemas:
            schemas[key] = fresh_schema_url(cluster.url)
        return schemas[key]

    harness_url = url_for(home / "blogreader.db")
    monkeypatch.setattr(Store, "open", classmethod(lambda cls, location: opened(cls, url_for(location))))
    # A library whose config names its own database keeps it; any other library folder is mapped.
    monkeypatch.setattr(Settings, "database", property(
        lambda self: self.database_url if self.database_url not in (None, harness_url) else url_for(self.database_path)))
    monkeypatch.setenv("BLOGREADER_DATABASE_URL", harness_url)  # for child processes
    yield


@pytest.fixture(autouse=True)
def _no_user_library(monkeypatch, tmp_path):
    """No test touches the real user data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    os.environ.pop("BLOGREADER_DEBUG", None)


LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Tests never reach beyond 127.0.0.1: any other name fails to resolve, as it would offline."""
    real_getaddrinfo = socket.getaddrinfo

    def local_only(host, port=None, family=0, type=0, proto=0, flags=0):  # noqa: A002 - socket's names
        name = host.decode() if isinstance(host, bytes) else host
        if name is None or name in LOCAL_NAMES or name.startswith("127."):
            return real_getaddrinfo(host, port, family, type, proto, flags)
        try:  # numeric spellings such as 2130706433 resolve without asking DNS
            return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, f"tests do not resolve {name}") from None

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
