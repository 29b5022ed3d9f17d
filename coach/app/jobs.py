"""Video analyses run in the background, one thread each, kept per owner in the server process.

The upload page starts a job and only reads its state; a reload or a closed tab does not stop the
job, and the next page load for the same owner (this computer's patient) picks it up: still
running (with its progress), finished and waiting for the patient's OK, or failed with a reason.
Nothing is saved to the record until the page says so (after the wrong-exercise check).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

RUNNING, DONE, FAILED = "running", "done", "failed"


@dataclass
class Job:
    owner: str
    video: Path  # the saved upload (kept until the result is saved or dropped)
    folder: Path
    name: str  # safe display name
    exercise: str
    side: str
    state: str = RUNNING
    progress: float = 0.0
    result: object | None = None  # coach.analysis.AnalysisResult
    guess: object | None = None  # coach.app.recognise.Guess
    error: str = ""
    session_id: int | None = None
    seen: bool = False  # the patient has seen the finished result
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.state != RUNNING

    def refresh(self) -> "Job":
        """The job as it is now (this one: its thread updates it in place; a queued job re-reads)."""
        return self


class Jobs:
    """The latest job per owner (older ones are replaced)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def get(self, owner: str) -> Job | None:
        with self._lock:
            return self._jobs.get(owner)

    def drop(self, owner: str) -> None:
        with self._lock:
            self._jobs.pop(owner, None)

    def start(self, job: Job, work) -> Job:
        """Run ``work(job)`` on its own thread; ``work`` sets ``job.result`` (exceptions: FAILED)."""
        def run() -> None:
            try:
                work(job)
                job.state = DONE
            except Exception as exc:  # noqa: BLE001 - the page shows the message
                job.error = str(exc).replace(str(job.video), job.name).replace(str(job.folder), "")
                job.state = FAILED

        with self._lock:
            self._jobs[job.owner] = job
        job._thread = threading.Thread(target=run, name=f"coach-analysis-{job.owner}", daemon=True)
        job._thread.start()
        return job
