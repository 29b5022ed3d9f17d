"""Arm raise: overhead (flexion) or sideways (abduction), standing or seated, left/right/both.

Progress is the upper-arm elevation from hanging, relative to this person's arm at rest and
the target (``target_deg``, default 90 = shoulder height, the least a raise aims at; a physio
can set 150 for overhead). A rep counts at 15 deg short of the target: single-camera shoulder
angles carry about that much error (CLINICAL.md: MediaPipe angle errors of 6-15 deg).
Only shoulders, elbows and wrists are needed, so the legs may be out of frame. The plane
(flexion or abduction) is detected per rep from the world landmarks.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coach.geometry import trunk_lean_deg
from coach.pose.frame import PoseFrame
from exercises import arms
from exercises.calibration import OwnTypical, QuietWindow, RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise, Sample
from exercises.measures import per_side
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param

REST_ELEVATION_DEG = 15.0  # arms hanging read 5-25 deg (clothing, camera angle) until measured
TARGET_PROGRESS = 0.8  # clinical progress at (target - margin): the scale the overlay shows


@dataclass(frozen=True)
class ArmRaiseParams(Params):
    target_deg: float = param(90.0, "deg", "shoulder height, the least a raise aims at; a physio can set 150 for overhead", bounds=(30, 180))
    count_margin_deg: float = param(
        15.0, "deg", "the target is met 15 deg short of it: single-camera shoulder angles carry about that "
        "much error (CLINICAL.md: MediaPipe angle errors of 6-15 deg); short of it a rep gets short_range", bounds=(0, 45))
    elbow_bent_deg: float = param(150.0, "deg", "straight arms read 165-180; 150 means a clearly bent elbow", bounds=(90, 180))
    trunk_lean_limit_deg: float = param(8.0, "deg", "trunk tilted this much more than at rest to get the arm up", bounds=(2, 45))
    shoulder_hike_drop: float = param(0.25, "share of the ear-shoulder gap", "the gap shrank by a quarter (~4 cm of ~15 cm)", bounds=(0.05, 0.9))
    shoulder_hike_over_own: float = param(
        0.06, "share of the ear-shoulder gap", "... or by this much more than in this person's own raises: MediaPipe "
        "narrows the gap by 0.12-0.19 in every clean abduction, a 5 cm hike adds ~0.10 (rep-to-rep spread ~0.01)", bounds=(0, 0.5))
    asymmetry_deg: float = param(25.0, "deg", "left and right peaks differ by more than this (front view)", bounds=(5, 90))


class ArmRaise(RepExercise):
    phase_names = {WAITING: "waiting", REST: "arms down", OUT: "raising", TARGET: "top", BACK: "lowering"}
    measure_names = (*per_side("elev", "plane", "elbow", "ear"), "elevation_deg", "trunk_deg")
    clinical_target = TARGET_PROGRESS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rest = RestBaseline(tau_s=4.0)
        self.quiet = QuietWindow(window_s=0.4, tolerance=6.0)
        self._quiet = False

    def landmark_sets(self):
        return [arms.ARM[s][:2] for s in arms.arm_sides(self.side)]

    def measure(self, pose: PoseFrame, view: str):
        sides = arms.readable_arms(pose, self.side) or list(arms.arm_sides(self.side))
        values = self.new_measures()
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
        target = self.params.target_deg - self.params.count_margin_deg  # progress 0.8 lands here
        span = max((target - rest) / TARGET_PROGRESS, 20.0)
        return (values["elevation_deg"] - rest) / span, values

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {s: values[f"elev_{s}"] for s in ("left", "right") if f"elev_{s}" in values}

    def settled(self, sample: Sample) -> bool:
        self._quiet = self.quiet.update(sample.t, sample.values["elevation_deg"])
        return self._quiet and sample.progress < self.config.start

    def after_sample(self, sample: Sample, phase: str) -> None:
        if self._quiet and phase in (WAITING, REST) and sample.progress < self.config.start:
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
        if len(peaks) == 2 and (self.side == "both" or len(ctx.sides) == 2):
            # Found side (auto) with one arm moving: a one-arm exercise, no left/right comparison.
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
            if f.code == "asymmetry" and diff <= 2 * lean_deg + self.params.asymmetry_deg:
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
        if e is not None and np.isfinite(e) and e < self.params.elbow_bent_deg:
            return ctx.extreme("elevation_deg", "max")[0], f"elbow at {e:.0f} deg at the top"
        return None

    def _trunk_lean(self, ctx: RepContext):
        t, v = ctx.series("trunk_deg")
        if len(v) < 2:
            return None
        d = v - v[0]
        i = int(np.argmax(np.abs(d)))
        if abs(d[i]) > self.params.trunk_lean_limit_deg:
            return float(t[i]), f"trunk moved {abs(d[i]):.0f} deg"
        return None

    def _shoulder_hike(self, ctx: RepContext):
        if not hasattr(self, "_own_hike"):
            self._own_hike = {s: OwnTypical(self.params.shoulder_hike_over_own) for s in ("left", "right")}
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
            if found is None and (drop[i] > self.params.shoulder_hike_drop or over_own):
                found = float(t[i]), f"{s} shoulder rose toward the ear ({drop[i]:.0%})"
        return found

    def _asymmetry(self, ctx: RepContext):
        diff = ctx.metrics.get("shoulder_lr_diff_deg")
        if diff is not None and abs(diff) > self.params.asymmetry_deg:
            weak = "left" if diff < 0 else "right"
            return ctx.extreme("elevation_deg", "max")[0], f"{weak} arm {abs(diff):.0f} deg lower"
        return None


SPEC = ExerciseSpec(
    name="arm-raise", label="Arm raise", machine=ArmRaise, params=ArmRaiseParams,
    # Upper-arm elevation from hanging, per arm. Under 25 deg is a shrug or a fidget; a raise to
    # shoulder height is ~75 deg from the arm at rest.
    scale=SignalScale("deg", min_range=25.0, expected_range=75.0),
    # A large, clean signal (jitter ~2 deg of a 60-150 deg range): a narrower rest band lets a
    # raise a quarter of the usual height register as an attempt, with a reason.
    phases=replace(RELATIVE_PHASES, start=0.25, rest=0.2, attempt_min=0.25),
    count_on="end", incomplete_fault="short_range",
    faults=("short_range", "elbow_bent", "trunk_lean", "shoulder_hike", "asymmetry"),
    # Front view: left/right symmetry and shoulder hiking; only the upper body is needed.
    setup=SetupNeeds(("head", "trunk", "hands"), "front", min_height_share=0.25),
    equipment="Space around you to lift your arms",
    steps=("Stand or sit tall, arms by your sides.",
           "Lift your arm to shoulder height or higher, elbow straight.",
           "Lower it slowly."),
    variants=("assisted", "active", "weighted"), default_variant="active",
    synth_script="arm_raise", sided=True, limb="arm", key_measure="elevation_deg", key_unit="deg", rep_noun=("arm raise", "arm raises"),
    said_as="arm raises", amplitude_metric="peak_shoulder_deg", motion_family="arms",
    fault_words=(("trunk_lean", "you leaned to lift the arm"),))

