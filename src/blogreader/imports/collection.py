"""Import a curated Markdown list into the collection: every row picked, in its month and order."""

from __future__ import annotations

from dataclasses import replace

from blogreader.imports.curated import parse_curated, to_picks
from blogreader.store import Store

TITLE_KEY = "collection_title"
DESCRIPTION_KEY = "collection_description"
NEWEST_MONTH_KEY = "curated_newest_month"  # the last month of the newest list imported: what "older" is measured by


def import_curated_list(store: Store, text: str) -> str:
    """Store every row of a curated list as a picked entry (one transaction); returns what changed."""
    parsed = parse_curated(text)
    # A list gives months, never days: each pick stands for its whole month (see MONTH_ONLY in the store).
    picks = [replace(pick, month_only=pick.picked_at is not None) for pick in to_picks(parsed.rows)]
    newest = max((row.month for row in parsed.rows if row.month), default=None)
    seen = store.get_meta(NEWEST_MONTH_KEY)
    older = bool(newest and seen and newest < seen)  # a list that ends before one imported already
    with store.transaction():
        counts = store.import_picks(picks, older=older)
        if newest and (not seen or newest > seen):
            store.set_meta(NEWEST_MONTH_KEY, newest)
        if parsed.title and not older:  # the list's own heading, used by `publish readme` unless config.toml names one
            store.set_meta(TITLE_KEY, parsed.title)
            store.set_meta(DESCRIPTION_KEY, parsed.description or "")
    months = len({row.month for row in parsed.rows if row.month})
    report = (f"{len(parsed.rows)} row(s) in {months} month(s): {counts.new} new, {counts.updated} updated, "
              f"{counts.unchanged} unchanged")
    if len(picks) < len(parsed.rows):
        report += f"; {len(parsed.rows) - len(picks)} repeated link(s) kept once, at their first row"
    undated = sum(1 for row in parsed.rows if not row.month)
    if undated:
        report += f"; {undated} row(s) under no month heading were picked now"
    if counts.conflicts:
        report += f"\n  {len(counts.conflicts)} label(s) kept over this list's:" + "".join(
            f"\n    {conflict}" for conflict in counts.conflicts)
    if not parsed.rows:
        report += "; no table rows found (expected `| Blog | Summary | Category |` tables under month headings)"
    return report
