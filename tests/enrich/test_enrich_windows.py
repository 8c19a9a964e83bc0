"""A large enrichment runs a window at a time in worker processes: the same results as one pass in one process."""

from __future__ import annotations

from pathlib import Path

from blogreader.config import load_settings
from blogreader.enrich import runner
from blogreader.models import ParsedEntry
from blogreader.normalize.entry import normalize_entry
from blogreader.store import Store

TOPICS = [
    ("Policy gradients for a walking robot",
     "We train a policy with reinforcement learning. The critic estimates the value of each state, and the reward "
     "shapes how the robot learns to walk on rough ground."),
    ("Serving a large model on one GPU",
     "Quantization to four bits lets the model fit in memory. Batching requests and a paged key-value cache raise "
     "the throughput of inference without hurting latency."),
    ("What the attention heads attend to",
     "We look inside a transformer with probes and activation patching. Some heads copy tokens, others track "
     "syntax, and ablating them changes what the model predicts."),
    ("Our course opens for enrolment",
     "Join our new course on building with language models. Seats are limited, so sign up today and use the "
     "discount code before Friday."),
]


def _library(tmp_path: Path, count: int):
    settings = load_settings(tmp_path / "library")
    store = Store.open(settings.database_path)
    source, _ = store.add_source("https://blog.example/feed", "feed", title="Example blog")
    entries = []
    for n in range(count):
        title, text = TOPICS[n % len(TOPICS)]
        body = "".join(f"<p>{text} This is note {n}, part {part}.</p>" for part in range(1 + n % 3))
        entries.append(normalize_entry(ParsedEntry(f"{title} ({n})", f"https://blog.example/{n}", content_html=body),
                                       "https://blog.example/feed"))
    ids = store.save_entries(source.id, entries).ids
    store.edit(ids[1], category="Writing")  # the user's own filing stays as it is
    return store, settings


def _enriched(store: Store) -> list[tuple]:
    return store.conn.execute(
        "SELECT id, summary, summary_origin, category, category_origin, promo, enriched_at IS NOT NULL"
        " FROM entries ORDER BY id").fetchall()


def test_small_windows_in_worker_processes_give_what_one_pass_gives(tmp_path, monkeypatch):
    count = 23
    store, settings = _library(tmp_path / "one", count)
    monkeypatch.setattr(runner, "PARALLEL_MIN", 10 ** 9)
    one_pass = runner.enrich_entries(store, settings, only_unenriched=True)
    expected = _enriched(store)
    store.close()

    store, settings = _library(tmp_path / "windows", count)
    monkeypatch.setattr(runner, "PARALLEL_MIN", 1)  # worker processes however few the entries
    monkeypatch.setattr(runner, "WINDOW", 5)  # five windows and a short one
    seen: list[str] = []
    windowed = runner.enrich_entries(store, settings, only_unenriched=True, on_progress=seen.append)
    assert _enriched(store) == expected
    assert (windowed.enriched, windowed.promos, windowed.summaries, windowed.categories) == \
        (one_pass.enriched, one_pass.promos, one_pass.summaries, one_pass.categories)
    assert one_pass.enriched == count
    assert len(seen) == count
    assert one_pass.promos >= 1 and sum(one_pass.summaries.values()) == count
    assert expected[1][3:5] == ("Writing", "user")
    store.close()


def test_the_worker_processes_file_the_categories_and_the_main_process_does_not(tmp_path, monkeypatch):
    import os

    from blogreader.enrich.local_classifier import LocalClassifier

    calls = tmp_path / "classified-by"
    classify_many = LocalClassifier.classify_many

    def recorded(self, docs):
        with calls.open("a") as log:  # appended by whichever process classifies (the workers are forked)
            log.write(f"{os.getpid()} {len(docs)}\n")
        return classify_many(self, docs)

    monkeypatch.setattr(LocalClassifier, "classify_many", recorded)
    store, settings = _library(tmp_path / "windows", 23)
    monkeypatch.setattr(runner, "PARALLEL_MIN", 1)
    monkeypatch.setattr(runner, "WINDOW", 5)
    report = runner.enrich_entries(store, settings, only_unenriched=True)
    rows = [line.split() for line in calls.read_text().splitlines()]
    assert rows and all(int(pid) != os.getpid() for pid, _ in rows)
    assert sum(int(count) for _, count in rows) == 22  # every entry but the one the user filed
    assert sum(report.categories.values()) == 22
    assert runner._WORKER_CLASSIFIER is None  # the run's classifier is not kept once it ends
    store.close()


def test_a_worker_that_dies_leaves_the_rest_to_this_process_with_the_same_results(tmp_path, monkeypatch):
    import os
    import signal

    count = 23
    store, settings = _library(tmp_path / "one", count)
    monkeypatch.setattr(runner, "PARALLEL_MIN", 10 ** 9)
    runner.enrich_entries(store, settings, only_unenriched=True)
    expected = _enriched(store)
    store.close()

    enriching = os.getpid()
    promo_flags = runner.promo_flags

    def dying(*args):
        if os.getpid() != enriching:  # a worker (forked, so patched too): it dies as the out-of-memory killer ends one
            os.kill(os.getpid(), signal.SIGKILL)
        return promo_flags(*args)

    monkeypatch.setattr(runner, "promo_flags", dying)
    store, settings = _library(tmp_path / "windows", count)
    monkeypatch.setattr(runner, "PARALLEL_MIN", 1)
    monkeypatch.setattr(runner, "WINDOW", 5)
    report = runner.enrich_entries(store, settings, only_unenriched=True)  # no internal error
    assert _enriched(store) == expected
    assert report.enriched == count and report.problems == [
        "a worker process died while enriching (out of memory?); this process read the rest, more slowly"]
    store.close()
