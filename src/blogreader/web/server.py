"""Running the app: bind the socket first (a clear error when the port is taken), then uvicorn."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from blogreader.config import Settings
from blogreader.errors import UsageError
from blogreader.store import Store
from blogreader.web.security import TOKEN_KEY, is_loopback, new_access_token


@dataclass
class Server:
    """A bound, ready-to-run server: where it listens, and the access token when it needs one."""

    settings: Settings
    sock: socket.socket
    host: str
    port: int
    access_token: str | None
    extra_hosts: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        name = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        name = f"[{name}]" if ":" in name else name
        return f"http://{name}:{self.port}/"

    @property
    def login_url(self) -> str:
        return self.url + (f"?token={self.access_token}" if self.access_token else "")

    @property
    def network_url(self) -> str | None:
        """When listening on every interface: the URL another machine would use (this machine's name)."""
        if self.host not in ("0.0.0.0", "::", ""):
            return None
        token = f"?token={self.access_token}" if self.access_token else ""
        return f"http://{socket.gethostname()}:{self.port}/{token}"

    def app(self):
        from blogreader.web.app import create_app

        return create_app(self.settings, host=self.host, port=self.port, access_token=self.access_token,
                          extra_hosts=self.extra_hosts)

    def run(self) -> None:
        """Serve until interrupted."""
        import uvicorn

        config = uvicorn.Config(self.app(), log_level="warning", access_log=False, proxy_headers=False,
                                server_header=False, date_header=False)
        uvicorn.Server(config).run(sockets=[self.sock])


def bind(settings: Settings, host: str = "127.0.0.1", port: int = 8080,
         extra_hosts: tuple[str, ...] = ()) -> Server:
    """Check the library opens, bind host:port, and make an access token unless only this machine can connect."""
    with Store.open(settings.database) as store:  # a damaged or newer database is reported now, not per page
        # Several servers of one PostgreSQL library, behind one address, answer to one token (kept in the
        # library, made by the first); a SQLite library's single server makes a fresh one each run.
        shared_token = store.keep_meta(TOKEN_KEY, new_access_token()) if store.engine == "postgresql" else None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                         "pick another --port, or another --host") from None
    sock.listen(128)
    sock.set_inheritable(True)
    bound_port = sock.getsockname()[1]
    token = None if is_loopback(host) else shared_token or new_access_token()
    return Server(settings, sock, host, bound_port, token, extra_hosts)
