"""The worker command: keep the library fresh without the web app."""

from __future__ import annotations

import click

from blogreader.cli.output import echo


@click.command()
@click.option("--once", is_flag=True, help="Poll what is due now, once, then exit.")
@click.option("--interval-seconds", type=click.FloatRange(1, 3600), default=60.0, show_default=True,
              help="Longest sleep between looks for due sources.")
@click.option("--lease-seconds", type=click.FloatRange(1, 86400), default=600.0, hidden=True,
              help="How long a claim on a source lasts without renewal (tests shorten it).")
@click.pass_obj
def worker(app, once: bool, interval_seconds: float, lease_seconds: float) -> None:
    """Poll each source when it is due, until Ctrl+C: enrich and publish after anything new.

    Each source is polled on its own interval, learned from how often it publishes and kept within
    the [schedule] limits of config.toml; failures back off; a server's Retry-After is honoured.
    Several workers (and `serve`) may share a library: a source is polled by one at a time.

    \b
    Examples:
      blogreader worker              # run until interrupted
      blogreader worker --once       # one pass, as a cron job
    """
    from blogreader.worker import Worker

    runner = Worker(app.store, app.settings, lease_seconds=lease_seconds)
    if once:
        try:
            echo(runner.run_once().summary_line())
        finally:
            app.store.release_all(runner.owner)
        return
    import signal
    import threading

    stop = threading.Event()

    def finish(signum, _frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop now; the transaction in flight rolls back
        click.echo("stopping after the sources being polled now (again to stop at once)", err=True)
        stop.set()

    previous = {number: signal.signal(number, finish) for number in (signal.SIGINT, signal.SIGTERM)}
    click.echo(f"worker polling {app.settings.home} (owner {runner.owner}); Ctrl+C stops it", err=True)
    try:
        runner.run(stop, idle_seconds=interval_seconds)
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    click.echo("worker stopped; its sources are free for another process", err=True)


COMMANDS = [worker]
