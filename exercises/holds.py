"""Timed holds (balance exercises): the engine's counterpart of ``RepExercise`` for positions
that are held, not repeated.

A hold is timed only while the posture is right (the subclass says what that is: a foot off the
floor, the feet in tandem), the feet that carry the body stay where they were put and the trunk
stays within its limit. The time stops when any of these breaks; the attempt is then closed with
its metrics: hold time, sway (hip and shoulder midpoint path in cm in the camera's image plane,
and the hip's mean speed), which leg, and how it ended. A loss of balance is an event of its own
(``Event("balance_loss")``) that the session and the physio see:

- ``step``: within ``step_max_s`` of the end of a hold a foot lands at least ``step_away_shank``
  from where it was (a sudden step); a controlled end puts the foot back, or takes longer.
  After a step or a drop no new hold starts until the person has stood still on both feet;
- ``drop``: the hips fall by ``drop_shank`` within ``drop_window_s`` (a fall-like drop); the hold
  ends where the hips began to fall.

Everything is in the person's own units (shank lengths from the image, seconds), so distance to
the camera does not matter; centimetres come from the calibrated shank (``BodyCalibration``).
The same ``update(pose) -> events`` / ``finish`` / ``state`` / ``reps`` interface as the rep
exercises: each hold is one ``Rep`` whose metrics carry the hold's numbers. CLINICAL.md gives no
norms for balance holds; the thresholds are screening defaults with their reasons in ``Params``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from coach.pose.frame import PoseFrame
from coach.views import ViewTracker
from exercises.base import Event, ExerciseState, Rep
from exercises.calibration import BodyCalibration
from exercises.counting import MAX_HOLE_S
from exercises.drops import FastDrop
from exercises.hold_reading import SIDES, HoldReader, Reading
from exercises.notices import ProblemNotices, replay
from exercises.spec import Params, param

if TYPE_CHECKING:
    from exercises.spec import ExerciseSpec

# How the feet, their floor and their speed are read: ``exercises.hold_reading``. The numbers that
# start, end or break a hold or report a loss of balance are ``HoldParams`` fields, except how long a
# hold survives unseen (MAX_GAP_S, FRAME_HOLE_S: the browser tests read them; still to move).
ARRIVED_SHANK = 0.05  # ~2 cm: a foot this close to where it came to rest has arrived
MAX_GAP_S = 0.5  # frames without the person: a hold survives this long; longer closes it where last seen
# No frames at all (a busy computer, a camera stall): the person was not seen to stop, so a hold
# survives as long a hole as the rep counters bridge (exercises.counting).
FRAME_HOLE_S = MAX_HOLE_S


@dataclass(frozen=True)
class HoldParams(Params):
    """Shared by every hold. CLINICAL.md has no norms for balance holds: screening defaults."""

    foot_move_shank: float = param(0.12, "shank lengths", "a foot that carries the body moved ~5 cm from where "
                                   "the hold began: the position is no longer the same", bounds=(0.03, 1))
    trunk_limit_deg: float = param(30.0, "deg from vertical", "trunk tilted this far (image plane): a hip strategy "
                                   "near losing balance, the hold is over", bounds=(5, 80))
    step_away_shank: float = param(0.35, "shank lengths", "a foot landing ~15 cm or more from where it was ...", bounds=(0.1, 2))
    step_max_s: float = param(0.4, "s", "... within 0.4 s of the hold's end is a sudden step (a catch step lands "
                              "in ~0.3 s), not a controlled end (putting a foot down on purpose takes 0.6-1 s)", bounds=(0.1, 2))
    drop_shank: float = param(0.5, "shank lengths", "hips ~20 cm lower ...", bounds=(0.2, 2))
    drop_window_s: float = param(1.0, "s", "... within 1 s: a fall-like drop (sitting down on purpose is slower "
                                 "and starts from a stand, not a hold)", bounds=(0.2, 3))
    drop_onset_shank: float = param(0.025, "shank lengths", "where a drop began: the hips first ~1 cm under their level", bounds=(0.005, 0.2))
    step_seen_within_s: float = param(1.0, "s", "a sudden step's landing is looked for this long after step_max_s "
                                      "(stillness takes a moment to show)", bounds=(0.2, 3.0))
    drop_repeat_s: float = param(3.0, "s", "one fall is one balance loss: no second drop is looked for this long "
                                 "after one", bounds=(0.5, 10.0))
    step_landed_shank: float = param(0.1, "shank lengths", "a foot under ~4 cm above its floor level (and still) has "
                                     "landed, for a sudden step: a foot put down further from the camera reads a little "
                                     "up by perspective", bounds=(0.02, 0.6))
    confirm_s: float = param(0.1, "s", "a posture must last this long to start or end a hold (one odd frame does not)", bounds=(0, 2))
    still_speed_shank_s: float = param(0.3, "shank lengths/s", "a foot moving slower than ~12 cm/s is still (placed)", bounds=(0.05, 2))


@dataclass(frozen=True)
class BalanceEvent:
    kind: str  # "step" or "drop"
    time_s: float
    detail: str


@dataclass
class _Attempt:
    start_s: float
    leg: str
    feet: dict[str, np.ndarray]  # where the feet were at the start (px)
    free_from: dict[str, np.ndarray]  # where a lifted foot took off (px)
    readings: list[Reading] = field(default_factory=list)


class HoldExercise:
    """Base of the timed holds; subclasses define the posture (``posture_ok``) and which feet
    carry the body (``planted``)."""

    phase_names = {"waiting": "get into position", "holding": "holding", "broken": "rest"}
    position = "the hold position"  # in words, for "never saw ..." (subclasses say which)

    def __init__(self, spec: "ExerciseSpec", side: str = "auto", params: Params | None = None, levels=None) -> None:
        if side not in ("auto", "left", "right", "both"):
            raise ValueError(f"side must be auto, left, right or both, got {side!r}")
        self.spec = spec
        self.name = spec.name
        self.side = side
        self.params = params if params is not None else spec.params()
        self.key_angle_name = spec.key_measure
        self.sided, self.limb, self.count_on = spec.sided, spec.limb, spec.count_on
        self.calibration = BodyCalibration()
        self.views = ViewTracker()
        self.warnings: list[str] = []
        self.balance_events: list[BalanceEvent] = []
        self._reps: list[Rep] = []
        self._reader = HoldReader()
        self._history = self._reader.history  # the last seconds of readings, for backdating
        self._attempt: _Attempt | None = None
        self._pending: tuple[float, str] | None = None  # (since, "start"/why-break)
        self._armed = True  # a new hold starts only after the posture was left
        self._watch_step: tuple[float, dict[str, np.ndarray], str] | None = None  # (end, feet, leg)
        self._last_drop = -1e9
        self._drops = FastDrop(self.params.drop_window_s, self.params.drop_shank)  # hip height, px up
        self._settle_after_loss = False  # after a balance loss: no new hold before standing still again
        self._last_t = 0.0
        self._phase = "waiting"
        self._message = ""
        self._notices = ProblemNotices()
        self._seen_person = False
        self._posture_seen = False

    # ---- hooks -------------------------------------------------------------------------
    def posture_ok(self, r: Reading) -> tuple[bool, str]:
        """(posture right, the leg it is about); subclasses."""
        raise NotImplementedError

    def planted(self, leg: str) -> tuple[str, ...]:
        """The feet that carry the body during a hold about ``leg`` (they must stay put)."""
        return SIDES

    def start_time(self, leg: str, since: float) -> float:
        """When the hold began, given the posture has been right since ``since``."""
        return since

    def end_time(self, attempt: _Attempt, broke_at: float) -> float:
        """When the hold ended, given it was first seen broken at ``broke_at``."""
        return broke_at

    def ended_before_the_recording(self, attempt: _Attempt) -> float | None:
        """At the end of a recording with a hold still open: when the hold had already ended, if
        the last frames show it ending (the recording stopped before that was confirmed); None
        when it was still held."""
        return None

    # ---- driving -----------------------------------------------------------------------
    def update(self, pose: PoseFrame) -> list[Event]:
        t = pose.timestamp_s
        events: list[Event] = []
        gap = t - self._last_t
        self._last_t = t
        r = self._read(pose)
        if r is None:
            self._message = ("Step back so the camera can see you from head to feet" if pose.has_person
                             else "No one in view")
            warning = self._notices.note(t, self._message)
            if warning:
                events.append(Event("warning", t, message=warning))
            if self._attempt is not None and self._attempt.readings and t - self._attempt.readings[-1].t > MAX_GAP_S:
                events += self._close(self._attempt.readings[-1].t, "lost sight of you")
            return events
        self._message = ""
        self._notices.note(t, None)
        self._seen_person = True
        if self._attempt is not None and gap > FRAME_HOLE_S and self._attempt.readings:
            events += self._close(self._attempt.readings[-1].t, "lost sight of you")
        events += self._check_drop(r)
        ok, leg = self.posture_ok(r)
        self._posture_seen |= ok
        if self._attempt is None:
            if not ok:
                self._armed = True
                self._pending = None
            elif self._armed and not self._settle_after_loss:
                since = self._pending[0] if self._pending and self._pending[1] == "start" else t
                self._pending = (since, "start")
                if t - since >= self.params.confirm_s - 1e-9:
                    events += self._open(leg, since)
            events += self._check_step(r)
            return events
        a = self._attempt
        a.readings.append(r)
        why = self._broken(r, ok)
        if why is None:
            self._pending = None
            return events
        since = self._pending[0] if self._pending and self._pending[1] != "start" else t
        self._pending = (since, why)
        if t - since >= self.params.confirm_s - 1e-9:
            events += self._close(self.end_time(a, since), why)
        return events

    def finish(self, time_s: float) -> list[Event]:
        events = []
        if self._attempt is not None:
            ended = self.ended_before_the_recording(self._attempt)
            if ended is not None:
                events += self._close(ended, "position left")
            else:
                last = self._attempt.readings[-1].t if self._attempt.readings else time_s
                events += self._close(last, "the recording ended")
        self.warnings = self.diagnosis()
        return events + [Event("warning", time_s, message=w) for w in self.warnings]

    def diagnosis(self) -> list[str]:
        """Never a silent zero: why no hold was timed, in plain words."""
        if self._reps:
            return []
        if not self._seen_person:
            return ["No one was seen from head to feet: no hold could be timed"]
        if not self._posture_seen:
            return [f"You were seen, but never in {self.position}: no hold was timed"]
        return [f"{self.position.capitalize()} was seen only for moments (under "
                f"{self.params.confirm_s:g} s): no hold was timed"]

    def second_pass(self, poses) -> "HoldExercise":
        """File mode: holds need no levels learned from the whole recording; the same pass again."""
        return replay(type(self)(self.spec, side=self.side, params=self.params), poses, self._last_t)

    # ---- internals ---------------------------------------------------------------------
    def _read(self, pose: PoseFrame) -> Reading | None:
        if not self._reader.usable(pose):
            return None
        self.calibration.observe(pose)
        r, settled = self._reader.read(pose, self.views.update(pose), holding=self._attempt is not None)
        if r is None:
            return None
        if settled:
            self._settle_after_loss = False  # stood still on both feet: a new hold may start
        self._drops.add(r.t, -float(r.hip[1]))  # image y grows downwards
        return r

    def _open(self, leg: str, since: float) -> list[Event]:
        start = self.start_time(leg, since)
        at_start = next((h for h in self._history if h.t >= start - 1e-9), self._history[-1])
        before = [h for h in self._history if h.t < start - 1e-9]
        free_from = {s: (before[-1] if before else at_start).ankle[s].copy() for s in SIDES}
        self._attempt = _Attempt(start, leg, {s: at_start.ankle[s].copy() for s in self.planted(leg)}, free_from,
                                 [h for h in self._history if h.t >= start - 1e-9])
        self._phase, self._pending, self._armed = "holding", None, False
        self._watch_step = None
        return [Event("hold_start", start, message=f"Hold ({leg})")]

    def _broken(self, r: Reading, ok: bool) -> str | None:
        a = self._attempt
        if not ok:
            return "position left"
        for s, where in a.feet.items():
            if np.linalg.norm(r.ankle[s] - where) / r.shank_px > self.params.foot_move_shank:
                return f"{s} foot moved"
        if np.isfinite(r.trunk_deg) and r.trunk_deg > self.params.trunk_limit_deg:
            return "trunk tilted too far"
        return None

    def _close(self, end_s: float, why: str) -> list[Event]:
        a = self._attempt
        self._attempt, self._pending = None, None
        self._phase = "broken"
        end_s = max(end_s, a.start_s)
        inside = [r for r in a.readings if a.start_s - 1e-9 <= r.t <= end_s + 1e-9]
        metrics = {"hold_s": end_s - a.start_s, **self._sway(inside)}
        rep = Rep(index=len(self._reps) + 1, start_s=round(a.start_s, 3), end_s=round(end_s, 3), counted=True,
                  metrics={k: round(float(v), 3) for k, v in metrics.items() if np.isfinite(v)}, side=a.leg,
                  view=self.views.view, reason=why)
        self._reps.append(rep)
        if why not in ("the recording ended", "lost sight of you", "drop"):
            feet = {**a.free_from, **a.feet}
            self._watch_step = (end_s, feet, a.leg)
        return [Event("hold", end_s, rep=rep, message=f"Held {rep.metrics.get('hold_s', 0):.1f} s ({why})")]

    def _sway(self, readings: list[Reading]) -> dict[str, float]:
        if len(readings) < 2:
            return {"sway_hip_cm": float("nan"), "sway_shoulder_cm": float("nan"), "sway_speed_cm_s": float("nan")}
        cm_per_px = self.calibration.length_m("shank") * 100.0 / readings[-1].shank_px
        out = {}
        for name in ("hip", "shoulder"):
            xy = np.array([getattr(r, name) for r in readings])
            out[f"sway_{name}_cm"] = float(np.sum(np.linalg.norm(np.diff(xy, axis=0), axis=1))) * cm_per_px
        span = readings[-1].t - readings[0].t
        out["sway_speed_cm_s"] = out["sway_hip_cm"] / span if span > 0 else float("nan")
        return out

    def _check_step(self, r: Reading) -> list[Event]:
        """After a hold: a foot landing far from where it was, soon after the end, is a sudden step.
        Landing is dated where the foot arrived (within ``ARRIVED_SHANK`` of where it stands), so a
        landing seen late (stillness takes a moment to show) still belongs to the hold's end."""
        if self._watch_step is None:
            return []
        end_s, feet, leg = self._watch_step
        if r.t - end_s > self.params.step_max_s + self.params.step_seen_within_s:
            self._watch_step = None
            return []
        for s, where in feet.items():
            away = float(np.linalg.norm(r.ankle[s] - where)) / r.shank_px
            # Down: still, and not clearly up (a foot put down further from the camera reads a
            # little up by perspective).
            landed = r.lift[s] < self.params.step_landed_shank and r.speed[s] < self.params.still_speed_shank_s
            if not (landed and away >= self.params.step_away_shank):
                continue
            since = r.t  # arrival: the first moment the foot was within ~2 cm of where it landed
            for h in reversed(self._history):
                if np.linalg.norm(h.ankle[s] - r.ankle[s]) / r.shank_px > ARRIVED_SHANK:
                    break
                since = h.t
            landing = max(since, end_s)
            if landing - end_s <= self.params.step_max_s:
                self._watch_step = None
                return self._balance_loss("step", landing, f"{s} foot stepped {away:.1f} shank lengths away")
        return []

    def _check_drop(self, r: Reading) -> list[Event]:
        if r.t - self._last_drop < self.params.drop_repeat_s:
            return []
        drop = self._drops.check(scale=r.shank_px)  # the hips fell drop_shank within drop_window_s
        if drop is None:
            return []
        top_y = -drop.top  # the highest hips in the window (image y down)
        after = [h for h in self._history if h.t >= drop.top_t]
        onset = next((h.t for h in after if (h.hip[1] - top_y) / r.shank_px > self.params.drop_onset_shank), drop.top_t)
        onset = max([h.t for h in after if h.t < onset], default=onset)  # the last frame still at the level
        self._last_drop = r.t
        events = []
        if self._attempt is not None:
            events += self._close(onset, "drop")
        return events + self._balance_loss("drop", onset, f"hips fell {(r.hip[1] - top_y) / r.shank_px:.1f} "
                                                          f"shank lengths within {r.t - drop.top_t:.1f} s")

    def _balance_loss(self, kind: str, t: float, detail: str) -> list[Event]:
        self.balance_events.append(BalanceEvent(kind, round(t, 3), detail))
        self._settle_after_loss = True
        self._reader.restart_stillness()
        words = {"step": "You stepped to catch your balance", "drop": "You dropped suddenly"}[kind]
        return [Event("balance_loss", t, message=f"{words}. Stop and hold on to your support; tell your physio.")]

    # ---- read-only views ---------------------------------------------------------------
    @property
    def reps(self) -> list[Rep]:
        return list(self._reps)

    @property
    def holds(self) -> list[Rep]:
        return list(self._reps)

    @property
    def state(self) -> ExerciseState:
        held = (self._last_t - self._attempt.start_s) if self._attempt is not None else None
        return ExerciseState(reps=len(self._reps), phase=self.phase_names[self._phase],
                             progress=0.0 if held is None else min(held / 30.0, 1.0),
                             key_angle_name="hold_s", key_angle_deg=held, key_unit="s", view=self.views.view,
                             message=self._message, count_label="holds")


def hold_summary(holds: list[Rep]) -> dict[str, float]:
    """Best and total hold time and the number of holds (the physio's per-set numbers)."""
    times = [h.metrics.get("hold_s", 0.0) for h in holds]
    return {"holds": len(times), "best_s": max(times, default=0.0), "total_s": round(sum(times), 3)}
