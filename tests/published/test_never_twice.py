"""Never twice: a digest leaves out what an earlier digest or readme month published, carries forward starred
picks nothing has published yet, and says what it left out and why."""

from __future__ import annotations

from blogreader.config import load_settings
from blogreader.store import Store
from tests.publish.support import pick, store_picks

URL = "https://notes.example.org/"


def digest(cli, tmp_path, week: str):
    out = tmp_path / f"digest-{week}.md"
    result = cli("publish", "digest", "--week", week, "--out", str(out))
    assert result.code == 0, result.err
    return result, (out.read_text(encoding="utf-8") if out.exists() else "")


def headings(text: str) -> list[str]:
    return [line[3:] for line in text.splitlines() if line.startswith("## ")]


def test_a_digest_never_offers_again_what_an_earlier_digest_published(cli, home, tmp_path):
    store_picks(home, [pick("Alpha", URL + "alpha", "2026-04-01T10:00:00Z", "A."),
                       pick("Starred", URL + "star", "2026-04-02T10:00:00Z", "S.", starred=True),
                       pick("Beta", URL + "beta", "2026-04-07T10:00:00Z", "B.")])
    _, w14 = digest(cli, tmp_path, "2026-W14")
    assert headings(w14) == ["Alpha", "Starred"]

    # After W14's digest: Alpha is picked again in W15, and Late is picked and starred late in W14.
    store_picks(home, [pick("Alpha", URL + "alpha", "2026-04-08T09:00:00Z", "A."),
                       pick("Late", URL + "late", "2026-04-04T18:00:00Z", "L.", starred=True)])
    result, w15 = digest(cli, tmp_path, "2026-W15")
    assert headings(w15) == ["Late", "Beta"]  # in picked order: the starred pick carried forward comes first
    ids = {e["title"]: e["id"] for e in cli("list", "--picked", "--json").json}
    assert f"left out {ids['Alpha']} 'Alpha': published in the digest of 2026-W14" in result.out
    assert f"left out {ids['Starred']} 'Starred': published in the digest of 2026-W14" in result.out
    assert f"carried forward {ids['Late']} 'Late': starred on 2026-04-04, not published yet" in result.out

    again, same = digest(cli, tmp_path, "2026-W15")  # the same week again: the same digest, unchanged
    assert same == w15 and "unchanged" in again.out
    redo, w14_again = digest(cli, tmp_path, "2026-W14")  # never twice in either direction
    assert headings(w14_again) == ["Starred"]
    assert f"left out {ids['Late']} 'Late': published in the digest of 2026-W15" in redo.out


def test_an_earlier_readme_month_counts_as_published_and_a_preview_publishes_nothing(cli, home, tmp_path):
    store_picks(home, [pick("March star", URL + "march", "2026-03-20T10:00:00Z", "M.", starred=True)])
    assert cli("publish", "readme", "--out", str(tmp_path / "README.md")).code == 0
    store_picks(home, [pick("Later star", URL + "later", "2026-03-28T10:00:00Z", "L.", starred=True),
                       pick("April pick", URL + "april", "2026-04-07T10:00:00Z", "A.")])
    preview = cli("publish", "digest", "--week", "2026-W15", "--out", "-")
    assert preview.code == 0 and headings(preview.out) == ["Later star", "April pick"]
    assert "published in the readme's March 2026" in preview.err  # the notes go to stderr: the digest stays clean
    result, text = digest(cli, tmp_path, "2026-W15")
    assert headings(text) == ["Later star", "April pick"]
    assert "'March star': published in the readme's March 2026" in result.out

    with Store.open(load_settings(home).database_path) as store:
        rows = store.conn.execute("SELECT e.title, p.output, p.period FROM published p JOIN entries e "
                                  "ON e.id = p.entry_id ORDER BY p.output, e.title").fetchall()
    assert [tuple(row) for row in rows] == [("April pick", "digest", "2026-W15"), ("Later star", "digest", "2026-W15"),
                                            ("March star", "readme", "2026-03")]


def test_a_week_whose_picks_were_all_published_writes_nothing_and_says_why(cli, home, tmp_path):
    store_picks(home, [pick("Only", URL + "only", "2026-04-01T10:00:00Z", "O.")])
    digest(cli, tmp_path, "2026-W14")
    store_picks(home, [pick("Only", URL + "only", "2026-04-08T10:00:00Z", "O.")])
    result, text = digest(cli, tmp_path, "2026-W15")
    assert text == "" and "no picks in 2026-W15; nothing written" in result.out
    assert "'Only': published in the digest of 2026-W14" in result.out


def test_starred_picks_older_than_the_carry_forward_window_and_month_only_imports(cli, home, tmp_path):
    store_picks(home, [pick("Old star", URL + "old", "2026-02-01T10:00:00Z", "O.", starred=True),
                       pick("This week", URL + "week", "2026-04-01T10:00:00Z", "W.")])
    listed = tmp_path / "list.md"
    listed.write_text("## April 2026\n\n| Blog | Summary | Category |\n|---|---|---|\n"
                      "| 🌟 [Imported](https://notes.example.org/imported) | I. | RL |\n", encoding="utf-8")
    assert cli("import", str(listed)).code == 0
    result, text = digest(cli, tmp_path, "2026-W14")
    assert headings(text) == ["This week"]
    assert "left out 1 imported pick(s) dated only by their month" in result.out
