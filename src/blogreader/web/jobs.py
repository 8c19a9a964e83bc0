"""Background fetches started by "Fetch now": each runs on its own thread and database connection, and
GET /jobs/{id} says how far it got (JSON), for the sources page to show while the reader goes on.

A job goes through the scheduler's leases (`Worker.poll_now`), so it never fetches a source that the
background poller, `blogreader worker` or a `fetch` holds: it then ends as "busy". A second "Fetch now"
of a source whose job is still running gets that job back instead of starting another.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from blogreader.errors import BlogReaderError

log = logging.getLogger(__name__)

router = APIRouter()

KEPT = 200  # finished jobs remembered for their status; older ones are forgotten first
FINISHED = ("done", "busy", "failed")
_lock = threading.Lock()


@dataclass
class Job:
    """One "Fetch now": which source, how far it got, and what it found."""

    id: str
    source_id: int
    name: str
    state: str = "waiting"  # waiting, fetching, enriching, publishing, then done, busy or failed
    new: int = 0
    entries: int = 0  # the source's entries once the job is over
    error: str = ""  # the source's last fetch error, or why the job stopped
    started: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def message(self) -> str:
        """What the sources page says about this job."""
        if self.state == "busy":
            return (f"{self.name} is being fetched by another process right now (the background poller, "
                    "`blogreader worker` or a `fetch`); its new entries reach the inbox when that fetch ends.")
        if self.state == "failed":
            return f"Fetching {self.name} stopped: {self.error}"
        if self.state == "done" and self.error:
            return f"Fetched {self.name}: {self.error}"
        if self.state == "done":
            return f"Fetched {self.name}: {self.new} new entr{'y' if self.new == 1 else 'ies'} ({self.entries} in all)."
        doing = {"waiting": "Starting to fetch", "fetching": "Fetching", "enriching": "Summarizing what is new in",
                 "publishing": "Publishing after"}[self.state]
        return f"{doing} {self.name}…"

    def as_json(self) -> dict:
        return {"id": self.id, "source": self.source_id, "name": self.name, "state": self.state,
                "finished": self.finished, "new": self.new, "entries": self.entries, "error": self.error or None,
                "message": self.message()}


class Jobs:
    """The jobs of one web app: started here, looked up by id."""

    def __init__(self, settings) -> None:
        self.settings = settings
        self._jobs: dict[str, Job] = {}

    def start(self, source) -> Job:
        """A job fetching `source` now, or the one already running for it."""
        with _lock:
            running = next((job for job in self._jobs.values()
                            if job.source_id == source.id and not job.finished), None)
            if running:
                return running
            job = Job(secrets.token_hex(8), source.id, source.name)
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job,), name=f"fetch-now-{source.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        with _lock:
            return self._jobs.get(job_id)

    def _run(self, job: Job) -> None:
        from blogreader.store import Store
        from blogreader.worker import Worker

        def stage(name: str) -> None:
            job.state = name

        try:
            with Store.open(self.settings.database) as store:
                report = Worker(store, self.settings, on_stage=stage).poll_now(job.source_id)
                if not report.claimed:
                    job.state = "busy"
                    return
                source = store.source(job.source_id)
                job.name = source.name  # a new source's own title, learned by this fetch
                job.new, job.entries = report.new_entries, store.source_entry_count(job.source_id)
                job.error = source.last_error or "; ".join(report.problems)
                job.state = "done"
        except BlogReaderError as exc:
            job.error, job.state = str(exc), "failed"
        except Exception as exc:  # noqa: BLE001 - the page says it stopped; the log has the rest
            log.exception("fetch now of source %d failed", job.source_id)
            job.error, job.state = f"something went wrong ({type(exc).__name__}); the log says more", "failed"

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.finished]
        for job_id in finished[:max(0, len(self._jobs) - KEPT)]:
            del self._jobs[job_id]


def jobs_of(app) -> Jobs:
    """The app's jobs, made on first use."""
    with _lock:
        jobs = getattr(app.state, "fetch_jobs", None)
        if jobs is None:
            jobs = app.state.fetch_jobs = Jobs(app.state.settings)
        return jobs


@router.get("/jobs/{job_id}")
def status(request: Request, job_id: str):
    """How far a "Fetch now" got, as JSON: state, finished, new entries, and the sentence the page shows."""
    job = jobs_of(request.app).get(job_id) if len(job_id) == 16 else None
    if job is None:
        return JSONResponse({"error": "no such fetch: it finished long ago or the server restarted; "
                                      "reload the sources page"}, status_code=404)
    return JSONResponse(job.as_json(), headers={"Cache-Control": "no-store"})
