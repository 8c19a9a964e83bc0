"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a server on 127.0.0.1 with
trust authentication and durability off, and one fresh schema per test.

`BLOGREADER_TEST_DATABASE_URL` names a server to use instead (its database is left as found: the schemas
the tests create there are dropped at the end). Where no server binaries can be found, or initdb or the
server fails, `cluster_or_skip_reason` says why, so the caller can skip with that reason.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

ENV_URL = "BLOGREADER_TEST_DATABASE_URL"
DATABASE = "blogreader_test"
SUPERUSER = "postgres"
SERVER_USER = "postgres"  # Debian's package creates it; initdb refuses to run as root
# Tests only: a crash of the machine may lose the cluster, which is thrown away anyway.
SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
START_TIMEOUT_S = 60
_schema_numbers = itertools.count(1)


class ClusterUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why and what to install."""


@dataclass
class Cluster:
    """A running server: `url` reaches its test database as a superuser; `stop()` ends it."""

    url: str
    folder: Path | None = None  # None: an outside server named by BLOGREADER_TEST_DATABASE_URL
    bin_dir: Path | None = None
    started_in: float = 0.0  # seconds from initdb to the first accepted connection

    def stop(self) -> None:
        if self.folder is None:  # an outside database: leave it as found
            _drop_schemas(self.url)
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists():
            _server_command([str(self.bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate", "-w"],
                            os.geteuid() == 0, what="pg_ctl stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


def find_bin_dir() -> Path | None:
    """The folder of initdb, pg_ctl and postgres: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    numbered = glob.glob("/usr/lib/postgresql/*/bin")
    numbered.sort(key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parent.name)] or [0], reverse=True)
    candidates += [Path(p) for p in numbered]
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def cluster_or_skip_reason() -> tuple[Cluster | None, str | None]:
    """(cluster, None) when a server is running for the tests, else (None, why not)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed: pip install 'psycopg[binary]'"
    try:
        return start_cluster(), None
    except ClusterUnavailable as exc:
        return None, str(exc)


def start_cluster() -> Cluster:
    """The server named by BLOGREADER_TEST_DATABASE_URL, or a new throwaway cluster (ClusterUnavailable if none)."""
    outside = os.environ.get(ENV_URL)
    if outside:
        return Cluster(url=outside)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise ClusterUnavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin: "
            f"install Debian's postgresql package, or set {ENV_URL}"
        )
    as_root = os.geteuid() == 0
    if as_root and not _user_exists(SERVER_USER):
        raise ClusterUnavailable(
            f"running as root and there is no {SERVER_USER!r} user to run the server as (initdb refuses root): "
            f"install Debian's postgresql package, or set {ENV_URL}"
        )
    began = time.perf_counter()
    # A pytest tmp folder under /tmp may not be traversable by the server's user: a folder of our own.
    folder = Path(tempfile.mkdtemp(prefix="blogreader-pg-"))
    folder.chmod(0o755)
    cluster = Cluster(url="", folder=folder, bin_dir=bin_dir)
    try:
        data, run = folder / "data", folder / "run"
        for sub, mode in ((data, 0o700), (run, 0o755)):
            sub.mkdir(mode=mode)
            if as_root:
                shutil.chown(sub, SERVER_USER, SERVER_USER)
        _server_command([str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                         "--encoding=UTF8", "--no-locale", "--no-sync"], as_root, what="initdb")
        port = _start(bin_dir, data, run, as_root)
        cluster.url = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
        _create_database(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres")
    except BaseException:
        cluster.stop()
        raise
    cluster.started_in = time.perf_counter() - began
    return cluster


def fresh_schema_url(base_url: str) -> str:
    """A new empty schema in base_url's database, and a URL whose connections use it. The schema is named
    lib_<process id>_<n>: unique among test runs sharing an outside database, and found again to drop it."""
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        while True:
            name = f"{_schema_prefix()}{next(_schema_numbers)}"
            try:
                conn.execute(f"CREATE SCHEMA {name}")
                break
            except psycopg.errors.DuplicateSchema:  # made by an earlier process of this id, or this module
                continue                              # imported a second time under another name
    return with_search_path(base_url, name)


def with_search_path(url: str, schema: str) -> str:
    """url with `options=-csearch_path=<schema>` added (after any options it already has)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query["options"] = " ".join(filter(None, [query.get("options", ""), f"-csearch_path={schema}"]))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def _start(bin_dir: Path, data: Path, run: Path, as_root: bool, attempts: int = 3) -> int:
    """Start the server on a free port of 127.0.0.1 (another port if that one was taken meanwhile)."""
    for attempt in range(attempts):
        port = _free_port()
        options = " ".join([f"-p {port}", "-c listen_addresses=127.0.0.1", f"-c unix_socket_directories={run}"]
                           + [f"-c {setting}" for setting in SETTINGS])
        try:
            _server_command([str(bin_dir / "pg_ctl"), "start", "-D", str(data), "-l", str(run / "server.log"),
                             "-w", "-t", str(START_TIMEOUT_S), "-o", options], as_root, what="pg_ctl start")
            return port
        except ClusterUnavailable:
            log = _tail(run / "server.log")
            if "could not bind" in log and attempt + 1 < attempts:
                continue
            raise ClusterUnavailable(f"the PostgreSQL server did not start; its log ends: {log}") from None
    raise AssertionError("unreachable")


def _create_database(admin_url: str) -> None:
    """The test database, in an English ICU locale where the server has ICU (as a real server's database would
    be, rather than "C"), so a query that sorts or folds text by the database's locale shows it in the tests."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        try:
            conn.execute(f"CREATE DATABASE {DATABASE} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' "
                         "LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
        except psycopg.Error:  # before PostgreSQL 15, or built without ICU
            conn.execute(f"CREATE DATABASE {DATABASE}")


def _schema_prefix() -> str:
    return f"lib_{os.getpid()}_"


def _drop_schemas(url: str) -> None:
    """Drop the schemas this process made in an outside database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        names = [row[0] for row in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", (_schema_prefix(),))]
        for name in names:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _server_command(argv: list[str], as_root: bool, what: str, check: bool = True) -> None:
    """Run a server program (as the server's user when we are root); ClusterUnavailable if it fails."""
    if as_root:
        argv = ["runuser", "-u", SERVER_USER, "--", *argv]
    # cwd=/: the server's user may not be able to enter the caller's working directory.
    done = subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=START_TIMEOUT_S + 30)
    if done.returncode != 0 and check:
        said = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ClusterUnavailable(f"{what} failed (exit {done.returncode}): {' / '.join(said)}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _tail(path: Path, lines: int = 3) -> str:
    try:
        return " / ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"
