"""Tools for the hostile suite: misbehaving HTTP handlers, a check that HTML is inert, library helpers.

Every handler here is bounded: a server that trickles or stalls stops on its own after a few seconds,
whatever the client does, so no test can hang on it.
"""

from __future__ import annotations

import html.parser
import re
import socket
import struct
import time
from pathlib import Path
from urllib.parse import urlsplit

# Every active part of a hostile payload carries this word; finding it in any output means it survived.
MARK = "PWNED"

SMALL_LIMITS = """\
starter_subscriptions = false

[fetch]
max_bytes = {max_bytes}
total_timeout = {total_timeout}
connect_timeout = {connect_timeout}
max_retry_wait = {max_retry_wait}
{fetch_extra}"""


def write_config(home: Path, *, max_bytes: int = 1_000_000, total_timeout: float = 1.0, max_retry_wait: float = 2,
                 fetch_extra: str = "", extra: str = "", connect_timeout: float = 1) -> Path:
    """A library folder whose fetches fail fast and small; no starter subscriptions."""
    home.mkdir(parents=True, exist_ok=True)
    limits = SMALL_LIMITS.format(max_bytes=max_bytes, total_timeout=total_timeout, max_retry_wait=max_retry_wait,
                                 fetch_extra=fetch_extra, connect_timeout=connect_timeout)
    (home / "config.toml").write_text(limits + extra, encoding="utf-8")
    return home


def rss(items: str, *, title: str = "Hostile Feed", link: str = "https://feed.example/", head: str = "") -> str:
    """An RSS 2.0 document around `items` (already XML)."""
    return (f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel><title>{title}</title>'
            f"<link>{link}</link><description>d</description>{items}</channel></rss>")


def item(title: str, guid: str, description: str = "<p>text</p>", link: str | None = None) -> str:
    """One RSS item; `description` is HTML, escaped into the XML here."""
    from xml.sax.saxutils import escape

    link = link if link is not None else f"https://feed.example/{guid}"
    return (f"<item><title>{escape(title)}</title><link>{escape(link)}</link><guid>{escape(guid)}</guid>"
            f"<description>{escape(description)}</description></item>")


# --- what a user can see ------------------------------------------------------------------------


def entries(cli) -> list[dict]:
    """Every entry, hidden ones included, as `list --json` prints them."""
    listed = cli("list", "--json", "--all", "--limit", "100000")
    assert listed.code == 0, listed.err
    return listed.json


def sources(cli) -> list[dict]:
    result = cli("sources", "--json")
    assert result.code == 0, result.err
    return result.json


def assert_clean_failure(result, *fragments: str, code: int | None = None) -> None:
    """A failure a user meets: a message naming the problem, never a traceback or an internal error."""
    text = result.out + result.err
    assert "Traceback" not in text and "internal error" not in text, text
    if code is not None:
        assert result.code == code, (result.code, text)
    for fragment in fragments:
        assert fragment in text, (fragment, text)


# --- inert HTML ---------------------------------------------------------------------------------

# What may appear in stored or shown HTML; everything else is active or escapes its box.
SAFE_TAGS = {
    "a", "abbr", "acronym", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
    "col", "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "nav", "ol", "p", "pre", "q", "rp",
    "rt", "rtc", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "th", "thead", "time", "tfoot", "tr", "tt", "u", "ul", "var", "wbr", "dir", "main", "section", "font",
    # Formulas (presentation MathML) and drawings (SVG shapes and text); their attributes are checked below.
    "math", "mi", "mn", "mo", "ms", "mspace", "mtext", "menclose", "merror", "mfenced", "mfrac", "mpadded", "mphantom",
    "mroot", "mrow", "msqrt", "mstyle", "mmultiscripts", "mprescripts", "none", "mover", "munder", "munderover", "msub",
    "msup", "msubsup", "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation",
    "svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan",
}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "background", "poster", "data", "longdesc",
                  "xlink:href", "srcset", "ping", "manifest", "codebase", "lowsrc", "dynsrc"}
SAFE_SCHEMES = ("http", "https", "mailto")


class _Inspector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction", "action", "http-equiv"):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = urlsplit(re.sub(r"[\x00-\x20\x7f]+", "", value)).scheme.lower()
                if scheme and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def inert_html_problems(markup: str) -> list[str]:
    """Why `markup` is not inert: tags, attributes or URLs that run, load or restyle something."""
    inspector = _Inspector()
    inspector.feed(markup)
    inspector.close()
    return inspector.problems


def assert_inert_html(markup: str) -> None:
    problems = inert_html_problems(markup)
    assert not problems, (problems, markup[:2000])


# --- misbehaving handlers -----------------------------------------------------------------------


def send_raw(data: bytes, *, then_close: bool = True):
    """A handler that writes `data` as the whole response, status line included (or not)."""

    def handler(request) -> None:
        try:
            request.wfile.write(data)
            request.wfile.flush()
        except OSError:
            pass
        request.close_connection = then_close

    return handler


def reset_after(data: bytes = b""):
    """A handler that writes `data` (maybe half a response) and then resets the connection (RST, not FIN)."""

    def handler(request) -> None:
        try:
            if data:
                request.wfile.write(data)
                request.wfile.flush()
            request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            request.connection.close()
        except OSError:
            pass
        request.close_connection = True

    return handler


def trickle(prefix: bytes, *, byte: bytes = b" ", every: float = 0.2, for_at_most: float = 5.0, burst: bool = False):
    """A handler that sends `prefix` a byte at a time (all at once when `burst`), then `byte` forever, one
    every `every` seconds; it gives up by itself after `for_at_most` seconds."""

    def handler(request) -> None:
        stop_at = time.monotonic() + for_at_most
        try:
            if burst:
                request.wfile.write(prefix)
                request.wfile.flush()
            for index in range(0 if burst else len(prefix)):
                request.wfile.write(prefix[index:index + 1])
                request.wfile.flush()
                time.sleep(every)
                if time.monotonic() > stop_at:
                    break
            while time.monotonic() < stop_at:
                request.wfile.write(byte)
                request.wfile.flush()
                time.sleep(every)
        except OSError:
            pass
        request.close_connection = True

    return handler


def respond(status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, length: bool = True):
    """A handler with full control of the headers (Content-Length only when `length`)."""

    def handler(request) -> None:
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        if length:
            request.send_header("Content-Length", str(len(body)))
        else:
            request.send_header("Connection", "close")
            request.close_connection = True
        request.end_headers()
        try:
            request.wfile.write(body)
        except OSError:
            pass

    return handler


def chunked(pieces, headers: dict[str, str] | None = None):
    """A chunked 200 response made of the bytes `pieces()` yields (a fresh iterator per request)."""

    def handler(request) -> None:
        request.send_response(200)
        for name, value in {"Content-Type": "application/xml", **(headers or {})}.items():
            request.send_header(name, value)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        try:
            for piece in pieces():
                request.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            request.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    return handler


def redirect(location: str, status: int = 302):
    return respond(status, headers={"Location": location})


# --- a library with one good source ---------------------------------------------------------------

GOOD_FEED = rss(item("Kept post", "kept-1", "<p>Stored before the attack, and kept after it.</p>"),
                title="Good Feed")


def subscribe(cli, server, body: str | bytes = GOOD_FEED, path: str = "/feed.xml", **serve_options) -> int:
    """Serve `body` at `path`, `add` it, and return the new source's id."""
    url = server.serve(path, body, **serve_options)
    added = cli("add", url)
    assert added.code == 0, added.err
    return next(row["id"] for row in sources(cli) if row["url"] == url)


def timed(cli, *args: str, within: float):
    """Run a command and check it finished within `within` seconds (hostile input must not stall it)."""
    started = time.monotonic()
    result = cli(*args)
    elapsed = time.monotonic() - started
    assert elapsed < within, f"{args} took {elapsed:.1f} s"
    return result


def everything_shown(cli) -> str:
    """All a user can read about the library: every entry in full, listings, sources and the JSON export."""
    parts = [cli("list", "--json", "--all", "--limit", "100000").out, cli("sources", "--json").out,
             cli("sources").out, cli("export", "json").out]
    for row in entries(cli):
        parts.append(cli("show", str(row["id"]), "--json").out)
        parts.append(cli("show", str(row["id"])).out)
    return "\n".join(parts)


def library_bytes(home: Path) -> bytes:
    """The database and its write-ahead log, as they are on disk."""
    return b"".join(path.read_bytes() for path in sorted(home.glob("blogreader.db*")) if path.is_file())


# --- real processes -------------------------------------------------------------------------------


def blogreader_process(home: Path, *args: str, **popen):
    """`python -m blogreader --home HOME ARGS...` as a real process (private networks allowed)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "BLOGREADER_ALLOW_PRIVATE_NETWORKS": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("BLOGREADER_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "blogreader", "--home", str(home), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


class WebApp:
    """`blogreader serve --port 0` in its own process; `get(path)` reads a page as a browser would."""

    def __init__(self, home: Path) -> None:
        import selectors

        self.process = blogreader_process(home, "serve", "--port", "0")
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 20
        line = ""
        while time.monotonic() < deadline and not line:
            if selector.select(timeout=0.2):
                line = self.process.stdout.readline()
            if self.process.poll() is not None:
                break
        selector.close()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            self.stop()
            raise RuntimeError(f"serve did not start: {line!r} {self.process.stderr.read()[-2000:]!r}")
        self.port = int(match.group(1))

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{self.port}"})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except Exception:  # noqa: BLE001 - it must go, one way or the other
                self.process.kill()
                self.process.wait(10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()
