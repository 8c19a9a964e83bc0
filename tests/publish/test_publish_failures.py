"""A failed publish leaves the previous file and says why; the site never writes outside its folder."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from tests.publish.support import pick, store_picks

PICKS = [pick("First pick", "https://a.example.org/1", "2026-04-07T09:00:00Z", "One.", "Eval"),
         pick("Second pick", "https://a.example.org/2", "2026-04-08T09:00:00Z", "Two.", "Eval")]


@pytest.fixture
def library(home):
    store_picks(home, PICKS)
    return home


def test_an_out_path_under_a_file_fails_with_a_message_and_changes_nothing(cli, library, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file")
    for what, out in (("readme", blocker / "README.md"), ("feed", blocker / "x" / "feed.xml"), ("site", blocker / "site")):
        result = cli("publish", what, "--out", str(out))
        assert result.code == 1, (what, result.out)
        assert "is a file, not a folder" in result.err and "Traceback" not in result.err
    assert blocker.read_text() == "a regular file"


def test_a_write_that_fails_halfway_keeps_the_previous_file(cli, library, monkeypatch):
    assert cli("publish", "readme").code == 0
    readme = library / "README.md"
    previous = readme.read_text(encoding="utf-8")
    store_picks(library, [pick("Third pick", "https://a.example.org/3", "2026-04-09T09:00:00Z", "Three.")])

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the new text is half written when the disk fills up
    result = cli("publish", "readme")
    assert result.code == 1
    assert "No space left on device" in result.err and "previous file is unchanged" in result.err
    assert readme.read_text(encoding="utf-8") == previous
    assert sorted(p.name for p in library.iterdir() if p.name.startswith(".README")) == []  # no temporary left


def test_a_broken_user_template_names_the_file_and_keeps_the_previous_output(cli, library):
    assert cli("publish", "readme").code == 0
    previous = (library / "README.md").read_text(encoding="utf-8")
    templates = library / "templates"
    templates.mkdir()
    (templates / "readme.md.j2").write_text("# {{ title }\n", encoding="utf-8")
    with open(library / "config.toml", "a", encoding="utf-8") as config:
        config.write('templates = "templates"\n')
    result = cli("publish", "readme")
    assert result.code == 1 and "readme.md.j2, line 1" in result.err
    assert (library / "README.md").read_text(encoding="utf-8") == previous


def test_a_user_template_overrides_the_built_in_one(cli, library):
    templates = library / "mine"
    templates.mkdir()
    (templates / "readme.md.j2").write_text(
        "{% for month in months %}{{ month.label }}: {{ month.entries | length }}\n{% endfor %}", encoding="utf-8")
    with open(library / "config.toml", "a", encoding="utf-8") as config:
        config.write('templates = "mine"\n')
    assert cli("publish", "readme").code == 0
    assert (library / "README.md").read_text(encoding="utf-8") == "April 2026: 2\n"
    assert cli("publish", "site").code == 0  # the other templates still come from the package


def test_the_site_refuses_a_folder_that_links_out(cli, library, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    site = tmp_path / "site"
    site.mkdir()
    (site / "categories").symlink_to(outside, target_is_directory=True)
    result = cli("publish", "site", "--out", str(site))
    assert result.code == 1 and "link out of the site folder" in result.err
    assert list(outside.iterdir()) == []


def test_category_names_become_safe_file_names(cli, home, tmp_path):
    store_picks(home, [pick("Sneaky", "https://a.example.org/s", "2026-04-07T09:00:00Z", "S.", "../../../etc/passwd"),
                       pick("Dots", "https://a.example.org/d", "2026-04-07T09:00:01Z", "D.", ".."),
                       pick("Same slug", "https://a.example.org/e", "2026-04-07T09:00:02Z", "E.", "etc/passwd")])
    site = tmp_path / "public" / "site"
    assert cli("publish", "site", "--out", str(site)).code == 0
    files = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "public").rglob("*") if p.is_file())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library", "public"]
    assert files == ["public/site/.blogreader-site.json", "public/site/categories.html",
                     "public/site/categories/category.html", "public/site/categories/etc-passwd-2.html",
                     "public/site/categories/etc-passwd.html", "public/site/feed.xml", "public/site/index.html",
                     "public/site/starred.html"]


def test_a_category_that_is_gone_loses_its_page(cli, home):
    store_picks(home, [pick("Only one", "https://a.example.org/o", "2026-04-07T09:00:00Z", "O.", "Old name")])
    cli("publish", "site")
    assert (home / "site" / "categories" / "old-name.html").exists()
    cli("edit", "1", "--category", "New name")
    result = cli("publish", "site")
    assert result.code == 0 and "files written" in result.out
    assert sorted(p.name for p in (home / "site" / "categories").iterdir()) == ["new-name.html"]


def test_digest_defaults_to_this_week_and_rejects_a_bad_week(cli, home):
    store_picks(home, [])
    bad = cli("publish", "digest", "--week", "2026-W60")
    assert bad.code == 2 and "not an ISO week" in bad.err
    assert cli("publish", "readme", "--week", "2026-W15").code == 2

    store_picks(home, [pick("Picked now", "https://a.example.org/now", None, "Now.")])
    year, week, _ = datetime.now(UTC).isocalendar()
    result = cli("publish", "digest")
    assert result.code == 0, result.err
    text = (home / f"digest-{year}-W{week:02d}.md").read_text(encoding="utf-8")
    assert text.startswith(f"# What caught my attention in W{week:02d}\n") and "## Picked now" in text
