"""Live coaching of balance holds (standing on one leg, tandem stance): the running hold time, the
best so far and the target, and plain-words cues when a hold ends.

``exercises.holds`` does the judging (when a hold starts and breaks, and why, and balance losses);
this only turns its events and its running time (``state.key_angle_deg`` while holding) into what
the patient sees and hears. A set of a hold exercise is a number of holds (``SetPlan.reps``); the
session counts each finished hold like a rep. The loss-of-balance response (end the set, pause,
"Stop. Hold on to your support.") is the session's, so it sits with its other safety rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from exercises.base import ExerciseState, Rep
from exercises.registry import get_spec

from coach.live.cues import ANNOUNCE, COACH, PRAISE, Cue

DEFAULT_TARGET_S = 30.0  # the programme item's hold_s when it has none (a common home target)
BALANCE_LOSS_CUE = "Stop. Hold on to your support."
SHORT_HOLD_S = 1.0  # a hold shorter than this was a wobble: no "new best" praise for it
# The break cue waits this long: a sudden step is seen up to ~0.6 s after the hold ends, and then
# "Stop. Hold on to your support." must be the only thing said, not "rest, then try again".
BREAK_CUE_DELAY_S = 0.6

# Why a hold ended (exercises.holds reasons) in words a patient understands (each hold's own words
# for its position and feet: ``ExerciseSpec.hold_words``).
_REASONS = {
    "trunk tilted too far": "You leaned too far.",
    "lost sight of you": "I lost sight of you.",
    "drop": "You dropped down.",
}


def break_words(exercise: str, why: str) -> str:
    """The first words of the break cue: what happened, plainly."""
    words = get_spec(exercise).hold_words
    if why == "position left":
        return words.position_left
    if why.endswith("foot moved"):
        return words.feet_moved
    return _REASONS.get(why, "Hold over.")


def seconds_words(s: float) -> str:
    n = int(s)  # whole seconds held: never round a hold up to a target not reached
    return f"{n} second{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class HoldStatus:
    """What the screen shows of a hold exercise at one frame."""

    holding: bool
    shown_s: float  # the running hold while holding, else the last hold (the clock stopped)
    best_s: float  # best hold this session
    target_s: float
    holds_done: int  # finished holds this session
    reached: bool  # the shown hold reached the target

    @property
    def progress(self) -> float:
        return min(self.shown_s / self.target_s, 1.0) if self.target_s > 0 else 0.0


@dataclass
class HoldCoach:
    exercise: str
    target_s: float = DEFAULT_TARGET_S
    holds: list[Rep] = field(default_factory=list, init=False)
    _running_s: float | None = field(default=None, init=False)
    _told_target: bool = field(default=False, init=False)
    _waiting: list[Cue] = field(default_factory=list, init=False)  # break cues not yet due

    def __post_init__(self) -> None:
        if not self.target_s > 0:
            raise ValueError(f"a hold target must be positive, got {self.target_s!r} s")

    @property
    def best_s(self) -> float:
        return max((h.metrics.get("hold_s", 0.0) for h in self.holds), default=0.0)

    def on_frame(self, t: float, state: ExerciseState, counting: bool) -> list[Cue]:
        """Follow the running hold; tell the patient once when it reaches the target."""
        due = [c for c in self._waiting if t - c.time_s >= BREAK_CUE_DELAY_S - 1e-9]
        self._waiting = [c for c in self._waiting if c not in due]
        due = [Cue(c.text, c.kind, t) for c in due]
        self._running_s = state.key_angle_deg if state.key_angle_name == "hold_s" else None
        if self._running_s is None:
            self._told_target = False
            return due
        if counting and not self._told_target and self._running_s >= self.target_s:
            self._told_target = True
            rest = get_spec(self.exercise).hold_words.rest
            return [Cue(f"{seconds_words(self.target_s)}. Well done! {rest}", PRAISE, t)]
        return due

    def cancel_waiting(self) -> None:
        """A balance loss: the break cue it would have followed is not said."""
        self._waiting = []

    def on_hold(self, t: float, rep: Rep) -> None:
        """A hold ended (inside a set): say why, how long, and what to do next (after
        ``BREAK_CUE_DELAY_S``, through ``on_frame``)."""
        self._waiting += self._break_cue(t, rep)

    def _break_cue(self, t: float, rep: Rep) -> list[Cue]:
        held = rep.metrics.get("hold_s", 0.0)
        best_before = self.best_s
        self.holds.append(rep)
        self._running_s = None
        if rep.reason == "drop":
            return []  # the balance-loss response speaks for it
        if held >= self.target_s:
            return [Cue(f"Held {seconds_words(held)}. Rest now.", ANNOUNCE, t)]
        words = f"{break_words(self.exercise, rep.reason)} {seconds_words(held)}."
        if held >= SHORT_HOLD_S and held > best_before and best_before > 0:
            words += " Your best yet!"
        return [Cue(f"{words} Rest, then try again.", COACH, t)]

    def status(self) -> HoldStatus:
        holding = self._running_s is not None
        last = self.holds[-1].metrics.get("hold_s", 0.0) if self.holds else 0.0
        shown = self._running_s if holding else last
        return HoldStatus(holding, float(shown), float(max(self.best_s, shown if holding else 0.0)),
                          self.target_s, len(self.holds), shown >= self.target_s)
