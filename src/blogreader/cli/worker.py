"""The worker command: keep the library fresh without the web app."""

from __future__ import annotations

import click

from blogreader.cli.output import echo


@click.command()
@click.option("--once", is_flag=True, help="Poll what is due now, once, then exit.")
@click.option("--interval-seconds", type=click.FloatRange(1, 3600), default=60.0, show_default=True,
              help="Longest sleep between looks for due sources.")
@click.option("--lease-seconds", type=click.FloatRange(1, 86400), default=120.0, hidden=True,
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
            show_pass(runner.run_once(), runner.clock())
        finally:
            app.store.release_all(runner.owner)
        return
    import signal
    import threading

    stop = threading.Event()

    def finish(signum, _frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        click.echo("stopping after the sources being polled now (again to stop at once)", err=True)
        stop.set()

    # The loop runs on its own thread, so a signal handler never sets the event the handling thread waits on.
    loop = threading.Thread(target=runner.run, name="blogreader-worker", daemon=True,
                            kwargs={"stop": stop, "idle_seconds": interval_seconds,
                                    "on_pass": lambda done: show_pass(done, runner.clock())})
    previous = {number: signal.signal(number, finish) for number in (signal.SIGINT, signal.SIGTERM)}
    click.echo(f"worker polling {app.settings.home} (owner {runner.owner}); Ctrl+C stops it", err=True)
    try:
        loop.start()
        while loop.is_alive():
            loop.join(0.5)
    except KeyboardInterrupt:
        # Stopping at once: what the refresh in flight had not committed is rolled back with the process.
        from blogreader.store import Store

        with Store.open(app.settings.database) as store:
            store.release_all(runner.owner)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    click.echo("worker stopped; its sources are free for another process", err=True)


def show_pass(done, when) -> None:
    """One line per pass, and what went wrong after it (enrichment, publishing)."""
    echo(f"{when:%Y-%m-%d %H:%M:%S} {done.summary_line()}")
    for problem in done.problems:
        echo(f"problem: {problem}", err=True)


COMMANDS = [worker]
