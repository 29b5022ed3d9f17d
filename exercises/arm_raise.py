"""Arm raise: overhead (flexion) or sideways (abduction), standing or seated, left/right/both.

Progress is the upper-arm elevation from hanging, relative to this person's arm at rest and
the target (``target_deg``, default 90 = shoulder height, the least a raise aims at; a physio
can set 150 for overhead). A rep counts at 15 deg short of the target: single-camera shoulder
angles carry about that much error (CLINICAL.md: MediaPipe angle errors of 6-15 deg).
Only shoulders, elbows and wrists are needed, so the legs may be out of frame. The plane
(flexion or abduction) is detected per rep from the world landmarks.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from coach.geometry import trunk_lean_deg
from coach.pose.frame import PoseFrame
from coach.views import FRONT
from exercises import arms
from exercises.calibration import OwnTypical, QuietWindow, RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise, Sample
from exercises.phases import BACK, OUT, REST, TARGET, WAITING, PhaseConfig

TARGET_DEG = 90.0
COUNT_MARGIN_DEG = 15.0
REST_ELEVATION_DEG = 15.0  # arms hanging read 5-25 deg (clothing, camera angle) until measured
ARM_PHASES = PhaseConfig(start=0.3, rest=0.2, target=0.8, target_exit=0.65, attempt_min=0.35,
                         min_rest_s=0.3, min_rep_s=0.5, max_gap_s=0.7, onset_level=0.1,
                         rest_peak_fraction=0.3)  # "arms down" once 70% of the raise is undone
ELBOW_BENT_DEG = 150.0  # straight arms read 165-180; 150 means a clearly bent elbow
TRUNK_LEAN_LIMIT_DEG = 8.0  # trunk tilted this much more than at rest to get the arm up
SHOULDER_HIKE_DROP = 0.25  # ear-to-shoulder distance shrank by a quarter (~4 cm of ~15 cm)
# ... or by clearly more than in this person's own raises: MediaPipe narrows the ear-shoulder gap
# by 0.12-0.19 in every clean abduction (the raised arm covers the shoulder), and a 5 cm hike
# adds ~0.10 on top; 0.06 over their own median (rep-to-rep spread ~0.01) is a hike.
SHOULDER_HIKE_OVER_OWN = 0.06
ASYMMETRY_DEG = 25.0  # left and right peaks differ by more than this (front view)


class ArmRaise(RepExercise):
    name = "arm-raise"
    phase_names = {WAITING: "waiting", REST: "arms down", OUT: "raising", TARGET: "top", BACK: "lowering"}
    key_angle_name = "elevation_deg"
    count_on = "end"
    incomplete_fault = "short_range"
    # Arm elevation is a large, clean signal (jitter ~2 deg of a 60-150 deg range): a narrower
    # rest band lets a raise a quarter of the usual height register as an attempt, with a reason.
    config = replace(RELATIVE_PHASES, start=0.25, rest=0.2, attempt_min=0.25)
    clinical_target = ARM_PHASES.target
    # Upper-arm elevation from hanging, per arm. Under 25 deg is a shrug or a fidget; a raise to
    # shoulder height is ~75 deg from the arm at rest.
    scale = SignalScale("deg", min_range=25.0, expected_range=75.0)
    sided = True
    limb = "arm"

    def __init__(self, side: str = "auto", **options) -> None:
        super().__init__(side, **options)
        self.target_deg = float(options.get("target_deg", TARGET_DEG))
        self.rest = RestBaseline(tau_s=4.0)
        self.quiet = QuietWindow(window_s=0.4, tolerance=6.0)
        self._quiet = False

    def landmark_sets(self):
        return [arms.ARM[s][:2] for s in arms.arm_sides(self.side)]

    def measure(self, pose: PoseFrame, view: str):
        sides = arms.readable_arms(pose, self.side) or list(arms.arm_sides(self.side))
        values: dict[str, float] = {}
        for s in sides:
            plane = arms.raise_plane(pose, s)
            values[f"elev_{s}"] = arms.elevation_deg(pose, s)
            values[f"plane_{s}"] = plane
            values[f"elbow_{s}"] = arms.elbow_deg(pose, s, view, plane)
            values[f"ear_{s}"] = arms.ear_to_shoulder(pose, s)
        elevations = [values[f"elev_{s}"] for s in sides if np.isfinite(values[f"elev_{s}"])]
        if not elevations:
            return float("nan"), values
        # Found side: the arm that rises most; both: their mean (the weaker arm pulls it down).
        values["elevation_deg"] = float(np.max(elevations) if self.side == "auto" else np.mean(elevations))
        values["trunk_deg"] = trunk_lean_deg(pose) if arms.hips_seen(pose) else float("nan")
        rest = self.rest.value(REST_ELEVATION_DEG)
        target = self.target_deg - COUNT_MARGIN_DEG  # progress 0.8 lands here
        span = max((target - rest) / ARM_PHASES.target, 20.0)
        return (values["elevation_deg"] - rest) / span, values

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {s: values[f"elev_{s}"] for s in ("left", "right") if f"elev_{s}" in values}

    def settled(self, sample: Sample) -> bool:
        self._quiet = self.quiet.update(sample.t, sample.values["elevation_deg"])
        return self._quiet and sample.progress < ARM_PHASES.start

    def after_sample(self, sample: Sample, phase: str) -> None:
        if self._quiet and phase in (WAITING, REST) and sample.progress < ARM_PHASES.start:
            self.rest.update(sample.t, sample.values["elevation_deg"])

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        peak_t, peak = ctx.extreme("elevation_deg", "max")
        m: dict[str, float] = {"peak_shoulder_deg": peak}
        peaks = {}
        for s in arms.arm_sides(self.side):
            t, v = ctx.extreme(f"elev_{s}", "max")
            if np.isfinite(v):
                peaks[s] = v
                m[f"peak_{s}_shoulder_deg"] = v
                m[f"{s}_elbow_extension_deg"] = ctx.extreme(f"elbow_{s}", "min", t - 0.3, t + 0.3)[1]
                m[f"{s}_abduction_share"] = ctx.extreme(f"plane_{s}", "max", t - 0.1, t + 0.1)[1]
        if len(peaks) == 2:
            m["shoulder_lr_diff_deg"] = peaks["left"] - peaks["right"]
        elbows = [v for k, v in m.items() if k.endswith("_elbow_extension_deg") and np.isfinite(v)]
        if elbows:
            m["elbow_extension_deg"] = min(elbows)
        return m

    def _run_checks(self, ctx: RepContext, counted: bool, relative_peak: float = 1.0):
        faults, skipped = super()._run_checks(ctx, counted, relative_peak)
        lean = next((f for f in faults if f.code == "trunk_lean"), None)
        if lean is None:
            return faults, skipped
        # A sideways trunk lean is the root cause of two look-alikes in a front view: the arm
        # angles, measured against the image vertical, differ by up to twice the lean although
        # the arms are level relative to the trunk; and the tilted shoulder line brings one
        # shoulder toward its ear. Report the lean alone unless the arms differ by more than
        # the lean explains.
        _, v = ctx.series("trunk_deg")
        lean_deg = float(np.max(np.abs(v - v[0]))) if len(v) >= 2 else 0.0
        diff = abs(ctx.metrics.get("shoulder_lr_diff_deg", 0.0))
        keep = []
        for f in faults:
            if f.code == "shoulder_hike":
                continue
            if f.code == "asymmetry" and diff <= 2 * lean_deg + ASYMMETRY_DEG:
                continue
            keep.append(f)
        return keep, skipped

    def checks(self) -> list[Check]:
        return [
            Check("elbow_bent", self._elbow_bent),
            Check("trunk_lean", self._trunk_lean),
            Check("shoulder_hike", self._shoulder_hike),
            Check("asymmetry", self._asymmetry),
        ]

    def _elbow_bent(self, ctx: RepContext):
        e = ctx.metrics.get("elbow_extension_deg")
        if e is not None and np.isfinite(e) and e < ELBOW_BENT_DEG:
            return ctx.extreme("elevation_deg", "max")[0], f"elbow at {e:.0f} deg at the top"
        return None

    def _trunk_lean(self, ctx: RepContext):
        t, v = ctx.series("trunk_deg")
        if len(v) < 2:
            return None
        d = v - v[0]
        i = int(np.argmax(np.abs(d)))
        if abs(d[i]) > TRUNK_LEAN_LIMIT_DEG:
            return float(t[i]), f"trunk moved {abs(d[i]):.0f} deg"
        return None

    def _shoulder_hike(self, ctx: RepContext):
        if not hasattr(self, "_own_hike"):
            self._own_hike = {s: OwnTypical(SHOULDER_HIKE_OVER_OWN) for s in ("left", "right")}
        found = None
        for s in arms.arm_sides(self.side):
            t, v = ctx.series(f"ear_{s}")
            if len(v) < 2 or not v[0] > 0:
                continue
            drop = 1 - v / v[0]
            i = int(np.argmax(drop))
            own = self._own_hike[s]
            over_own = own.exceeds(float(drop[i]))
            if ctx.reached:
                own.add(float(drop[i]))
            if found is None and (drop[i] > SHOULDER_HIKE_DROP or over_own):
                found = float(t[i]), f"{s} shoulder rose toward the ear ({drop[i]:.0%})"
        return found

    def _asymmetry(self, ctx: RepContext):
        diff = ctx.metrics.get("shoulder_lr_diff_deg")
        if diff is not None and abs(diff) > ASYMMETRY_DEG:
            weak = "left" if diff < 0 else "right"
            return ctx.extreme("elevation_deg", "max")[0], f"{weak} arm {abs(diff):.0f} deg lower"
        return None
