"""The loop `serve` and `blogreader worker` share: claim due sources, refresh them, enrich, publish.

A pass leases the sources that are due (one UPDATE, so two processes never poll the same one), refreshes
them through `pipeline.refresh`, plans each one's next poll with `schedule.next_poll`, and hands them back.
Enrichment and the configured outputs follow a pass that stored something new.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from blogreader.config import Settings
from blogreader.errors import BlogReaderError
from blogreader.schedule import PollHistory, next_poll
from blogreader.schedule.owners import is_gone_local, new_owner
from blogreader.store import Store

log = logging.getLogger(__name__)

BATCH = 10  # sources refreshed together in one pass; small enough that no pass holds others up for long
LEASE_SECONDS = 120.0  # renewed every third of this while a refresh runs, so only a dead process lets it lapse
IDLE_SECONDS = 60.0  # the longest the loop sleeps before looking for due sources again

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def release_dead_local_leases(store: Store, now: datetime) -> int:
    """Free the leases of processes on this host that are gone (killed, crashed): theirs need not run out."""
    freed = 0
    for owner in store.lease_owners(now):
        if is_gone_local(owner):
            freed += store.release_all(owner)
            log.info("freed the leases of %s: that process is gone", owner)
    return freed


@dataclass
class PassReport:
    """What one pass did."""

    claimed: int = 0
    new_entries: int = 0
    failed: int = 0
    published: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        return (f"polled {self.claimed} source(s): {self.new_entries} new entries, {self.failed} failed"
                + (f"; published {', '.join(self.published)}" if self.published else ""))


@dataclass
class Fetched:
    """What `Worker.fetch` did: the pipeline's report, and the sources left to the process polling them."""

    report: object  # pipeline.RefreshReport (not imported here, so `--help` stays fast)
    busy: list = field(default_factory=list)


class Worker:
    """Polls due sources of one library, forever or once; `clock` and `rng` are injectable for tests."""

    def __init__(self, store: Store, settings: Settings, *, owner: str | None = None, clock: Clock = system_clock,
                 rng: random.Random | None = None, lease_seconds: float = LEASE_SECONDS, batch: int = BATCH,
                 on_stage: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.on_stage = on_stage or (lambda stage: None)  # "fetching", "enriching", "publishing": for a progress line
        self.settings = settings
        self.owner = owner or new_owner()
        self.clock = clock
        self.rng = rng or random.Random()
        self.lease_seconds = lease_seconds
        self.batch = batch

    def run_once(self) -> PassReport:
        """Claim what is due now, refresh it, plan each source's next poll; enrich and publish when new."""
        release_dead_local_leases(self.store, self.clock())
        claimed = self.store.claim_due_sources(self.owner, self.clock(), self.lease_seconds, self.batch)
        # The schedule already honoured Retry-After on this clock; the pipeline's own check would not.
        return self._poll([replace(source, retry_after=None) for source in claimed])

    def poll_now(self, source_id: int) -> PassReport:
        """Poll one source at once ("Fetch now"), unless another process is polling it (then claimed is 0)."""
        release_dead_local_leases(self.store, self.clock())
        source = self.store.claim_source(source_id, self.owner, self.clock(), self.lease_seconds)
        return self._poll([source] if source else [])

    def fetch(self, sources: list, on_progress: Callable | None = None, *, enrich: bool = False) -> Fetched:
        """Refresh `sources` now, as `fetch` and `update` do, except those another process is polling; with
        `enrich`, new posts are enriched as they are parsed (`pipeline.refresh`).

        The ones refreshed are leased for the run (one claim for the whole list, renewed while it lasts)
        and handed back with their next poll planned. Disabled sources are passed on unclaimed: the
        pipeline reports them skipped without fetching anything.
        """
        from blogreader.store.schedule import leases_supported

        if not leases_supported():  # an old SQLite: fetch as before leases, which `update` from cron relies on
            return Fetched(self._refresh(list(sources), set(), on_progress, enrich))
        wanted = [source for source in sources if not source.disabled]
        release_dead_local_leases(self.store, self.clock())
        held = self.store.claim_sources([source.id for source in wanted], self.owner, self.clock(),
                                        self.lease_seconds) if wanted else []
        held_ids = {source.id for source in held}
        busy = [source for source in wanted if source.id not in held_ids]
        disabled = [source for source in sources if source.disabled]
        return Fetched(self._refresh(held + disabled, held_ids, on_progress, enrich), busy)

    def _poll(self, claimed: list) -> PassReport:
        """Refresh sources this worker holds, plan each one's next poll and release it; enrich and publish."""
        report = PassReport()
        if not claimed:
            return report
        report.claimed = len(claimed)
        self.on_stage("fetching")
        log.info("polling %d source(s): %s", len(claimed), ", ".join(str(source.id) for source in claimed))
        try:
            outcome = self._refresh(claimed, {source.id for source in claimed}, enrich=True)
        except Exception as exc:  # noqa: BLE001 - a broken pass must not end the loop; each source says why
            log.exception("a poll failed")
            report.problems.append(str(exc))
            return report
        report.new_entries = outcome.new_entries
        report.failed = outcome.count("failed")
        if report.new_entries:
            self._enrich_and_publish(report)
        return report

    def _refresh(self, sources: list, held: set[int], on_progress: Callable | None = None, enrich: bool = False):
        """`pipeline.refresh` of `sources`, renewing the leases on `held` meanwhile and releasing them after."""
        from blogreader.pipeline import RefreshReport, refresh  # the fetch stack loads when there is work

        if not sources:
            return RefreshReport()
        try:
            with self._renewing():
                outcome = refresh(self.store, sources, self.settings, on_progress=on_progress, enrich=enrich)
        except Exception as exc:
            self._release_after_crash([source for source in sources if source.id in held],
                                      f"the last poll stopped: {exc}")
            raise
        except BaseException:
            self.store.release_all(self.owner)  # interrupted: hand everything back, due as before
            raise
        offline = outcome.offline
        for result in outcome.outcomes:
            if result.source.id in held:
                self._release(result.source.id, offline=offline)
        return outcome

    def run(self, stop: threading.Event, idle_seconds: float = IDLE_SECONDS,
            on_pass: Callable[[PassReport], None] | None = None) -> None:
        """Pass after pass until `stop` is set, sleeping until the next source is due (at most `idle_seconds`)."""
        try:
            while not stop.is_set():
                try:
                    done = self.run_once()
                except BlogReaderError as exc:  # a busy or unwritable library: try again later, keep running
                    log.warning("poll pass failed: %s", exc)
                    stop.wait(idle_seconds)
                    continue
                if done.claimed:
                    log.info(done.summary_line())
                    if on_pass:
                        on_pass(done)
                    continue
                stop.wait(self.seconds_until_due(idle_seconds))
        finally:
            self.store.release_all(self.owner)

    def seconds_until_due(self, idle_seconds: float) -> float:
        """How long the loop may sleep: until the soonest source is due, between 1 s and `idle_seconds`."""
        due = self.store.next_due_at()
        if due is None:
            return idle_seconds
        if not due:
            return 1.0
        wait = (_moment(due) - self.clock()).total_seconds()
        return max(1.0, min(idle_seconds, wait))

    def _release(self, source_id: int, offline: bool = False) -> None:
        found = self.store.sources([source_id])
        if not found:  # unsubscribed while it was being polled: nothing left to plan
            return
        source = found[0]
        now = self.clock()
        history = PollHistory(
            failed=source.error_count > 0,
            failures=source.error_count,
            retry_after=_moment(source.retry_after) if source.retry_after else None,
            published=_moments(self.store.recent_publication_times(source_id)),
            disabled=source.disabled,
            offline=offline,
        )
        plan = next_poll(history, now, self.settings.schedule, self.rng)
        if not self.store.release_source(source_id, self.owner, plan.next_at, plan.interval, plan.reason):
            log.warning("source %d: the lease lapsed during its refresh; another process may poll it", source_id)

    def _release_after_crash(self, sources, reason: str) -> None:
        retry = self.clock() + timedelta(seconds=self.settings.schedule.min_interval)
        for source in sources:
            self.store.release_source(source.id, self.owner, retry, self.settings.schedule.min_interval, reason)

    def _enrich_and_publish(self, report: PassReport) -> None:
        from blogreader.pipeline import enrich_new
        from blogreader.publish.runner import publish

        self.on_stage("enriching")
        try:
            enrich_new(self.store, self.settings)
        except BlogReaderError as exc:
            log.warning("enrichment failed: %s", exc)
            report.problems.append(f"enrich: {exc}")
        for output in self.settings.publish.outputs:
            self.on_stage("publishing")
            try:
                publish(self.store, self.settings, output)
                report.published.append(output)
            except BlogReaderError as exc:
                log.warning("not published: %s: %s", output, exc)
                report.problems.append(f"{output}: {exc}")

    @contextmanager
    def _renewing(self):
        """Renew this worker's leases from a second connection while a refresh runs, so a slow one keeps them."""
        if self.store.location is None:
            yield
            return
        done = threading.Event()

        def renew() -> None:
            with Store.open(self.store.location) as other:
                while not done.wait(self.lease_seconds / 3):
                    try:
                        other.renew_leases(self.owner, self.clock(), self.lease_seconds)
                    except BlogReaderError as exc:  # busy: the next beat tries again, well before expiry
                        log.warning("could not renew leases: %s", exc)

        beat = threading.Thread(target=renew, name="lease-renewal", daemon=True)
        beat.start()
        try:
            yield
        finally:
            done.set()
            beat.join()


class BackgroundWorker:
    """A worker on its own thread and database connection, as `serve` runs it beside the web app."""

    def __init__(self, settings: Settings, idle_seconds: float = IDLE_SECONDS) -> None:
        self.settings = settings
        self.owner = new_owner()
        self.idle_seconds = idle_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="blogreader-worker", daemon=True)

    def start(self) -> BackgroundWorker:
        self._thread.start()
        return self

    def stop(self, wait_seconds: float = 10.0) -> None:
        """Ask the loop to finish its pass; past `wait_seconds`, free its leases from here."""
        self._stop.set()
        self._thread.join(wait_seconds)
        if self._thread.is_alive():
            with Store.open(self.settings.database) as store:
                store.release_all(self.owner)

    def _run(self) -> None:
        try:
            with Store.open(self.settings.database) as store:
                Worker(store, self.settings, owner=self.owner).run(self._stop, self.idle_seconds)
        except BlogReaderError as exc:
            log.error("the background poller stopped: %s", exc)
        except Exception:  # noqa: BLE001 - the web app keeps serving; the log says what broke
            log.exception("the background poller stopped")


def _moments(values: list[str]) -> tuple[datetime, ...]:
    """Stored publication times as datetimes; one a feed mangled is left out, not fatal."""
    moments = []
    for value in values:
        try:
            moments.append(_moment(value))
        except ValueError:
            log.debug("unreadable publication time %r", value)
    return tuple(moments)


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
