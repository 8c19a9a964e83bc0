"""Importing a curated Markdown list: rows become picks in their month and order, repaired, idempotent."""

from __future__ import annotations

from blogreader.imports.curated import find_link, parse_curated, split_row
from blogreader.store import Store
from tests.conftest import FIXTURES, corpus_file
from tests.publish.support import GOLDEN, table_rows

MOJIBAKE = {"ðŸŒŸ": "🌟", "Ã—": "×", "â†’": "→"}


def repaired(text: str) -> str:
    for broken, right in MOJIBAKE.items():
        text = text.replace(broken, right)
    return text


def test_the_corpus_list_comes_back_row_for_row_from_publish_readme(cli, tmp_path):
    source = corpus_file("curated-list.md")
    imported = cli("import", str(source))
    assert imported.code == 0, imported.err
    out = tmp_path / "README.md"
    assert cli("publish", "readme", "--out", str(out)).code == 0

    published = out.read_text(encoding="utf-8")
    expected = table_rows(repaired(source.read_text(encoding="utf-8")))
    assert len(expected) >= 16
    assert table_rows(published) == expected  # month, star, title, link, summary, category, in order
    assert "ðŸŒŸ" not in published and "Ã—" not in published and "â†’" not in published
    assert published.count("🌟") == 3 and "data × network" in published and "bird names → model" in published
    assert published.startswith("# BlogReader\n\nA curated collection")  # the list's own heading, as no config names one


def test_our_list_round_trips_exactly_and_every_field_is_user_data(cli, tmp_path):
    source = GOLDEN / "curated-list.md"
    assert cli("import", str(source)).code == 0
    out = tmp_path / "README.md"
    assert cli("publish", "readme", "--out", str(out)).code == 0
    original = repaired(source.read_text(encoding="utf-8"))
    assert out.read_text(encoding="utf-8") == original.replace("rises.| RL |", "rises. | RL |")

    entries = {e["title"]: e for e in cli("list", "--picked", "--all", "--json").json}
    cls = entries["Why [CLS] tokens still matter"]
    assert cls["starred"] and cls["picked"] and cls["read"]
    assert cls["picked_at"] == "2026-03-01T00:00:00Z"
    assert cls["source_id"] is None and cls["kind"] == "post"
    assert cls["summary_origin"] == cls["category_origin"] == "import"
    assert entries["Reading loss curves → what they hide"]["summary"].startswith("Smooth curves hide spikes; plot the max | min")
    assert entries["Reward models overfit early"]["picked_at"] == "2026-02-01T00:00:01Z"
    assert "Interp" in [row["name"] for row in cli("categories", "--json").json]


def test_importing_twice_changes_nothing(cli, home):
    source = GOLDEN / "curated-list.md"
    first = cli("import", str(source))
    assert "5 new, 0 updated, 0 unchanged" in first.out

    def snapshot():
        with Store.open(home / "blogreader.db") as store:  # the library on the engine the tests run on
            return [tuple(row) for row in store.conn.execute("SELECT * FROM entries ORDER BY id").fetchall()]

    before = snapshot()
    second = cli("import", str(source))
    assert second.code == 0 and "0 new, 0 updated, 5 unchanged" in second.out
    assert snapshot() == before


def test_a_listed_url_already_in_the_library_is_updated_not_duplicated(cli, server, tmp_path):
    feed = (FIXTURES / "feeds" / "rss2.xml").read_text()
    cli("add", server.serve("/feed.xml", feed))
    cli("fetch")
    listed = tmp_path / "list.md"
    listed.write_text(
        "## April 2026\n\n| Blog | Summary | Category |\n|---|---|---|\n"
        "| 🌟 [Warmup, really](https://notes.example.org/posts/warmup?utm_campaign=x) | My words. | Training |\n",
        encoding="utf-8",
    )
    result = cli("import", str(listed))
    assert "0 new, 1 updated" in result.out, result.out
    matching = [e for e in cli("list", "--all", "--json").json if "warmup" in (e["url"] or "")]
    assert len(matching) == 1
    entry = matching[0]
    assert entry["title"] == "Warmup, really" and entry["summary"] == "My words." and entry["starred"]
    assert entry["picked_at"] == "2026-04-01T00:00:00Z" and entry["source_id"] == 1
    assert entry["url"] == "https://notes.example.org/posts/warmup?utm_campaign=x"  # the link as the list gives it

    assert cli("enrich", "--all").code == 0  # machine output never replaces the list's words
    server.serve("/feed.xml", feed.replace("Learning-rate warmup is folklore.", "Warmup is folklore, still."))
    assert "0 new" in cli("fetch").out  # the item changed: its text is refreshed, the list's title kept
    again = cli("show", str(entry["id"]), "--json").json
    assert (again["title"], again["summary"], again["category"]) == ("Warmup, really", "My words.", "Training")
    assert again["summary_origin"] == "import" and "folklore, still" in again["text"]


def test_cells_links_and_headings_in_the_shapes_people_write_them():
    parsed = parse_curated(
        "# Reading\n\nMy list.\n\n"
        "## 2026\n\n### March\n\n"
        "| Category | Post | Notes |\n| :-- | :-: | --: |\n"
        "| Evals | ⭐️ [A \\| B](<https://ex.org/a b>) | one \\| two |\n"
        "| Theory | [Ref link][r1] | uses a reference |\n"
        "| | <https://ex.org/auto> | autolink only |\n"
        "\n## Feb. 2025\n\n| Blog | Summary | Category |\n|---|---|---|\n"
        "| [x](javascript:alert(1)) | unsafe link dropped | |\n"
        "\n## Misc\n\n| Blog | Summary | Category |\n|---|---|---|\n"
        "| [Undated](https://ex.org/u) | no month | |\n"
        "\n[r1]: https://ex.org/ref \"Title\"\n"
    )
    assert parsed.title == "Reading" and parsed.description == "My list."
    rows = parsed.rows
    assert [(r.month, r.title, r.url, r.summary, r.category, r.starred) for r in rows] == [
        ("2026-03", "A | B", "https://ex.org/a b", "one | two", "Evals", True),
        ("2026-03", "Ref link", "https://ex.org/ref", "uses a reference", "Theory", False),
        ("2026-03", "https://ex.org/auto", "https://ex.org/auto", "autolink only", None, False),
        (None, "Undated", "https://ex.org/u", "no month", None, False),
    ]
    # A link that is not http(s) leaves its row out, named by line, rather than importing it without its link.
    assert [(p.line, p.skipped) for p in parsed.problems] == [(19, True)]
    assert "'javascript:alert(1)' of 'x' is not an http(s) address" in parsed.problems[0].reason


def test_split_row_and_find_link_edge_cases():
    assert split_row("| a \\| b | `c` | d |") == ["a | b", "`c`", "d"]
    assert split_row("no | outer | pipes") == ["no", "outer", "pipes"]
    assert find_link("[t](https://w.org/wiki/A_(b)) tail") == ("t", "https://w.org/wiki/A_(b)")
    assert find_link('[t \\] x](https://e.org/p "title")') == ("t \\] x", "https://e.org/p")
    assert find_link("[[nested] text](https://e.org/n)") == ("[nested] text", "https://e.org/n")
    assert find_link("no link here") is None
