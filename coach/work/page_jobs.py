"""The upload page's view of queued analyses: the same questions it asks of ``coach.app.jobs`` (the
owner's latest job, its state and progress, its result, whether the patient has seen it), answered
from ``work_items``, so a reload, another tab or a restarted app server finds the job where the
workers left it.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from coach.app import jobs as jobs_mod
from coach.work import items, queue

_STATES = {items.QUEUED: jobs_mod.RUNNING, items.RUNNING: jobs_mod.RUNNING, items.DONE: jobs_mod.DONE,
           items.HELD: jobs_mod.DONE, items.FAILED: jobs_mod.FAILED}


@dataclass(frozen=True)
class QueuedResult:
    """What ``_result`` reads of an ``AnalysisResult``, from the worker's summary."""

    exercise: str
    reps: list
    warnings: list
    duration_s: float
    pose_coverage: float
    annotated_video: None = None  # queued analyses make no annotated video

    @property
    def counted(self) -> list:
        return [r for r in self.reps if r.counted]


@dataclass(frozen=True)
class QueuedGuess:
    likely: str
    text: str

    def message(self, label) -> str:
        return self.text


@dataclass
class QueuedJob:
    """A snapshot of one work item, shaped like ``coach.app.jobs.Job``."""

    store: object = field(repr=False)
    item: items.Item

    owner = property(lambda self: self.item.owner)
    name = property(lambda self: self.item.name)
    exercise = property(lambda self: self.item.params.get("exercise", ""))
    side = property(lambda self: self.item.params.get("side", "auto"))
    state = property(lambda self: _STATES[self.item.state])
    progress = property(lambda self: self.item.progress)
    error = property(lambda self: self.item.error)
    session_id = property(lambda self: self.item.session_id)
    video = property(lambda self: Path("/nonexistent/queued") / self.item.id)  # the file is in the database
    folder = video
    waiting = property(lambda self: self.item.state == items.QUEUED)  # no worker has taken it yet

    @property
    def finished(self) -> bool:
        return self.item.finished

    @property
    def result(self) -> QueuedResult | None:
        from coach.store.repcodec import rep_from_json

        r = self.item.result
        if not r:
            return None
        return QueuedResult(r["exercise"], [rep_from_json(d) for d in r["reps"]], list(r["warnings"]),
                            float(r["duration_s"]), float(r["pose_coverage"]))

    @property
    def guess(self) -> QueuedGuess | None:
        g = (self.item.result or {}).get("guess")
        return QueuedGuess(g["likely"], g["message"]) if g and self.item.state == items.HELD else None

    @property
    def seen(self) -> bool:
        return self.item.seen

    @seen.setter
    def seen(self, value: bool) -> None:
        if value and not self.item.seen:
            with self.store.engine.begin() as conn:
                items.mark_seen(conn, self.item.id)
            self.refresh()

    def keep(self) -> int | None:
        """The patient keeps a result that looked like another exercise: its session is saved now."""
        with self.store.engine.begin() as conn:
            session_id = items.keep_held(conn, self.item.id)
        self.refresh()
        return session_id

    def refresh(self) -> "QueuedJob":
        with self.store.engine.connect() as conn:
            self.item = items.get(conn, self.item.id) or self.item
        return self


class QueuedJobs:
    """``coach.app.jobs.Jobs`` for a clinic on PostgreSQL: ``start`` enqueues instead of starting a thread."""

    def __init__(self, store, model: str = "full"):
        self.store = store
        self.model = model

    def get(self, owner: str) -> QueuedJob | None:
        queue.ensure_schema(self.store.engine)
        with self.store.engine.connect() as conn:
            item = items.latest(conn, owner, items.ANALYSIS)
        return QueuedJob(self.store, item) if item is not None else None

    def drop(self, owner: str) -> None:
        with self.store.engine.begin() as conn:
            item = items.latest(conn, owner, items.ANALYSIS)
            if item is not None and item.finished:
                items.drop(conn, item.id)

    def start(self, job, work=None) -> QueuedJob:
        """Queue ``job``'s video (a ``coach.app.jobs.Job``; ``work`` is the workers' to do); the local
        copy goes once it is in the database."""
        payload = job.video.read_bytes()
        self.enqueue(job.owner, job.name, job.exercise, job.side, payload)
        shutil.rmtree(job.folder, ignore_errors=True)
        return self.get(job.owner)

    def again(self, job: QueuedJob, exercise: str) -> QueuedJob:
        """Check a held job's video again as another exercise (its file is still in the database)."""
        with self.store.engine.begin() as conn:
            payload = items.payload_of(conn, job.item.id)
            items.drop(conn, job.item.id)
        self.enqueue(job.owner, job.name, exercise, job.side, payload or b"")
        return self.get(job.owner)

    def enqueue(self, owner: str, name: str, exercise: str, side: str, payload: bytes) -> str:
        patient = owner if owner != "practice" else None
        return queue.enqueue(self.store, items.ANALYSIS, owner, name,
                             {"exercise": exercise, "side": side, "model": self.model}, payload, patient_id=patient)
