"""The serve command: the web app on 127.0.0.1:8080 by default."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any other than loopback asks for the printed access token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port (0: any free one).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another Host name the server answers to (a DNS name or a proxy's); repeatable.")
@click.option("--no-worker", is_flag=True, help="Only serve pages; leave polling to `blogreader worker` or `update`.")
@click.pass_obj
def serve(app, host: str, port: int, allow_hosts: tuple[str, ...], no_worker: bool) -> None:
    """Run the web app: inbox, entries, collection, search, sources, previews.

    Meanwhile it polls each source when it is due, as `blogreader worker` does (see [schedule] in config.toml).

    \b
    Examples:
      blogreader serve                     # http://127.0.0.1:8080/
      blogreader serve --port 9000
      blogreader serve --host 0.0.0.0      # reachable from your network; prints a URL with a token
    """
    from blogreader.web.server import bind

    server = bind(app.settings, host, port, allow_hosts)
    click.echo(f"BlogReader at {server.login_url} (library {app.settings.home}); Ctrl+C stops it")
    if server.network_url:
        click.echo(f"From another machine: {server.network_url}")
    if server.access_token:
        click.echo("It listens beyond this machine: only a browser that opened the URL above, with its token, "
                   "gets in.", err=True)
    if no_worker:
        server.run()
        return
    import signal

    from blogreader.worker import BackgroundWorker

    poller = BackgroundWorker(app.settings).start()
    # uvicorn re-raises a SIGTERM after shutting down; ending through here lets the poller free its sources.
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        server.run()
    finally:
        poller.stop()
        signal.signal(signal.SIGTERM, previous)


def _terminated(_signum, _frame) -> None:
    raise SystemExit(0)


COMMANDS = [serve]
