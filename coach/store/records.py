"""Plain dataclasses the store hands out (never ORM rows): what reports and the UI read.

Reps come back as ``exercises.base.Rep`` with their ``Fault``s, the same values the exercises made.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from coach.store.repcodec import rep_to_json
from exercises.base import Rep
from exercises.validated_tests import TestResult  # the project's one test-result type

SESSION_STATUSES = ("recording", "complete", "stopped", "interrupted")
SIDES = ("left", "right", "both", "none", "")


@dataclass(frozen=True)
class Patient:
    id: str  # pseudonymous code, never a name
    age: int | None = None
    sex: str = ""
    condition: str = ""
    affected_side: str = ""
    notes: str = ""
    video_opt_in: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class StoredEvent:
    kind: str  # "fall_like", "camera_lost", "stopped_for_pain", or a pipeline warning
    time_s: float
    detail: str = ""


@dataclass(frozen=True)
class StoredSet:
    set_no: int
    target_reps: int | None
    side: str
    started_at: datetime
    ended_at: datetime | None  # None: the set was cut off (crash, lost power)
    reps: tuple[Rep, ...] = ()

    @property
    def counted(self) -> int:
        return sum(1 for r in self.reps if r.counted)


@dataclass(frozen=True)
class SessionSummary:
    """One line of ``coach sessions``."""

    id: int
    uuid: str
    patient_id: str
    exercise: str
    source: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    sets: int
    reps: int  # counted
    attempts: int  # not counted
    faults: int
    excluded: bool = False  # left out of trends and suggestions by the physio (kept, marked)
    excluded_by: str = ""
    excluded_reason: str = ""

    def to_dict(self) -> dict:
        return {"id": self.id, "uuid": self.uuid, "patient": self.patient_id, "exercise": self.exercise,
                "source": self.source, "status": self.status, "started_at": _iso(self.started_at),
                "ended_at": _iso(self.ended_at), "sets": self.sets, "reps": self.reps,
                "attempts": self.attempts, "faults": self.faults, "excluded": self.excluded,
                "excluded_by": self.excluded_by, "excluded_reason": self.excluded_reason}


@dataclass(frozen=True)
class SessionRecord:
    """Everything recorded in one session except the landmark track (``Store.load_poses``)."""

    summary: SessionSummary
    schema_version: int
    app_version: str
    algorithm_version: str
    settings: dict
    programme_version: int | None
    video_path: str | None  # absolute, or None when not recorded
    notes: str
    sets: tuple[StoredSet, ...] = ()
    events: tuple[StoredEvent, ...] = ()
    tests: tuple[TestResult, ...] = ()

    @property
    def reps(self) -> list[Rep]:
        return [r for s in self.sets for r in s.reps]

    def to_dict(self) -> dict:
        return {**self.summary.to_dict(), "schema_version": self.schema_version,
                "app_version": self.app_version, "algorithm_version": self.algorithm_version,
                "settings": self.settings, "programme_version": self.programme_version,
                "video_path": self.video_path, "notes": self.notes,
                "set_list": [{"set_no": s.set_no, "target_reps": s.target_reps, "side": s.side,
                              "started_at": _iso(s.started_at), "ended_at": _iso(s.ended_at),
                              "reps": [rep_to_json(r) for r in s.reps]} for s in self.sets],
                "events": [vars(e).copy() for e in self.events],
                "tests": [t.to_dict() for t in self.tests]}


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


@dataclass(frozen=True)
class StoredTest:
    """A stored validated-test result with where and when it was recorded."""

    __test__ = False
    id: int
    session_id: int
    patient_id: str
    recorded_at: datetime  # the session's start
    result: TestResult

    def to_dict(self) -> dict:
        return {"id": self.id, "session_id": self.session_id, "patient": self.patient_id,
                "recorded_at": _iso(self.recorded_at), **self.result.to_dict()}


@dataclass
class RecorderHealth:
    """What the live loop shows when saving has trouble or lags; ``ok`` False means the patient
    or physio should be told (nothing is lost: the writes are in the local journal)."""

    ok: bool = True
    message: str = ""
    fallback_path: str | None = None  # the session's local journal file
    pending: int = 0  # writes waiting for the database
    lag_s: float = 0.0  # age of the oldest write not yet in the database
