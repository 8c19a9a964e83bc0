"""Commands that poll sources: fetch, and update (the main job)."""

from __future__ import annotations

import click

from blogreader.cli.output import ENTRY_HEADER, clip, echo, entry_line, line_width, progress
from blogreader.cli.params import SOURCE
from blogreader.cli.publishing import publish_configured
from blogreader.errors import BlogReaderError

STARTER_SEEDED = "starter_seeded"
FAILED, SKIPPED = "failed", "skipped"  # the pipeline's outcome names, without importing it for --help
BUSY_NAMED = 20  # sources skipped because another process holds them, named one per line up to this many


def run_refresh(app, sources, *, enrich: bool = False):
    """Refresh `sources` with a progress bar, print failures and the summary line; returns the report. With
    `enrich`, new posts are enriched as they are parsed (`enrich_new_entries` then does the rest).

    Sources another process (`worker`, `serve`, another `fetch`) is polling this moment are left to it,
    and each is named: their new entries arrive through that process.
    """
    from blogreader.pipeline import FAILED
    from blogreader.worker import Worker

    with progress(len(sources), "fetching") as advance:
        fetched = Worker(app.store, app.settings).fetch(
            sources, on_progress=lambda outcome: advance(outcome.source.name), enrich=enrich)
    report = fetched.report
    for outcome in report.outcomes:
        if outcome.status == FAILED:
            echo(f"failed: {clip(outcome.source.name, 40)} (source {outcome.source.id}): {outcome.error or ''}",
                 err=True)
    for source in fetched.busy[:BUSY_NAMED]:
        echo(f"skipped: {clip(source.name, 40)} (source {source.id}): another process is fetching it now",
             err=True)
    click.echo(report.summary_line())
    if fetched.busy:
        click.echo(f"{len(fetched.busy)} source(s) skipped: another process (`worker`, `serve` or a `fetch`) "
                   "is fetching them now; their new entries arrive through it")
    if report.offline:
        click.echo("no network: no source could be reached, so none of these failures counts against its source; "
                   "check your internet connection, then run this again", err=True)
    return report


def enrich_new_entries(app, report=None) -> None:
    """Enrich what is not enriched yet; print one line for it and what the fetch (`report`) enriched."""
    from blogreader.cli.enriching import run_enrichment

    enriched = run_enrichment(app, only_unenriched=True)
    if report is not None and report.enrichment is not None:
        enriched.merge(report.enrichment)
    if enriched.enriched:
        click.echo(enriched.summary_line())


@click.command()
@click.argument("sources", nargs=-1, type=SOURCE)
@click.option("--no-enrich", is_flag=True, help="Store new entries now; leave summaries and categories to `enrich`.")
@click.pass_obj
def fetch(app, sources: tuple[str, ...], no_enrich: bool) -> None:
    """Poll every source (or the SOURCES named by id, URL or title) for new entries.

    A failing source is recorded (see `blogreader sources`) and the run goes on. The exit
    status is 1 only when a source named on the command line failed.
    """
    chosen = [app.store.find_source(ref) for ref in sources] if sources else app.store.sources()
    if not chosen:
        click.echo("no sources yet; add one with `blogreader add URL`")
        return
    report = run_refresh(app, chosen, enrich=not no_enrich)
    if not no_enrich:
        enrich_new_entries(app, report)
    if sources and report.count("failed"):
        raise BlogReaderError(f"{report.count('failed')} of the named source(s) failed; see the messages above")


@click.command()
@click.pass_obj
def update(app) -> None:
    """The main job: fetch every source, list what is new, publish the outputs config.toml lists.

    A new library is first subscribed to a starter set of well-known AI/ML blogs
    (turn off with starter_subscriptions = false in config.toml).
    """
    store = app.store
    if app.settings.starter_subscriptions and store.get_meta(STARTER_SEEDED) is None:
        if store.count_sources() == 0:
            from blogreader.imports.file import subscribe_outlines
            from blogreader.sources.opml import starter_outlines

            echo("new library: " + subscribe_outlines(store, app.settings, starter_outlines()))
        store.set_meta(STARTER_SEEDED, "1")
    sources = store.sources()
    if not sources:
        click.echo("no sources yet; add one with `blogreader add URL`")
        publish_configured(app)
        return
    report = run_refresh(app, sources, enrich=True)
    enrich_new_entries(app, report)
    hidden = store.hidden_ids(report.new_ids)
    new_ids = [entry_id for entry_id in report.new_ids if entry_id not in hidden]
    if hidden:
        click.echo(f"{len(hidden)} promotion(s) or duplicate(s) hidden: `blogreader list --all` shows them")
    if new_ids:
        click.echo(f"\nnew entries ({len(new_ids)}):")
        click.echo(ENTRY_HEADER)
        for entry_id in new_ids[:50]:
            echo(entry_line(store.entry(entry_id), line_width()))
        if len(new_ids) > 50:
            click.echo(f"… and {len(new_ids) - 50} more: `blogreader list --unread`")
    publish_configured(app)
    failed = report.count(FAILED)
    if failed and failed + report.count(SKIPPED) == len(report.outcomes):
        raise BlogReaderError(f"every source failed ({failed} of {len(report.outcomes)}); "
                              "`blogreader sources` shows each one's error")


COMMANDS = [fetch, update]
