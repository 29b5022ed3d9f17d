"""Head turns for gaze stabilisation (vestibular rehab): turning the head left and right, or
nodding up and down, any view that sees the face and shoulders, seated or standing.

The head's yaw is the angle, about the vertical, between the ear-to-ear line and the
shoulder line, from the world landmarks (metres, 3D: it reads the same from the front and from an
oblique camera, and a trunk that turns along does not count as a head turn); its sign says the
side (positive: toward the person's left). Its pitch is the angle of the ears-to-nose line above
the horizontal (positive: chin up); a yaw turn leaves it unchanged, since the nose turns about
the vertical. Each turn to one side (left, right, up, down) and back to the middle is one rep of
that direction (``rep.side``), counted like every other exercise relative to this person's own
range (``exercises.counting``: their own middle and their own usual turn); the rep's metric
``range_deg`` is the peak angle from their own middle. A turn short of ``target_deg`` is still a
rep (the person's own range decides) and gets ``short_range``.

CLINICAL.md has no values for head-turn range or pace; the thresholds are screening defaults.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.calibration import QuietWindow, RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, RepContext, RepExercise, Sample
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param

FACE = (L.LEFT_EAR, L.RIGHT_EAR, L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)


@dataclass(frozen=True)
class HeadTurnParams(Params):
    """CLINICAL.md has no values for head turns; screening defaults."""

    target_deg: float = param(30.0, "deg", "a turn of 30 deg or more to each side; less is labelled short_range "
                              "(still counted when it is this person's usual turn)")


def head_pitch_deg(pose: PoseFrame) -> float:
    """Head pitch (deg; + chin up): the ears-to-nose line above the horizontal, world landmarks."""
    if pose.world is None:
        return float("nan")
    w = pose.world
    v = w[int(L.NOSE)] - (w[int(L.LEFT_EAR)] + w[int(L.RIGHT_EAR)]) / 2
    horizontal = float(np.hypot(v[0], v[2]))
    if not horizontal > 1e-6:
        return float("nan")
    return float(np.degrees(np.arctan2(-v[1], horizontal)))  # world y points down


def head_yaw_deg(pose: PoseFrame) -> float:
    """Head yaw relative to the shoulders (deg; + toward the person's left), world landmarks."""
    if pose.world is None:
        return float("nan")
    w = pose.world
    ears = w[int(L.LEFT_EAR)] - w[int(L.RIGHT_EAR)]
    shoulders = w[int(L.LEFT_SHOULDER)] - w[int(L.RIGHT_SHOULDER)]
    a = np.array([ears[0], ears[2]])
    b = np.array([shoulders[0], shoulders[2]])
    if not (np.linalg.norm(a) > 1e-6 and np.linalg.norm(b) > 1e-6):
        return float("nan")
    # MediaPipe world: x right, y down, z away from the camera; seen from above, turning toward the
    # person's left turns the ear line (right ear -> left ear) that way from the shoulder line.
    cross = b[0] * a[1] - b[1] * a[0]
    return float(np.degrees(np.arctan2(cross, float(np.dot(a, b)))))


DIRECTIONS = ("left", "right", "up", "down")


class HeadTurn(RepExercise):
    phase_names = {WAITING: "waiting", REST: "facing ahead", OUT: "turning", TARGET: "turned", BACK: "turning back"}
    side_names = DIRECTIONS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.middle = RestBaseline(tau_s=4.0)  # this person's "straight ahead" (yaw), learned when still
        self.level = RestBaseline(tau_s=4.0)  # ... and their usual head carriage (pitch)
        self.quiet = QuietWindow(window_s=0.4, tolerance=2.0)
        self.quiet_pitch = QuietWindow(window_s=0.4, tolerance=2.0)
        self._quiet = False

    def landmark_sets(self):
        return [FACE]

    def measure(self, pose: PoseFrame, view: str):
        yaw, pitch = head_yaw_deg(pose), head_pitch_deg(pose)
        values = {"yaw_deg": yaw, "pitch_deg": pitch}
        if not np.isfinite(yaw):
            return float("nan"), values
        mid = self.middle.value(0.0)
        values["turn_deg"] = yaw - mid
        values["left_deg"] = max(yaw - mid, 0.0)
        values["right_deg"] = max(mid - yaw, 0.0)
        nod = 0.0
        if np.isfinite(pitch):
            level = self.level.value(pitch)
            values["up_deg"] = max(pitch - level, 0.0)
            values["down_deg"] = max(level - pitch, 0.0)
            nod = abs(pitch - level)
        return max(abs(yaw - mid), nod) / self.params.target_deg, values

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {d: values[f"{d}_deg"] for d in DIRECTIONS if f"{d}_deg" in values}

    def settled(self, sample: Sample) -> bool:
        still_yaw = self.quiet.update(sample.t, sample.values["yaw_deg"])
        pitch = sample.values.get("pitch_deg", float("nan"))
        still_pitch = self.quiet_pitch.update(sample.t, pitch) if np.isfinite(pitch) else True
        self._quiet = still_yaw and still_pitch
        return self._quiet and sample.progress < self.config.start

    def after_sample(self, sample: Sample, phase: str) -> None:
        if self._quiet and phase in (WAITING, REST) and sample.progress < self.config.start:
            self.middle.update(sample.t, sample.values["yaw_deg"])
            if np.isfinite(sample.values.get("pitch_deg", float("nan"))):
                self.level.update(sample.t, sample.values["pitch_deg"])

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        m: dict[str, float] = {}
        for s in DIRECTIONS:
            t, v = ctx.extreme(f"{s}_deg", "max")
            if np.isfinite(v) and v > 0:
                m[f"{s}_range_deg"] = v
        m["range_deg"] = max(m.values(), default=float("nan"))
        m["duration_s"] = ctx.end_s - ctx.start_s
        return m


SPEC = ExerciseSpec(
    name="head-turn", label="Head turns", machine=HeadTurn, params=HeadTurnParams,
    # Yaw from the own middle, per side. Under 10 deg is a glance or landmark jitter; a usual turn
    # is ~45 deg.
    scale=SignalScale("deg", min_range=10.0, expected_range=45.0),
    phases=replace(RELATIVE_PHASES, start=0.25, rest=0.2, attempt_min=0.25),
    count_on="end", incomplete_fault="short_range", faults=("short_range",),
    setup=SetupNeeds(("head", "trunk"), "front", min_height_share=0.2,
                     reminders=("Sit down for this one if turning your head makes you dizzy.",)),
    equipment="A target on the wall at eye level (a sticky note) to keep your eyes on",
    variants=("seated, slow", "seated, faster", "seated, up and down", "standing", "standing, feet together"),
    default_variant="seated, slow",
    synth_script="head_turn", sided=True, limb="head turn", key_measure="turn_deg", key_unit="deg", rep_noun=("head turn", "head turns"))
