"""Forward reach, Functional-Reach style (Duncan 1990): arm up to shoulder height, reach forward
as far as possible without stepping, come back, arm down. One trial per raise of the arm.

The trial's boundaries come from the arm going up and down (elevation); the reach distance is
the hand's forward travel from where it was when the arm first settled at shoulder height,
converted to centimetres with the person's own arm length (world landmarks / image pixels).
A trial counts when the hand travelled at least ``min_reach_frac`` of the arm length (default
10%: ~6 cm, over twice the landmark jitter); shorter ones are uncounted with ``short_range``.
Side view gives the distance in the image plane; other views fall back to world landmarks.
"""
from __future__ import annotations

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from coach.views import SIDE
from exercises import arms
from exercises.engine import Check, RepContext, RepExercise, Sample
from exercises.lower_body import trunk_tilt_deg
from exercises.phases import BACK, OUT, REST, TARGET, WAITING, PhaseConfig

RAISED_DEG = 70.0  # arm counts as up for the reach at 70 deg (horizontal is 90, less 20 for error)
REST_DEG = 20.0
REACH_PHASES = PhaseConfig(start=0.35, rest=0.25, target=0.9, target_exit=0.7, attempt_min=0.35,
                           min_rest_s=0.3, min_rep_s=1.0, max_gap_s=0.7, onset_level=0.15)
MIN_REACH_FRAC = 0.10
TRUNK_COMPENSATION_DEG = 30.0  # trunk pitch added beyond ~30 deg: the hips, not the arm, reach
ELBOW_BENT_DEG = 150.0
STEP_SHANK = 0.3  # a foot moved 0.3 shank (~12 cm) or ...
HEEL_LIFT_SHANK = 0.06  # ... a heel rose 0.06 shank (~2.5 cm): the test is invalid


class Reach(RepExercise):
    name = "reach"
    phase_names = {WAITING: "waiting", REST: "arm down", OUT: "raising", TARGET: "reaching", BACK: "lowering"}
    key_angle_name = "reach_cm"
    count_on = "end"
    incomplete_fault = "short_range"
    config = REACH_PHASES

    def __init__(self, side: str = "both", **options) -> None:
        super().__init__(side, **options)
        self.min_reach_frac = float(options.get("min_reach_frac", MIN_REACH_FRAC))
        self._origin: dict[str, np.ndarray] | None = None

    def landmark_sets(self):
        return [arms.ARM[s] for s in arms.arm_sides(self.side)]

    def _arm_length_m(self) -> float:
        return self.calibration.length_m("upper_arm") + self.calibration.length_m("forearm")

    def measure(self, pose: PoseFrame, view: str):
        sides = arms.readable_arms(pose, self.side) or list(arms.arm_sides(self.side))
        values: dict[str, float] = {}
        elev = [arms.elevation_deg(pose, s) for s in sides]
        elev = [e for e in elev if np.isfinite(e)]
        if not elev:
            return float("nan"), values
        values["elevation_deg"] = float(np.mean(elev))
        for s in sides:
            values[f"elev_{s}"] = arms.elevation_deg(pose, s)
            values[f"elbow_{s}"] = arms.elbow_deg(pose, s, view, 0.0)
        values["trunk_deg"] = trunk_tilt_deg(pose, view)
        values.update(self._hand_and_feet(pose, sides, view))
        return (values["elevation_deg"] - REST_DEG) / (RAISED_DEG - REST_DEG) * REACH_PHASES.target, values

    def _hand_and_feet(self, pose: PoseFrame, sides: list[str], view: str) -> dict[str, float]:
        """Hand, shoulder and feet positions in metres (image scaled by arm length in side view)."""
        out: dict[str, float] = {}
        xy = pose.xy_px
        arm_px = np.mean([np.linalg.norm(xy[int(arms.ARM[s][0])] - xy[int(arms.ARM[s][1])])
                          + np.linalg.norm(xy[int(arms.ARM[s][1])] - xy[int(arms.ARM[s][2])]) for s in sides])
        if view == SIDE and arm_px > 1e-6:
            scale = self._arm_length_m() / arm_px  # only valid while the arm is level and in-plane
            pts = {k: xy[int(lm)] * scale for k, lm in (("hand", arms.ARM[sides[0]][2]), ("shoulder", arms.ARM[sides[0]][0]),
                                                         ("lheel", L.LEFT_HEEL), ("rheel", L.RIGHT_HEEL),
                                                         ("ltoe", L.LEFT_FOOT_INDEX), ("rtoe", L.RIGHT_FOOT_INDEX))}
            out["scale"] = scale
            for k, p in pts.items():
                out[f"{k}_x"], out[f"{k}_y"] = float(p[0]), float(p[1])
        elif pose.world is not None:
            w = pose.world
            for k, lm in (("hand", arms.ARM[sides[0]][2]), ("shoulder", arms.ARM[sides[0]][0]),
                          ("lheel", L.LEFT_HEEL), ("rheel", L.RIGHT_HEEL), ("ltoe", L.LEFT_FOOT_INDEX), ("rtoe", L.RIGHT_FOOT_INDEX)):
                out[f"{k}_x"], out[f"{k}_y"], out[f"{k}_z"] = (float(v) for v in w[int(lm)])
        out["shank_m"] = self.calibration.length_m("shank")
        return out

    def rep_counts(self, ctx: RepContext) -> bool:
        reach = ctx.metrics.get("reach_distance_cm", float("nan"))
        return ctx.reached and np.isfinite(reach) and reach >= 100 * self.min_reach_frac * self._arm_length_m()

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        m: dict[str, float] = {}
        t_up = [s.t for s in ctx.samples if s.progress >= REACH_PHASES.target]
        if not t_up:
            return m
        t0, t1 = t_up[0], t_up[-1]
        ref = next(s for s in ctx.samples if s.t >= t0)
        hand0 = np.array([ref.values.get("hand_x", np.nan), ref.values.get("hand_z", 0.0)])
        sh0 = np.array([ref.values.get("shoulder_x", np.nan), ref.values.get("shoulder_z", 0.0)])
        forward = hand0 - sh0
        if not np.linalg.norm(forward) > 1e-6:
            return m
        forward = forward / np.linalg.norm(forward)
        best, best_t = 0.0, t0
        for s in ctx.samples:
            if t0 <= s.t <= t1:
                d = float(np.dot(np.array([s.values.get("hand_x", np.nan), s.values.get("hand_z", 0.0)]) - hand0, forward))
                if np.isfinite(d) and d > best:
                    best, best_t = d, s.t
        m["reach_distance_cm"] = 100.0 * best
        m["reach_time_s"] = best_t
        trunk0 = ref.values.get("trunk_deg", np.nan)
        m["trunk_lean_deg"] = ctx.extreme("trunk_deg", "max", t0, t1)[1] - trunk0
        elbows = [ctx.extreme(f"elbow_{s}", "min", best_t - 0.2, best_t + 0.2)[1] for s in arms.arm_sides(self.side)]
        elbows = [e for e in elbows if np.isfinite(e)]
        if elbows:
            m["elbow_extension_deg"] = min(elbows)
        m["step_m"] = self._feet_moved(ctx, ref, t0, t1)
        m["heel_lift_m"] = self._heel_lift(ctx, ref, t0, t1)
        return m

    @staticmethod
    def _feet_moved(ctx: RepContext, ref: Sample, t0: float, t1: float) -> float:
        worst = 0.0
        for k in ("ltoe", "rtoe"):
            _, x = ctx.series(f"{k}_x", t0, t1)
            if len(x):
                worst = max(worst, float(np.max(np.abs(x - ref.values.get(f"{k}_x", x[0])))))
        return worst

    @staticmethod
    def _heel_lift(ctx: RepContext, ref: Sample, t0: float, t1: float) -> float:
        worst = 0.0
        for heel, toe in (("lheel", "ltoe"), ("rheel", "rtoe")):
            _, hy = ctx.series(f"{heel}_y", t0, t1)
            _, ty = ctx.series(f"{toe}_y", t0, t1)
            if len(hy) and len(hy) == len(ty):
                rel = ty - hy  # image/world y grows downwards: heel above toe -> positive
                worst = max(worst, float(np.max(rel - (ref.values.get(f"{toe}_y", ty[0]) - ref.values.get(f"{heel}_y", hy[0])))))
        return worst

    def checks(self) -> list[Check]:
        return [Check("trunk_compensation", self._trunk), Check("elbow_bent", self._elbow), Check("stepping", self._stepping)]

    def _trunk(self, ctx: RepContext):
        lean = ctx.metrics.get("trunk_lean_deg")
        if lean is not None and np.isfinite(lean) and lean > TRUNK_COMPENSATION_DEG:
            return ctx.metrics.get("reach_time_s", ctx.end_s), f"trunk pitched {lean:.0f} deg to reach"
        return None

    def _elbow(self, ctx: RepContext):
        e = ctx.metrics.get("elbow_extension_deg")
        if e is not None and e < ELBOW_BENT_DEG:
            return ctx.metrics.get("reach_time_s", ctx.end_s), f"elbow at {e:.0f} deg"
        return None

    def _stepping(self, ctx: RepContext):
        shank = self.calibration.length_m("shank")
        if ctx.metrics.get("step_m", 0.0) > STEP_SHANK * shank:
            return ctx.metrics.get("reach_time_s", ctx.end_s), "a foot moved"
        if ctx.metrics.get("heel_lift_m", 0.0) > HEEL_LIFT_SHANK * shank:
            return ctx.metrics.get("reach_time_s", ctx.end_s), "heels came up"
        return None
