"""Import a curated Markdown list into the collection: every row picked, in its month and order."""

from __future__ import annotations

from dataclasses import replace

from blogreader.errors import BlogReaderError
from blogreader.imports.curated import parse_curated, to_picks
from blogreader.imports.curated_checks import describe
from blogreader.store import Store

TITLE_KEY = "collection_title"
DESCRIPTION_KEY = "collection_description"
NEWEST_MONTH_KEY = "curated_newest_month"  # the last month of the newest list imported: what "older" is measured by


def import_curated_list(store: Store, text: str, path: str = "the list") -> str:
    """Store every row of a curated list as a picked entry (one transaction); returns what changed.

    Rows that cannot be read as written (a misspelt month heading, a link that is not http(s), a row
    outside any table) are left out and named by line; the good rows are stored all the same, and then
    a PartialImport (exit 1) reports the lines, so a script notices and the user can fix and re-import.
    """
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
    if parsed.problems:
        skipped = sum(problem.skipped for problem in parsed.problems)
        lines = "".join(f"\n  {line}" for line in describe(parsed.problems))
        raise PartialImport(f"{path}: {report}\nnot imported as written:{lines}\n{skipped} line(s) left out, the "
                            "other rows imported; fix these lines and import the file again (rows already "
                            "imported stay as they are)")
    return report


class PartialImport(BlogReaderError):
    """Some rows of a file were imported and some were not: the message names each line left out (exit 1)."""
