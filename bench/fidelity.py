"""Fidelity benchmark: BlogReader's feed reading against feedparser's own fixture corpus (and lemon24/reader's).

Each feedparser fixture (tests/{wellformed,illformed,encoding,entities}/**/*.xml, tests/json/*.json) says in
a header comment what feedparser must make of it: `Expect: <a Python expression over feedparser's result>`.
This reads every fixture with the functions `fetch` uses (`reading.read_source`: parse_feed, normalize_feed,
normalize_entry) and, for each `==` in the expression whose left side is a field BlogReader keeps (see
KEPT below, printed in the output), checks BlogReader's value against the expected one:

- text (titles, authors, guids) after whitespace is collapsed; an HTML-typed expectation is read as text;
- HTML (summaries, content) as text, with BlogReader's sanitized HTML checked for anything active
  (scripts, event attributes, javascript: URLs...) in every fixture, applicable or not;
- dates as UTC instants (the expected string is read by feedparser's own date parser);
- links after the expected one is resolved against the document's address (BlogReader stores absolute links).

A fixture is applicable when at least one comparison is; it matches when all its applicable comparisons do.
Plain feedparser's pass rate on the same fixtures is the baseline. Crashes (any exception but a clean
ParseError) and documents taking over 2 s are recorded. No fixture is copied: the checkouts are read in place.

    .venv/bin/python bench/fidelity.py /tmp/feedparser                # a feedparser source checkout
    .venv/bin/python bench/fidelity.py /tmp/feedparser --reader /tmp/reader --details

One JSON object goes to stdout. Exit status 1 when a fixture crashed or hung, or something active got through.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import signal
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from fidelity_checks import BASE, KEPT, MISSING, NOT_KEPT, active_parts, check, comparisons, field_of, ours

from blogreader.errors import ParseError
from blogreader.models import FetchResult, Source
from blogreader.reading import read_source

SLOW_SECONDS = 2.0
GIVE_UP_SECONDS = 60  # a document still parsing after this is abandoned (and counted as a hang)
DIRECTORIES = ("wellformed", "illformed", "encoding", "entities", "json")
_DESCRIPTION = re.compile(r"Description:\s*(.*?)\s*Expect:\s*(.*?)\s*-->", re.S)
_HEADER = re.compile(r"^Header:\s+([^:]+):(.*)$", re.M)

# -- the fixtures ------------------------------------------------------------------------------------------------

def feedparser_fixtures(root: Path):
    tests = root / "tests"
    if not tests.is_dir():
        raise SystemExit(f"{root}: no tests/ folder; give the path of a feedparser source checkout")
    for directory in DIRECTORIES:
        for path in sorted((tests / directory).rglob("*.json" if directory == "json" else "*.xml")):
            data = path.read_bytes()
            text = _header_text(data)
            found = _DESCRIPTION.search(text)
            if found is None:
                continue
            headers = {key.strip(): value.strip() for key, value in _HEADER.findall(text)} if "http" in str(path.relative_to(tests)) else {}
            yield str(path.relative_to(tests)), data, found.group(2).strip(), headers


def _header_text(data: bytes) -> str:
    for bom, codec in ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                       (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\xfe\xff", "utf-16-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le")):
        if data.startswith(bom):
            return data[len(bom) if bom[0] in (0xFE, 0xFF) else 0:].decode(codec, errors="ignore")
    return data.decode("utf-8", errors="ignore")


# -- reading one with BlogReader, as fetch does -----------------------------------------------------------------

class _GaveUp(Exception):
    pass


def _alarm(signum, frame):
    raise _GaveUp


def read_with_blogreader(name: str, data: bytes, headers: dict):
    url = BASE + name
    result = FetchResult(url=url, final_url=url, status=200, body=data,
                         content_type=headers.get("Content-type", headers.get("Content-Type", "")),
                         content_location=headers.get("Content-Location", ""))
    source = Source(id=0, url=url, kind="feed", title=None)
    signal.alarm(GIVE_UP_SECONDS)
    started = time.perf_counter()
    try:
        read = read_source(source, result, keep_private_links=False, presplit=False)
        feed, entries = read[0], read[1]  # then roundup splits and what else the pipeline computes per entry
        return feed, entries, None, time.perf_counter() - started
    except ParseError as exc:
        return None, [], f"refused: {exc}", time.perf_counter() - started
    finally:
        signal.alarm(0)


# -- feedparser's corpus ----------------------------------------------------------------------------------------

def reference_passes(data: bytes, expect: str, headers: dict):
    """feedparser's own result for the fixture, and whether it meets the expectation (the baseline)."""
    import io

    import feedparser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = feedparser.parse(io.BytesIO(data), response_headers={k.lower(): v for k, v in headers.items()})
        except Exception:  # noqa: BLE001
            return None, False
        try:
            return result, bool(eval(expect, {"datetime": dt, "feedparser": feedparser}, result))  # noqa: S307
        except Exception:  # noqa: BLE001 - a key it does not have, as in feedparser's own suite
            return result, False


def run_feedparser_corpus(root: Path, report: Report) -> None:
    for name, data, expect, headers in feedparser_fixtures(root):
        reference, reference_ok = reference_passes(data, expect, headers)
        checks = []
        for path, expected in comparisons(expect):
            field = field_of(path, reference)
            if field is not None:
                checks.append((path, field, expected))
        outcome = report.read(name, lambda: read_with_blogreader(name, data, headers))
        if outcome is None:
            continue
        feed, entries, refused = outcome
        if not checks:
            continue
        report.applicable(name, reference_ok)
        misses = []
        for path, (scope, index, field, mime), expected in checks:
            if refused:
                misses.append(("document refused as not a feed", refused[:120]))
                break
            if field == "link" and isinstance(expected, str) and expected.strip() and \
                    urlsplit(urljoin(BASE, expected.strip())).scheme not in ("http", "https"):
                continue  # a javascript:/mailto: "link" is never stored as one, by design
            got = ours(field, scope, index, feed, entries)
            ok, why = check(field, mime, expected, got, name)
            if not ok:
                shown = got if isinstance(got, str | None) else str(got)
                misses.append((f"{scope} {why}", f"{'.'.join(map(str, path))}: want {str(expected)[:100]!r}, "
                                                 f"got {shown if shown is None else shown[:100]!r}"))
        report.result(name, misses)


# -- lemon24/reader's corpus ------------------------------------------------------------------------------------

class _Record:
    def __init__(self, *args, **fields):
        self.__dict__.update(fields)
        if args:
            self.value = args[0]

    def __getattr__(self, name):
        return None


def reader_fixtures(root: Path):
    import types

    data = root / "tests" / "data"
    if not data.is_dir():
        raise SystemExit(f"{root}: no tests/data folder; give the path of a lemon24/reader checkout")
    for module in ("reader", "reader._types", "reader.types"):
        stub = types.ModuleType(module)
        for name in ("Content", "Enclosure", "EntrySource", "EntryData", "FeedData", "Author"):
            setattr(stub, name, type(name, (_Record,), {}))
        sys.modules.setdefault(module, stub)
    base = BASE + "reader/"
    for expected in sorted(data.glob("*.py")):
        document = expected.with_suffix("")
        namespace = {"url_base": base, "rel_base": base}
        exec(compile(expected.read_text(), str(expected), "exec"), namespace)  # noqa: S102 - the peer's own test data
        yield "reader/" + document.name, document.read_bytes(), namespace["feed"], namespace["entries"]


def run_reader_corpus(root: Path, report: Report) -> None:
    for name, data, want_feed, want_entries in reader_fixtures(root):
        outcome = report.read(name, lambda: read_with_blogreader(name, data, {}))
        if outcome is None:
            continue
        feed, entries, refused = outcome
        checks = [("feed", None, "title", want_feed.title), ("feed", None, "link", want_feed.link)]
        for index, want in enumerate(want_entries):
            authors = want.authors or ()
            content = [(part.value, part.type) for part in want.content or ()]
            checks += [("entry", index, "title", want.title), ("entry", index, "link", want.link),
                       ("entry", index, "guid", want.id), ("entry", index, "published", want.published),
                       ("entry", index, "updated", want.updated),
                       ("entry", index, "author", authors[0].name if authors else None),
                       ("entry", index, "summary", want.summary), ("entry", index, "content", content or None)]
        checks = [check_ for check_ in checks if check_[3] is not None]
        if not checks:
            continue
        report.applicable(name, None)
        misses = []
        for scope, index, field, expected in checks:
            if refused:
                misses.append(("document refused as not a feed", refused[:120]))
                break
            if field == "link" and urlsplit(urljoin(BASE, expected)).scheme not in ("http", "https"):
                continue  # reader's "link" from a urn: id: never stored as a link, by design
            got = ours(field, scope, index, feed, entries)
            if field == "guid" and got is not MISSING and not got:
                got = entries[index].url  # reader's id falls back to the link
            if field == "updated" and got is not MISSING:
                got = feed.entries[index].updated
            if field == "content":
                ok = any(check(field, mime, value, got, name)[0] for value, mime in expected)
                why = "content differs"
            else:
                ok, why = check(field, None if field != "summary" else "text/html", expected, got, name)
            if not ok:
                misses.append((f"{scope} {why}", f"{field}: want {str(expected)[:100]!r}, got {str(got)[:100]!r}"))
        report.result(name, misses)


# -- the report -------------------------------------------------------------------------------------------------

class Report:
    def __init__(self, details: bool):
        self.details = details
        self.total = self.applicable_count = self.matched = self.reference_ok = 0
        self.misses: dict[str, list] = defaultdict(list)
        self.crashes: list[dict] = []
        self.hangs: list[dict] = []
        self.active: list[dict] = []
        self.slowest = (0.0, "")

    def read(self, name: str, reading):
        """BlogReader's reading of one document: (feed, entries, refused), or None when it crashed."""
        self.total += 1
        started = time.perf_counter()
        try:
            feed, entries, refused, seconds = reading()
        except _GaveUp:
            self.hangs.append({"file": name, "seconds": GIVE_UP_SECONDS, "gave_up": True})
            return None
        except Exception as exc:  # noqa: BLE001 - a crash is a finding
            self.crashes.append({"file": name, "error": f"{type(exc).__name__}: {exc}"[:300]})
            return None
        seconds = time.perf_counter() - started
        self.slowest = max(self.slowest, (round(seconds, 3), name))
        if seconds > SLOW_SECONDS:
            self.hangs.append({"file": name, "seconds": round(seconds, 2)})
        active = active_parts(entries)
        if active:
            self.active.append({"file": name, "found": active[:5]})
        return feed, entries, refused

    def applicable(self, name: str, reference_ok: bool | None) -> None:
        self.applicable_count += 1
        self.reference_ok += bool(reference_ok)

    def result(self, name: str, misses: list) -> None:
        if not misses:
            self.matched += 1
            return
        cause = misses[0][0]
        self.misses[f"{cause} ({'/'.join(name.split('/')[:-1]) or name})"].append(
            {"file": name, "detail": misses[0][1]} if self.details else name)

    def as_json(self, corpus: str, reference: bool) -> dict:
        out = {
            "corpus": corpus, "fixtures": self.total, "applicable": self.applicable_count, "matched": self.matched,
            "percent": round(100 * self.matched / self.applicable_count, 2) if self.applicable_count else None,
        }
        if reference:
            out["baseline_feedparser_matched"] = self.reference_ok
            out["baseline_feedparser_percent"] = round(100 * self.reference_ok / max(1, self.applicable_count), 2)
            out["ratio_to_baseline"] = round(self.matched / max(1, self.reference_ok), 3)
        out |= {"crashes": self.crashes, "hangs_over_2s": self.hangs, "active_content": self.active,
                "slowest": {"file": self.slowest[1], "seconds": self.slowest[0]},
                "misses_by_cause": {cause: {"count": len(files), "files": files}
                                    for cause, files in sorted(self.misses.items(), key=lambda kv: -len(kv[1]))}}
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("feedparser", type=Path, help="a feedparser source checkout (its tests/ folder is read)")
    parser.add_argument("--reader", type=Path, help="a lemon24/reader source checkout (its tests/data is read)")
    parser.add_argument("--details", action="store_true", help="each miss with what was expected and what was read")
    args = parser.parse_args(argv)
    import logging

    logging.disable(logging.WARNING)
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    feedparser_report = Report(args.details)
    run_feedparser_corpus(args.feedparser.resolve(), feedparser_report)
    out = {"fields_mapped": KEPT, "not_kept": NOT_KEPT, "feedparser": feedparser_report.as_json(
        str(args.feedparser), reference=True)}
    failed = bool(feedparser_report.crashes or feedparser_report.hangs or feedparser_report.active)
    if args.reader:
        reader_report = Report(args.details)
        run_reader_corpus(args.reader.resolve(), reader_report)
        out["reader"] = reader_report.as_json(str(args.reader), reference=False)
        failed |= bool(reader_report.crashes or reader_report.hangs or reader_report.active)
    out["seconds"] = round(time.perf_counter() - started, 1)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
