"""Commands that read entries: list, show, search."""

from __future__ import annotations

import re

import click

from blogreader.cli.output import ENTRY_HEADER, ENTRY_LEGEND, clip, echo, entry_line, line_width, print_json
from blogreader.cli.params import ENTRY_ID, LIMIT, SOURCE, TEXT
from blogreader.errors import UsageError


def _date(value: str | None, *, end_of_day: bool = False) -> str | None:
    """A typed date as a stored timestamp; a month (YYYY-MM) runs from its first day to its last."""
    if value is None:
        return None
    from blogreader.clock import parse_user_date

    month = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", value)
    if month and 1 <= int(month.group(2)) <= 12:
        year, number = int(month.group(1)), int(month.group(2))
        if end_of_day:  # the first instant of the next month, as a bare date's end is the next midnight
            year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        return f"{year:04d}-{number:02d}-01T00:00:00Z"

    try:
        return parse_user_date(value, end_of_day=end_of_day)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@click.command("list")
@click.option("--unread", "state", flag_value="unread", help="Only unread entries.")
@click.option("--picked", "state", flag_value="picked", help="Only entries in the collection.")
@click.option("--starred", "state", flag_value="starred", help="Only favourites.")
@click.option("--category", type=TEXT, help="Only this category.")
@click.option("--source", type=SOURCE, help="Only entries from this source (id, URL or title).")
@click.option("--since", help="Published on or after this date (YYYY-MM-DD) or month (YYYY-MM).")
@click.option("--until", help="Published on or before this date (YYYY-MM-DD) or month (YYYY-MM).")
@click.option("--kind", type=click.Choice(["post", "link"]), help="Posts, or links split out of roundups.")
@click.option("--all", "include_hidden", is_flag=True, help="Include promotions and duplicates.")
@click.option("--promo", "promos", is_flag=True,
              help="Only what was hidden as promotion (restore one with `edit ID --not-promo` or the web app's Hidden page).")
@click.option("--limit", type=LIMIT, default=50, show_default=True, help="At most this many; 0 for all.")
@click.option("--sort", type=click.Choice(["date", "endorsements"]), default="date", show_default=True,
              help="Newest first, or the works most recommended (by distinct sources; with --since, in roundups "
                   "since then).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_entries(app, state, category, source, since, until, kind, include_hidden, promos, limit, sort, as_json) -> None:
    """List entries, newest first (or most recommended first: --sort endorsements; hidden promotions: --promo)."""
    from blogreader.store import EntryFilter

    if promos:
        if state or category or source or since or until or kind or include_hidden or sort != "date":
            raise UsageError("--promo takes only --limit and --json; drop the other filters")
        entries = app.store.promotions(limit or None)
        if as_json:
            print_json([entry.to_json() for entry in entries])
            return
        print_entries(entries)
        if not entries:
            click.echo(nothing_found(app, "nothing was hidden as promotion"), err=True)
        return

    if sort == "endorsements":
        if state or category or source or until or kind or include_hidden:
            raise UsageError("--sort endorsements takes only --since, --limit and --json; drop the other filters")
        print_endorsed(app, app.store.most_recommended(_date(since), limit or None), as_json)
        return
    spec = EntryFilter(
        unread=state == "unread", picked=state == "picked", starred=state == "starred", category=category,
        source_id=app.store.find_source(source).id if source else None,
        since=_date(since), until=_date(until, end_of_day=True), kind=kind,
        include_hidden=include_hidden, limit=limit or None,
    )
    entries = app.store.list_entries(spec)
    if as_json:
        print_json([entry.to_json() for entry in entries])
        return
    print_entries(entries)
    total = app.store.count_entries(spec)
    if total > len(entries):
        click.echo(f"(showing {len(entries)} of {total}; use --limit to see more, --limit 0 for all)", err=True)
    elif not entries:
        click.echo(nothing_found(app, "no entries match"), err=True)


def print_endorsed(app, ranked, as_json: bool) -> None:
    """Works with how many distinct sources recommend them, most first."""
    if as_json:
        print_json([{**entry.to_json(), "recommended_by": count} for entry, count in ranked])
        return
    if not ranked:
        click.echo(nothing_found(app, "no roundup recommends anything in that time"), err=True)
        return
    width = line_width()
    click.echo(f"{'RECS':>4}  {ENTRY_HEADER}")
    for entry, count in ranked:
        click.echo(f"{count:>4}  {entry_line(entry, width - 6 if width else None)}")
    click.echo("RECS: distinct sources whose roundups name the work; " + ENTRY_LEGEND, err=True)


def print_entries(entries) -> None:
    """Entries as a table with a header, and the legend of its state marks (on standard error)."""
    if not entries:
        return
    width = line_width()
    click.echo(ENTRY_HEADER)
    for entry in entries:
        click.echo(entry_line(entry, width))
    click.echo(ENTRY_LEGEND, err=True)


def nothing_found(app, message: str) -> str:
    """`message`, or in an empty library how to fill it."""
    from blogreader.store import EntryFilter

    if app.store.count_entries(EntryFilter(include_hidden=True, limit=None)) == 0:
        if app.store.count_sources() == 0:
            return ("the library is empty: subscribe with `blogreader add URL` (or `blogreader import FILE`), "
                    "then `blogreader fetch`")
        return "no entries yet: run `blogreader fetch` to read your sources"
    return message


@click.command()
@click.argument("entry_id", type=ENTRY_ID)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def show(app, entry_id: int, as_json: bool) -> None:
    """Show one entry with its text, and its items when it is a roundup."""
    from blogreader.store.linked_pages import page_fact

    entry = app.store.entry(entry_id)
    items = app.store.children(entry_id)
    mentions = app.store.mentions_of(entry_id)
    discussions = app.store.discussions_of(entry_id)
    waiting, failed_tries = app.store.linked_page_state(entry_id)
    waiting = waiting and app.settings.enrich.full_text  # no fetch reads a linked page with full_text off
    if as_json:
        data = entry.to_json(full=True)
        data["page_waiting"], data["page_failed_tries"] = waiting, failed_tries
        data["items"] = [{**item.to_json(), "blurb": item.text} for item in items]  # as this roundup gave them
        data["mentions"] = [mention.to_json() for mention in mentions]
        data["recommended_by"] = app.store.recommended_by(entry_id)
        data["discussed_by"] = [post.to_json() for post in discussions.discussed_by]
        data["discusses"] = [paper.to_json() for paper in discussions.discusses]
        print_json(data)
        return
    echo(entry.title)
    echo("=" * min(len(entry.title), 100))
    facts = [entry.url or "", f"source: {entry.source or '-'}", f"author: {entry.author or '-'}",
             f"published: {entry.published or '-'}",
             f"{entry.word_count} words, {entry.reading_minutes} min" if entry.word_count else "",
             "state: " + ", ".join(filter(None, ["read" if entry.read else "unread",
                                                   "picked" if entry.picked else "", "starred" if entry.starred else ""]))]
    if entry.category:
        facts.append(f"category: {entry.category}")
    facts.append(page_fact(waiting, failed_tries))
    for fact in filter(None, facts):
        echo(fact)
    if entry.summary:
        echo(f"\nsummary: {entry.summary}")
    if entry.note:
        echo(f"note: {entry.note}")
    if mentions:
        print_mentions(app.store.recommended_by(entry_id), mentions)
    print_discussions(discussions)
    if items:
        echo(f"\nitems ({len(items)}):")
        for item in items:
            echo(entry_line(item, line_width()))
            width = line_width()
            click.echo(f"{'':>10}#{item.rank if item.rank is not None else '-'}  "
                       f"{clip(item.text, max(20, width - 14) if width else None)}")
    echo("\n" + (entry.text or "(no text)"))


def print_mentions(count: int, mentions) -> None:
    """Who recommends the work, and what each said, under its own roundup."""
    echo(f"\nrecommended by {count} source{'' if count == 1 else 's'}:")
    width = line_width()
    for mention in mentions:
        rank = f"#{mention.rank}" if mention.rank is not None else "-"
        if mention.roundup_id is None:
            echo(f"  {mention.source}, posted directly: {clip(mention.title, 60 if width else None)}")
        else:
            echo(f"  {mention.source or 'a saved page'}, in “{clip(mention.roundup_title, 60 if width else None)}” "
                 f"({rank}, roundup {mention.roundup_id}): {clip(mention.title, 60 if width else None)}")
        if mention.blurb:
            echo(f"      {clip(mention.blurb, max(20, width - 6) if width else None)}")


def print_discussions(discussions) -> None:
    """The posts about this paper, and the papers this post is about, each with its entry id."""
    width = line_width()
    for heading, rows in (("posts about it", discussions.discussed_by), ("papers it discusses", discussions.discusses)):
        if rows:
            echo(f"\n{heading} ({len(rows)}):")
        for row in rows:
            where = f"entry {row.entry_id}" if row.entry_id is not None else "not in the library"
            echo(f"  {clip(row.title, max(20, width - 40) if width else None)} ({where}; {row.source or row.url or '-'})")


@click.command()
@click.argument("words", nargs=-1, required=True, type=TEXT)
@click.option("--limit", type=LIMIT, default=20, show_default=True, help="At most this many; 0 for all.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def search(app, words: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over title, summary, text and note, best match first.

    Every word must match, in any form (train matches training). Example: blogreader search sparse autoencoders
    """
    results = app.store.search(" ".join(words), limit or -1)  # SQLite reads a negative LIMIT as none
    if as_json:
        print_json([entry.to_json() for entry in results])
        return
    print_entries(results)
    if not results:
        click.echo(nothing_found(app, "nothing found"), err=True)


COMMANDS = [list_entries, show, search]
