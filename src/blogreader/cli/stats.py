"""Printing `sources --stats`: per source and per recommender, the share of entries read, picked, starred."""

from __future__ import annotations

import click

from blogreader.cli.output import clip, echo, line_width, print_json


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def print_stats(report, as_json: bool) -> None:
    """The stats report as tables with a legend, or as one JSON object."""
    if as_json:
        print_json(report.as_dict())
        return
    if not report.sources:
        click.echo("no sources yet; add one with `blogreader add URL`")
        return
    days = report.as_dict()["window_days"]
    echo(f"Shares of the entries each source brought that you read, picked and starred: all time, and for the "
         f"entries of the last {days} days (since {report.since[:10]}).")
    _table("SOURCE", "ENTRIES", report.sources, days)
    if report.recommenders:
        echo("")
        echo("Recommenders: of the works each one recommended (roundup items, links), the share you read, "
             "picked and starred.")
        _table("RECOMMENDER", "WORKS", report.recommenders, days)
    echo("")
    if report.idle:
        echo(f"Nothing picked in {days} days from {len(report.idle)} source(s) (neither their posts nor what "
             "they recommended):")
        for item in report.idle:
            last = f"last pick {item.last_pick[:10]}" if item.last_pick else "never picked from"
            echo(f"{item.id:>5}  {clip(item.name, 40 if line_width() else None)}: {item.recent.entries} entries in {days} days, {last}, "
                 f"subscribed {(item.created or '')[:10]}")
    else:
        echo(f"Every source had something picked in the last {days} days.")


def _table(noun: str, counted: str, rows, days: int) -> None:
    width = line_width()
    name_width = 28
    header = (f"{'ID':>5}  {noun:<{name_width}} {counted:>7} {'READ':>5} {'PICKED':>6} {'STARRED':>7}  "
              f"{f'{days}D ' + counted:>12} {'READ':>5} {'PICKED':>6}  LAST PICK")
    echo(header)
    for item in rows:
        total, recent = item.total, item.recent
        echo(f"{item.id:>5}  {clip(item.name, name_width if width else None):<{name_width}} {total.entries:>7} "
             f"{percent(total.share('read')):>5} {percent(total.share('picked')):>6} "
             f"{percent(total.share('starred')):>7}  {recent.entries:>12} {percent(recent.share('read')):>5} "
             f"{percent(recent.share('picked')):>6}  {(item.last_pick or '-')[:10]}")
