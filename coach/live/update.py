"""The values the live session hands out: one ``LiveUpdate`` per frame, one ``LiveSummary`` at the end."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.pipeline import FrameResult
from exercises.base import Rep

from coach.live.cues import Cue
from coach.live.holds import HoldStatus
from coach.live.pacer import BeatStatus
from coach.live.sets import SetEvent, SetResult
from coach.live.setup_check import SetupResult


@dataclass(frozen=True)
class SessionEvent:
    """Something to record with the session: "fall_like", "out_of_view", "camera_lost", "fatigue", ..."""

    kind: str
    time_s: float
    detail: str = ""

    def to_dict(self) -> dict:
        return {"kind": self.kind, "time_s": round(self.time_s, 3), "detail": self.detail}


@dataclass(frozen=True)
class LiveUpdate:
    """What happened at one frame, for the screen, the speaker and the store. Read-only."""

    time_s: float
    result: FrameResult | None  # None for updates without a frame (camera lost)
    phase: str
    set_no: int
    sets_total: int
    set_reps: int
    target_reps: int
    set_elapsed_s: float
    time_left_s: float  # rest or countdown seconds left
    pause_reason: str
    setup: SetupResult
    cue_text: str  # the cue on screen now (held for a moment after it is issued)
    cue_kind: str
    cues: tuple[Cue, ...] = ()  # new this frame: to be spoken
    set_events: tuple[SetEvent, ...] = ()
    events: tuple[SessionEvent, ...] = ()
    reps: tuple[Rep, ...] = ()  # reps and attempts finished this frame inside an active set
    image: np.ndarray | None = None  # the annotated frame, when the session renders
    hold: HoldStatus | None = None  # hold exercises: the running hold, best and target
    beat: BeatStatus | None = None  # with a metronome: where the beat is
    alert: str = ""  # a safety message that stays up until the patient carries on (balance loss)
    latency_ms: float | None = None  # capture to annotated frame ready
    task_text: str = ""  # a dual-task set: the thinking task, shown in big words while the set runs


@dataclass
class LiveSummary:
    exercise: str
    status: str  # "complete", "stopped", "source_ended", "camera_lost"
    sets: list[SetResult]
    frames_seen: int
    frames_processed: int
    frames_dropped: int
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    events: list[SessionEvent] = field(default_factory=list)
    setup_problems: list[str] = field(default_factory=list)
    speech: str = "none"
    duration_s: float = 0.0
    warnings: list[str] = field(default_factory=list)  # for the user: e.g. the store could not be written
    unsaved: str = ""  # why the session is not in the database yet (a full disk); "" when saved or not recorded

    @property
    def reps(self) -> int:
        return sum(s.reps for s in self.sets)

    def latency(self) -> dict:
        if not self.latencies_ms:
            return {"p50": None, "p95": None, "max": None}
        p50, p95 = np.percentile(self.latencies_ms, [50, 95])
        return {"p50": round(float(p50), 1), "p95": round(float(p95), 1), "max": round(max(self.latencies_ms), 1)}

    def to_dict(self) -> dict:
        return {
            "exercise": self.exercise, "status": self.status, "reps": self.reps,
            "frames_seen": self.frames_seen, "frames_processed": self.frames_processed,
            "frames_dropped": self.frames_dropped, "latency_ms": self.latency(),
            "sets": [s.to_dict() for s in self.sets], "events": [e.to_dict() for e in self.events],
            "setup_problems": self.setup_problems, "speech": self.speech, "duration_s": round(self.duration_s, 2), "warnings": self.warnings,
            "saved": not self.unsaved,
        }
