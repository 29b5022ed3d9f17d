"""What every exercise produces, and the interface the engine drives.

An exercise is a pure state machine: ``update(pose) -> events``. It never touches a camera,
MediaPipe or a screen; the overlay reads ``state`` and never changes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from coach.pose.frame import PoseFrame

if TYPE_CHECKING:
    from exercises.holds import BalanceEvent
    from exercises.spec import ExerciseSpec, Params


@dataclass(frozen=True)
class Fault:
    """A form problem seen during a rep, with the moment it was seen."""

    code: str  # e.g. "incomplete_stand", "trunk_flexion"; stable, used by cues and reports
    time_s: float
    detail: str = ""  # human-readable, e.g. "trunk 62 deg forward (limit 50)"


@dataclass(frozen=True)
class Rep:
    """One repetition. ``counted`` is False for an attempt that did not make it (half stand).
    Its one JSON shape and row: ``coach.store.repcodec``."""

    index: int  # 1-based among counted reps; 0 for attempts that did not count
    start_s: float
    end_s: float
    counted: bool = True
    metrics: dict[str, float] = field(default_factory=dict)
    faults: tuple[Fault, ...] = ()
    confidence: str = "ok"  # "ok" or "low" (poor visibility, partly out of frame, long gap)
    side: str = ""  # "left" / "right" / "both" where the exercise is sided
    view: str = ""  # view the rep was seen from ("side" / "front" / "oblique"); added field
    skipped_checks: tuple[str, ...] = ()  # fault checks not run because they need another view
    reason: str = ""  # why an uncounted attempt did not count, in plain words

    @property
    def fault_codes(self) -> list[str]:
        return sorted({f.code for f in self.faults})


@dataclass(frozen=True)
class Event:
    """Something the session and the UI should react to this frame.

    kind: "rep" (a counted rep finished; ``rep`` set), "attempt" (an uncounted attempt),
    "fault" (live form fault; ``fault`` set), "warning" (e.g. "two people", "step back").
    """

    kind: str
    time_s: float
    rep: Rep | None = None
    fault: Fault | None = None
    message: str = ""


@dataclass(frozen=True)
class ExerciseState:
    """Read-only snapshot for the HUD."""

    reps: int = 0
    phase: str = "waiting"  # exercise-specific, e.g. "seated", "rising", "standing", "sitting"
    progress: float = 0.0  # 0..1 along the movement (for the phase bar)
    key_angle_name: str = ""
    key_angle_deg: float | None = None  # the key measure's value (degrees, cm, % of foot: see key_unit)
    key_unit: str = "deg"
    active_faults: tuple[str, ...] = ()
    view: str = "unknown"  # "side" / "front" / "unknown"
    message: str = ""
    count_label: str = "reps"  # what ``reps`` counts ("holds" for the timed balance holds)


class Exercise(Protocol):
    """Interface of an exercise state machine (``exercises.engine.RepExercise`` for repetitions,
    ``exercises.holds.HoldExercise`` for timed holds); callers ask it, never probe it."""

    name: str
    spec: ExerciseSpec  # what it counts and with which thresholds
    params: Params  # the thresholds it runs with (the spec's defaults and the physio's overrides)
    warnings: list[str]  # what ``finish`` found wrong with the input, in plain words
    balance_events: Sequence[BalanceEvent]  # losses of balance with their moment (holds); none for repetitions

    def update(self, pose: PoseFrame) -> list[Event]:
        """Feed one (smoothed) pose; return what happened at this moment."""

    def finish(self, time_s: float) -> list[Event]:
        """End of input: close any rep in progress (counted only if it met the criteria)."""

    @property
    def state(self) -> ExerciseState: ...

    @property
    def reps(self) -> list[Rep]:
        """Every rep and uncounted attempt so far, in time order."""

    def second_pass(self, poses: Sequence[PoseFrame]) -> Exercise:
        """File mode: a fresh machine of the same exercise, run again over the same (smoothed)
        poses with what the whole recording taught it (a rep exercise: the person's own levels)."""
