"""A curated list with mistakes: the good rows are imported, every other line is named with its reason, exit 1."""

from __future__ import annotations

from blogreader.imports.curated import parse_curated
from blogreader.imports.curated_checks import line_span, mistyped_month

MALFORMED = """# Field Notes

## Febuary 2026

| Blog | Summary | Category |
|------|---------|----------|
| [Under a typo](https://notes.example.org/typo) | Lost month. | RL |

## March 2026

| Blog | Summary | Category |
|------|---------|----------|
| [Good one](https://notes.example.org/good) | Fine. | Safety |
| [Bad scheme](htp:/notes.example.org/bad) | Broken link. | RL |
| [Unclosed](https://notes.example.org/unclosed | Broken too. | RL |
| | A summary with no title | RL |

## April 2026

| Blog | Summary |
|------|---------|
| [No category](https://notes.example.org/nocat) | Two columns only. |

| Blog | Summary | Category |
|---|---|
| [Lost table](https://notes.example.org/lost) | Delimiter row too short. | RL |
"""


def test_a_malformed_list_imports_its_good_rows_names_every_other_line_and_exits_1(cli, tmp_path):
    path = tmp_path / "list.md"
    path.write_text(MALFORMED, encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 1
    err = result.err
    assert "line 7: under the heading 'Febuary 2026' (line 3), which is not a month (did you mean February 2026?)" in err
    assert "line 14: the link 'htp:/notes.example.org/bad' of 'Bad scheme' is not an http(s) address" in err
    assert "line 15: the Blog cell '[Unclosed](https://notes.example.org/unclosed' has a link that does not read" in err
    assert "line 16: no title or link in the Blog column" in err
    assert "line 20: the table under header 'Blog | Summary' has no Category column: its 1 row(s) were imported" in err
    assert "lines 24-26: a table row under no table header" in err
    assert "2 new, 0 updated" in err and "fix these lines and import the file again" in err
    assert "Traceback" not in err

    entries = {e["url"]: e for e in cli("list", "--picked", "--all", "--json").json}
    assert set(entries) == {"https://notes.example.org/good", "https://notes.example.org/nocat"}
    assert entries["https://notes.example.org/good"]["picked_at"].startswith("2026-03")
    assert entries["https://notes.example.org/nocat"]["category"] is None

    fixed = MALFORMED.replace("Febuary", "February").replace("htp:/", "https://").replace(
        "unclosed |", "unclosed) |").replace("| | A summary", "| [Titled](https://notes.example.org/t) | A summary"
    ).replace("|---|---|\n| [Lost", "|---|---|---|\n| [Lost").replace(
        "| Blog | Summary |\n|------|---------|\n| [No category](https://notes.example.org/nocat) | Two columns only. |",
        "| Blog | Summary | Category |\n|---|---|---|\n| [No category](https://notes.example.org/nocat) | Two. | Eval |")
    path.write_text(fixed, encoding="utf-8")
    again = cli("import", str(path))
    assert again.code == 0, again.err
    assert "5 new, 1 updated, 1 unchanged" in again.out  # the fixed rows come in; the row given a category is updated
    typo = [e for e in cli("list", "--picked", "--json").json if e["url"] == "https://notes.example.org/typo"]
    assert typo[0]["picked_at"].startswith("2026-02")


def test_a_clean_list_reports_nothing():
    parsed = parse_curated("## March 2026\n\n| Blog | Summary | Category |\n|---|---|---|\n"
                           "| 🌟 [Why [CLS] matters](https://ex.org/cls) | Yes. | Interp |\n"
                           "| A title with no link | Fine. | Eval |\n| | | |\n")
    assert parsed.problems == [] and len(parsed.rows) == 2


def test_only_headings_that_look_like_a_misspelt_month_are_flagged():
    assert mistyped_month("Febuary 2026", None) == "did you mean February 2026?"
    assert mistyped_month("Marhc", "2026") == "did you mean March 2026?"
    assert mistyped_month("2026-13", None) == "month 13 does not exist"
    for section in ("Best of 2025", "Older posts", "Reading list 2026", "Summer 2026", "Misc"):
        assert mistyped_month(section, None) is None, section


def test_line_spans_name_every_line():
    assert line_span([4]) == "line 4"
    assert line_span([4, 5, 6, 9]) == "lines 4-6, 9"
