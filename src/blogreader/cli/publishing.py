"""The publish command, and publishing the configured outputs at the end of `update`."""

from __future__ import annotations

from pathlib import Path

import click

from blogreader.cli.output import echo
from blogreader.errors import BlogReaderError


@click.command()
@click.argument("what", type=click.Choice(["readme", "digest", "feed", "site"]))
@click.option("--out", type=click.Path(path_type=Path),
              help="File (a folder for the site) to write; - prints it. Default: in the library folder.")
@click.option("--week", help="ISO week of the digest, such as 2026-W15. Default: this week.")
@click.pass_obj
def publish(app, what: str, out: Path | None, week: str | None) -> None:
    """Publish the collection (your picked entries) as a readme, weekly digest, Atom feed or static site.

    A digest holds the week's picks and the starred picks of the four weeks before it that nothing has
    published yet; it never offers again what an earlier digest or readme month published, and says
    what it left out and why.

    \b
    Examples:
      blogreader publish readme                  # README.md in the library folder
      blogreader publish digest --week 2026-W15  # digest-2026-W15.md
      blogreader publish feed --out public/feed.xml
      blogreader publish site --out public/      # open public/index.html in a browser
    """
    from blogreader.publish.runner import publish as publish_output

    published = publish_output(app.store, app.settings, what, out=out, week=week)
    if published.skipped:
        echo(published.summary_line(), err=published.path is None)
        _notes(published, err=published.path is None)
        return
    if published.text is not None:
        click.echo(published.text, nl=False)
        _notes(published, err=True)  # the printed digest stays clean for a pipe
        return
    echo(published.summary_line())
    _notes(published, err=False)
    if published.entries == 0:
        click.echo("nothing is picked yet: pick entries with `blogreader pick ID` or import a curated list", err=True)


def _notes(published, err: bool) -> None:
    """What a digest left out (published before) or carried forward (starred, not published yet), and why."""
    for line in published.notes:
        echo(f"  {line}", err=err)


def publish_configured(app) -> None:
    """Publish every output listed in config.toml into the library folder; print what changed."""
    from blogreader.publish.runner import publish as publish_output

    failures = []
    for output in app.settings.publish.outputs:
        try:
            published = publish_output(app.store, app.settings, output)
            echo("published " + published.summary_line())
            _notes(published, err=False)
        except BlogReaderError as exc:
            failures.append(f"{output}: {exc}")
            echo(f"not published: {output}: {exc}", err=True)
    if failures:
        raise BlogReaderError(f"{len(failures)} output(s) not published; the previous files are unchanged")


COMMANDS = [publish]
