"""Squat (mini-squats without a chair, deeper squats, jump squats): standing -> down -> up.

Shares the hip-height signal with sit-to-stand, read the other way: depth 0 = this person's
standing hip height, 1 = hip level with the knee (thighs parallel). A rep counts when the
person comes back up from at least ``min_depth`` (a mini-squat); shallower dips are
uncounted attempts with ``shallow_squat``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coach.pose.frame import PoseFrame
from coach.views import FRONT
from exercises import lower_body as lb
from exercises import lower_body_checks as checks
from exercises.calibration import RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise, Sample
from exercises.phases import BACK, OUT, REST, TARGET, WAITING, PhaseMachine
from exercises.spec import ExerciseSpec, SetupNeeds, param

# Estimation, not a decision: the person's standing levels are learned only this near standing.
STANDING_BAND = 0.1  # depth below which the person is standing: baselines learn only there


@dataclass(frozen=True)
class SquatParams(checks.LowerBodyLimits):
    min_depth: float = param(
        0.15, "share of the standing-to-thighs-parallel hip drop",
        "the hip falls slowly at first (the shank tilts as the knee bends): a 60 deg knee-bend mini-squat "
        "drops ~0.25 of the range, 0.15 is ~45-50 deg of knee bend; shallower counted reps get shallow_squat", bounds=(0.05, 1.2))
    max_feet_travel: float = param(0.5, "shank lengths", "a squat (even a jump squat) lands where it started; more is walking", bounds=(0.1, 3))
    trunk_flexion_limit_deg: float = param(60.0, "deg", "squats lean more than chair rises; beyond 60 the back does the work", bounds=(5, 90))
    min_rep_s: float = param(0.6, "s", "down and up faster than this is a stumble or a step, not a squat (a jump "
                             "squat takes ~1.5 s)", bounds=(0.2, 3.0))


class Squat(RepExercise):
    phase_names = {WAITING: "waiting", REST: "standing", OUT: "going down", TARGET: "bottom", BACK: "coming up"}
    measure_names = (*lb.LEG_MEASURES, "shoulder_ratio", "lowering")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clinical_target = self.params.min_depth
        if self.config.min_rep_s != self.params.min_rep_s:  # a physio's own shortest squat
            self.config = replace(self.config, min_rep_s=self.params.min_rep_s)
            self.machine = PhaseMachine(self.config)
        self.own_trunk = checks.own_trunk_typical(self.params)
        self.standing = RestBaseline(tau_s=5.0)
        self.standing_shoulder = RestBaseline(tau_s=5.0)  # shoulder height when standing (front view)
        self.shank_ref = RestBaseline(tau_s=2.0)  # upright shank length in pixels, learned standing

    def landmark_sets(self):
        return lb.leg_sets(self.side)

    def posture_problem(self, pose: PoseFrame) -> str | None:
        return lb.upright_problem(pose, self.params)

    def measure(self, pose: PoseFrame, view: str):
        values = self.new_measures(lb.leg_values(pose, self.side, view, self.params, self.shank_ref.value()))
        stand = float(np.clip(self.standing.value(lb.STANDING_HIP_RATIO), 1.6, 2.4))
        drop = stand - values["hip_ratio"]
        if view == FRONT:
            # Facing the camera, MediaPipe's hip point sinks only ~half as far as the hip really
            # does (thighs coming toward the lens), while the shoulders, well tracked, drop by
            # the hip drop plus a little trunk lean. Average the two drops (same shank units).
            values["shoulder_ratio"] = lb.shoulder_ratio(pose, self.side, self.shank_ref.value())
            sh_stand = self.standing_shoulder.value(values["shoulder_ratio"])
            if np.isfinite(values["shoulder_ratio"]) and np.isfinite(sh_stand):
                drop = (drop + (sh_stand - values["shoulder_ratio"])) / 2
        depth = drop / (stand - lb.SEATED_HIP_RATIO)
        # Counting signal: the hips' lowering in shank lengths, in every view. Facing the camera
        # MediaPipe's hip sinks only ~half as far, which the person's own range absorbs; the
        # shoulders are left out because a forward lean drops them on its own (one leaning rep
        # would become everyone's top) and one signal across views keeps a cut from making a rep.
        values["lowering"] = -values["hip_ratio"]
        return depth, values

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {"body": values["lowering"]}

    def after_sample(self, sample: Sample, phase: str) -> None:
        if phase in (WAITING, REST) and sample.progress <= STANDING_BAND:
            self.standing.update(sample.t, sample.values["hip_ratio"])
            if "shoulder_ratio" in sample.values:
                self.standing_shoulder.update(sample.t, sample.values["shoulder_ratio"])
            self.shank_ref.update(sample.t, sample.values["shank_px"])

    def rep_invalid(self, ctx: RepContext) -> str | None:
        window = (ctx.start_s, ctx.end_s)
        travel = lb.feet_travel(ctx.series("feet_x_px", *window)[1], ctx.series("shank_px", *window)[1])
        if travel > self.params.max_feet_travel:
            return "Not counted: the feet moved (walking, not a squat)"
        return None

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        window = (ctx.start_s, ctx.end_s)
        bottom_t, _ = ctx.extreme("hip_ratio", "min", *window)
        m = {"depth_pct": 100.0 * ctx.peak,
             "min_knee_angle_deg": ctx.extreme("knee_deg", "min", *window)[1],
             "peak_trunk_flexion_deg": ctx.extreme("trunk_deg", "max", *window)[1]}
        if np.isfinite(bottom_t):
            m["bottom_time_s"] = bottom_t
            m["descent_time_s"] = bottom_t - ctx.start_s
            m["ascent_time_s"] = ctx.end_s - bottom_t
        if ctx.view == FRONT:
            m["lateral_shift_pct"] = 100.0 * checks.max_abs_change(ctx, "trunk_shift")
            m["asymmetry_pct"] = 100.0 * checks.max_abs_change(ctx, "pelvis_shift")
        return m

    def checks(self) -> list[Check]:
        return [
            Check("trunk_flexion", self._trunk_flexion),
            Check("lateral_shift", self._lateral_shift),
            Check("knee_valgus", self._knee_valgus),
        ]

    def _lateral_shift(self, ctx: RepContext):
        return checks.lateral_shift_fault(ctx, self.params)

    def _trunk_flexion(self, ctx: RepContext):
        return checks.trunk_flexion_fault(ctx, self.own_trunk, self.params.trunk_flexion_limit_deg, ctx.start_s, ctx.end_s)

    def _knee_valgus(self, ctx: RepContext):
        return checks.knee_valgus_fault(ctx, self.params, ctx.start_s, ctx.end_s)


SPEC = ExerciseSpec(
    name="squat", label="Squat", machine=Squat, params=SquatParams,
    # Lowering of the hips and shoulders (mean) in shank lengths. A mini-squat lowers them ~0.25,
    # standing sway ~0.05; under 0.15 is not a squat.
    scale=SignalScale("shank lengths", min_range=0.15, expected_range=0.5),
    phases=replace(RELATIVE_PHASES, min_rep_s=SquatParams.min_rep_s),
    count_on="end", incomplete_fault="shallow_squat",
    faults=("shallow_squat", "trunk_flexion", "lateral_shift", "knee_valgus"),
    setup=SetupNeeds(("head", "trunk", "legs", "feet"), "side", reminders=("Stand near a counter you can hold",)),
    equipment="Something steady to hold on to (a counter or chair back)",
    steps=("Stand with your feet hip-width apart; hold on if you need to.",
           "Bend your knees and push your hips back, as if to sit.",
           "Stand up tall again, back straight."),
    variants=("partial", "standard", "deep"), default_variant="partial",
    synth_script="squat", key_measure="knee_deg", key_unit="deg", rep_noun=("squat", "squats"),
    said_as="squats", amplitude_metric="", motion_family="legs")
