"""Sets, rests and pauses as a small time-driven state machine.

SETUP (until the set-up check passes) -> COUNTDOWN -> ACTIVE (reps count) -> REST -> SETUP ...
-> DONE. PAUSED can interrupt any phase (person out of view, possible fall, camera lost) and
returns to where it was; reps only count while ACTIVE. Every transition is returned as a
``SetEvent`` so cues, the HUD and the store react to the same facts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

SETUP, COUNTDOWN, ACTIVE, PAUSED, REST, DONE = "setup", "countdown", "active", "paused", "rest", "done"


@dataclass(frozen=True)
class SetPlan:
    sets: int = 2
    reps: int = 10  # target reps per set
    rest_s: float = 60.0
    countdown_s: int = 3
    skip_countdown: bool = False  # automation: reps count from the first frame
    setup_gate: bool = True  # a set starts only once the set-up check passes

    def __post_init__(self) -> None:
        if self.sets < 1 or self.reps < 1:
            raise ValueError("--sets and --reps must be at least 1")
        if self.rest_s < 0 or self.countdown_s < 0:
            raise ValueError("--rest must not be negative")


@dataclass(frozen=True)
class SetEvent:
    kind: str  # "set_started", "countdown", "set_done", "rest_over", "all_done", "paused", "resumed"
    time_s: float
    set_no: int
    value: int | float = 0  # countdown number, reps done, or rest seconds
    detail: str = ""


@dataclass
class SetResult:
    set_no: int
    target: int
    reps: int = 0
    started_s: float = 0.0
    ended_s: float | None = None
    fatigue: str = ""  # fatigue suggestion made during the set, if any, in words
    fatigue_evidence: dict = field(default_factory=dict)  # its evidence: exercises.fatigue.FatigueFinding.evidence
    ended_by: str = ""  # "balance_loss" when a loss of balance stopped it
    holds: dict = field(default_factory=dict)  # hold exercises: exercises.holds.hold_summary
    pacing: dict = field(default_factory=dict)  # with a metronome: exercises.pacing.PacingResult.to_dict

    def to_dict(self) -> dict:
        d = {"set": self.set_no, "reps": self.reps, "target": self.target,
             "started_s": round(self.started_s, 3),
             "ended_s": None if self.ended_s is None else round(self.ended_s, 3),
             "fatigue": self.fatigue}
        d.update({k: v for k, v in (("ended_by", self.ended_by), ("holds", self.holds), ("pacing", self.pacing),
                                    ("fatigue_evidence", self.fatigue_evidence)) if v})
        return d


@dataclass
class SetController:
    plan: SetPlan
    phase: str = field(default="", init=False)
    phase_since_s: float = field(default=0.0, init=False)
    set_no: int = field(default=1, init=False)
    results: list[SetResult] = field(default_factory=list, init=False)
    pause_reason: str = field(default="", init=False)
    _paused_from: str = field(default="", init=False)
    _paused_from_since_s: float = field(default=0.0, init=False)
    _last_count: int = field(default=-1, init=False)

    @property
    def current(self) -> SetResult | None:
        return self.results[-1] if self.results and self.results[-1].set_no == self.set_no else None

    @property
    def set_reps(self) -> int:
        return self.current.reps if self.current else 0

    @property
    def counting(self) -> bool:
        return self.phase == ACTIVE

    @property
    def plan_completed(self) -> bool:
        """Every planned set was done to its target: only then is a session "complete". Ending the
        last set early ("rest now") or stopping leaves it unfinished, whatever the phase says."""
        done = [r for r in self.results if r.ended_s is not None]
        return len(done) >= self.plan.sets and all(r.reps >= r.target for r in done[:self.plan.sets])

    def time_left_s(self, t: float) -> float:
        """Seconds left in the rest or countdown (0 in other phases)."""
        if self.phase == REST:
            return max(0.0, self.plan.rest_s - (t - self.phase_since_s))
        if self.phase == COUNTDOWN:
            return max(0.0, self.plan.countdown_s - (t - self.phase_since_s))
        return 0.0

    def tick(self, t: float, setup_ok: bool) -> list[SetEvent]:
        """Advance with time; ``setup_ok`` is the latest set-up check outcome."""
        if not self.phase:
            return self._enter_setup(t)
        if self.phase == SETUP and (setup_ok or not self.plan.setup_gate):
            return self._after_setup(t)
        if self.phase == COUNTDOWN:
            left = math.ceil(self.time_left_s(t))
            if left <= 0:
                return self._start_set(t)
            if left != self._last_count:
                self._last_count = left
                return [SetEvent("countdown", t, self.set_no, left)]
        if self.phase == REST and self.time_left_s(t) <= 0:
            return [SetEvent("rest_over", t, self.set_no), *self._next_set(t)]
        return []

    def skip(self, t: float) -> list[SetEvent]:
        """The patient (or physio) pressed "go": past the set-up check to the countdown, start
        at once from the countdown, end the rest early, or carry on after a pause."""
        if self.phase == SETUP:
            return self._after_setup(t)
        if self.phase == COUNTDOWN:
            return self._start_set(t)
        if self.phase == REST:
            return [SetEvent("rest_over", t, self.set_no), *self._next_set(t)]
        if self.phase == PAUSED:
            return self.resume(t, self.pause_reason)
        return []

    def on_rep(self, t: float) -> list[SetEvent]:
        """A counted rep happened; returns set_done (and rest or all_done) at the target."""
        if not self.counting or self.current is None:
            return []
        self.current.reps += 1
        if self.current.reps >= self.plan.reps:
            return self.end_set(t)
        return []

    def end_set(self, t: float) -> list[SetEvent]:
        """Finish the current set now (target reached, or the patient chose to rest early)."""
        if self.phase not in (ACTIVE, PAUSED) or self.current is None:
            return []
        self.current.ended_s = t
        early = "ended_early" if self.current.reps < self.current.target else ""
        events = [SetEvent("set_done", t, self.set_no, self.current.reps, detail=early)]
        if self.set_no >= self.plan.sets:
            self._enter(DONE, t)
            return events + [SetEvent("all_done", t, self.set_no, sum(r.reps for r in self.results))]
        self._enter(REST, t)
        return events + [SetEvent("rest_started", t, self.set_no, self.plan.rest_s)]

    def pause(self, t: float, reason: str) -> list[SetEvent]:
        if self.phase in (DONE, PAUSED, ""):
            return []
        self._paused_from, self._paused_from_since_s, self.pause_reason = self.phase, self.phase_since_s, reason
        self._enter(PAUSED, t)
        return [SetEvent("paused", t, self.set_no, detail=reason)]

    def resume(self, t: float, reason: str) -> list[SetEvent]:
        """Leave a pause caused by ``reason`` (a different reason leaves it paused)."""
        if self.phase != PAUSED or reason != self.pause_reason:
            return []
        back_to = self._paused_from
        self.pause_reason = ""
        self._last_count = -1  # a countdown starts again rather than surprise the patient
        # The rest clock keeps running through a pause; other phases restart their clock.
        self._enter(back_to, self._paused_from_since_s if back_to == REST else t)
        return [SetEvent("resumed", t, self.set_no, detail=reason)]

    def stop(self, t: float) -> None:
        if self.current is not None and self.current.ended_s is None:
            self.current.ended_s = t
        self._enter(DONE, t)

    def _enter(self, phase: str, t: float) -> None:
        self.phase, self.phase_since_s = phase, t

    def _enter_setup(self, t: float) -> list[SetEvent]:
        self._enter(SETUP, t)
        return [] if self.plan.setup_gate else self._after_setup(t)

    def _after_setup(self, t: float) -> list[SetEvent]:
        if self.plan.skip_countdown or self.plan.countdown_s == 0:
            return self._start_set(t)
        self._enter(COUNTDOWN, t)
        self._last_count = -1
        return self.tick(t, True)

    def _start_set(self, t: float) -> list[SetEvent]:
        self._enter(ACTIVE, t)
        self.results.append(SetResult(self.set_no, self.plan.reps, started_s=t))
        return [SetEvent("set_started", t, self.set_no, self.plan.reps)]

    def _next_set(self, t: float) -> list[SetEvent]:
        self.set_no += 1
        return self._enter_setup(t)
