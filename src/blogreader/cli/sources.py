"""Commands about subscriptions: add, sources, remove, import, export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from blogreader.cli.output import clip, echo, line_width, print_json, short_date
from blogreader.cli.params import SOURCE, STDIO, TEXT


@click.command()
@click.argument("url")
@click.option("--name", type=TEXT, help="Name to show instead of the feed's own title.")
@click.option("--category", type=TEXT, help="A folder for the source (kept in OPML export).")
@click.pass_obj
def add(app, url: str, name: str | None, category: str | None) -> None:
    """Subscribe to URL: a feed, a page that advertises one, or a blog index page with no feed.

    Any other page is saved once as an article, like `save`.

    Example: blogreader add https://simonwillison.net/
    """
    from blogreader.pipeline import add_source

    added = add_source(app.store, app.settings, url.strip(), name=name, category=category)
    source = added.source
    if source is None:
        from blogreader.cli.enriching import run_enrichment, with_items

        run_enrichment(app, with_items(app.store, [added.entry_id]))
        entry = app.store.entry(added.entry_id)
        echo(f"saved article {entry.id}: {entry.title} (the page has no feed and lists no posts, "
             "so it was saved once instead of subscribed)")
        return
    if added.created:
        echo(f"added source {source.id} ({source.kind}): {source.name}")
    else:
        echo(f"already subscribed: source {source.id} ({source.kind}): {source.name}")


@click.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (an object with --stats).")
@click.option("--stats", is_flag=True, help="Which sources are worth it: the share of their entries you read, "
              "picked and starred, per source and per recommender, and the sources nothing was picked from in 90 days.")
@click.pass_obj
def list_sources(app, as_json: bool, stats: bool) -> None:
    """List subscriptions with their kind, entry count, last fetch and last error.

    Example: blogreader sources --stats
    """
    if stats:
        from blogreader.cli.stats import print_stats

        print_stats(app.store.stats_report(), as_json)
        return
    counts = app.store.source_entry_counts()
    plans = app.store.poll_states()
    rows = []
    for source in app.store.sources():
        rows.append({
            "id": source.id, "url": source.url, "title": source.title, "kind": source.kind,
            "category": source.category, "site_url": source.site_url, "entries": counts.get(source.id, 0),
            "last_fetched": source.last_fetched, "last_error": source.last_error,
            "error_count": source.error_count, "disabled": source.disabled, "retry_after": source.retry_after,
            "next_poll_at": plans[source.id].next_poll_at, "poll_reason": plans[source.id].poll_reason,
        })
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no sources yet; add one with `blogreader add URL`")
        return
    width = line_width()
    click.echo(f"{'ID':>5}  {'KIND':<7} {'ENTRIES':>7}  {'FETCHED':<10}  {'STATE':<8} {'NAME':<30}  URL")
    for row in rows:
        state = "disabled" if row["disabled"] else ("error" if row["error_count"] else "ok")
        name = clip(row["title"] or "-", 30 if width else None)
        url = clip(row["url"], max(20, width - 76) if width else None)
        click.echo(f"{row['id']:>5}  {row['kind']:<7} {row['entries']:>7}  {short_date(row['last_fetched'])}  "
                   f"{state:<8} {name:<30}  {url}")
        if row["last_error"]:
            click.echo(f"{'':>7}{clip(row['last_error'], max(20, width - 7) if width else None)}")
        if row["next_poll_at"] and not row["disabled"]:
            click.echo(f"{'':>7}next poll {row['next_poll_at'][:16].replace('T', ' ')} UTC: {row['poll_reason']}")


@click.command()
@click.argument("source", type=SOURCE)
@click.pass_obj
def remove(app, source: str) -> None:
    """Unsubscribe from SOURCE (id, URL or title); picked, starred and noted entries stay."""
    found = app.store.find_source(source)
    removed, kept = app.store.remove_source(found.id)
    echo(f"removed source {found.id} ({found.name}): {removed} entries deleted, {kept} kept")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_obj
def import_files(app, files: tuple[Path, ...]) -> None:
    """Import OPML subscriptions, a curated Markdown reading list, a text file of URLs, or a BlogReader JSON export.

    \b
    - reads standard input.
    OPML: every feed and blog index page is subscribed, in its folder (fetched by the next `fetch`).
    JSON export (`export json`): loaded into an empty library as the same library.
    Curated list (month headings, | Blog | Summary | Category | tables, 🌟 favourites): every row
      becomes a picked entry with its month, star, summary and category kept as your own data.
    URL list (one per line): each page is saved as an article.
    Importing the same file again changes nothing.
    """
    from blogreader.imports.file import import_data, import_file

    for path in files:
        if str(path) == STDIO:
            result = import_data(app.store, app.settings, sys.stdin.buffer.read(), "standard input")
        else:
            result = import_file(app.store, app.settings, path)
        echo(f"{'standard input' if str(path) == STDIO else path}: {result}")


@click.command("export")
@click.argument("what", type=click.Choice(["opml", "json"]))
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write to this file instead of printing; - prints.")
@click.pass_obj
def export(app, what: str, out: Path | None) -> None:
    """Export the subscriptions (opml) or everything (json), which `import` reads back.

    Example: blogreader export opml --out subscriptions.opml
    """
    from blogreader.publish.export import export_json, export_opml

    text = export_opml(app.store) if what == "opml" else export_json(app.store)
    if out is None or str(out) == STDIO:
        click.echo(text, nl=False)
        return
    from blogreader.publish.output import write_atomic

    write_atomic(out, text)
    echo(f"wrote {out}")


COMMANDS = [add, list_sources, remove, import_files, export]
