"""Commands about enrichment: enrich, categories, and save (a single article, enriched at once)."""

from __future__ import annotations

from collections import Counter

import click

from blogreader.cli.output import echo, print_json, progress
from blogreader.cli.params import ENTRY_ID, TEXT
from blogreader.errors import BlogReaderError, UsageError


def run_enrichment(app, ids=None, *, only_unenriched=False, summarizer=None, classifier=None):
    """Enrich with a progress bar on a terminal; print backend problems once each; return the report."""
    from blogreader.enrich.runner import enrich_entries

    todo = len(ids) if ids is not None else None
    with progress(todo or 0, "enriching") as advance:
        report = enrich_entries(app.store, app.settings, ids, only_unenriched=only_unenriched,
                                summarizer=summarizer, classifier=classifier, on_progress=advance)
    for problem, count in Counter(report.problems).items():
        echo(f"warning: {problem}" + (f" ({count} entries)" if count > 1 else ""), err=True)
    return report


def with_items(store, ids: list[int]) -> list[int]:
    """`ids` and the items of those that are roundups: a saved roundup's picks are summarized and filed too."""
    return list(dict.fromkeys([*ids, *(item.id for entry_id in ids for item in store.children(entry_id))]))


@click.command()
@click.argument("ids", nargs=-1, type=ENTRY_ID)
@click.option("--all", "everything", is_flag=True, help="Re-enrich every entry (your edits are kept).")
@click.option("--summarizer", help='Summary backend(s): "feed", "extractive", "llm:MODEL", or a comma list.')
@click.option("--classifier", help='Category backend: "local" or "llm:MODEL".')
@click.pass_obj
def enrich(app, ids: tuple[int, ...], everything: bool, summarizer: str | None, classifier: str | None) -> None:
    """(Re)compute summaries, categories and promotion flags.

    With no IDS, enriches the entries that have not been enriched yet (after `fetch --no-enrich`).
    Summaries, categories and promo flags you set yourself are never overwritten.

    Example: blogreader enrich --all --summarizer llm:gpt-4o-mini
    """
    if ids and everything:
        raise UsageError("give entry IDS or --all, not both")
    for entry_id in ids:
        app.store.entry(entry_id)  # a clear error for an unknown id, before any work
    report = run_enrichment(app, list(ids) if ids else None, only_unenriched=not ids and not everything,
                            summarizer=summarizer, classifier=classifier)
    click.echo(report.summary_line())
    if report.problems and (summarizer or classifier):
        raise BlogReaderError("the backend you asked for failed on some entries; they kept the offline result")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def categories(app, as_json: bool) -> None:
    """The taxonomy with the number of entries in each category (your own categories too)."""
    counts = app.store.category_counts()
    rows = [{"name": c.name, "description": c.description, "entries": counts.pop(c.name, 0)} for c in app.settings.taxonomy]
    rows += [{"name": name, "description": None, "entries": count} for name, count in sorted(counts.items())]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        echo(f"{row['entries']:>6}  {row['name']:<18} {row['description'] or '(your own)'}")


@click.command()
@click.argument("url")
@click.option("--pick", is_flag=True, help="Put it in the collection.")
@click.option("--star", is_flag=True, help="Mark it as a favourite (picks it too).")
@click.option("--note", type=TEXT, help="Your note on it.")
@click.pass_obj
def save(app, url: str, pick: bool, star: bool, note: str | None) -> None:
    """Fetch one article now and store it (read-later), summarized, filed, and split if it is a roundup.

    A feed is not saved: subscribe to it with `add`.

    Example: blogreader save https://example.com/post --star --note "read with the team"
    """
    from blogreader.imports.page import save_page

    entry_id = save_page(app.store, app.settings, url.strip())
    run_enrichment(app, with_items(app.store, [entry_id]))
    if star:
        app.store.set_starred([entry_id], True)
    elif pick:
        app.store.set_picked([entry_id], True)
    if note:
        app.store.set_note(entry_id, note)
    entry = app.store.entry(entry_id)
    echo(f"saved {entry.id}: {entry.title}")
    if entry.summary:
        echo(f"  {entry.summary}")


COMMANDS = [enrich, categories, save]
