"""Heel raises standing: heels up ~7 cm (normal) by turning the feet about the balls of the feet.

``side`` "both" lifts both heels; "left"/"right" is a single-leg raise with the other foot held
up behind. A rep starts when the heels leave the floor, peaks at the top and ends when they are
back down.
"""
from __future__ import annotations

import math
from dataclasses import replace

from coach.synth.body import ArmPose, BodyDims, Posture
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, other_side, plan_attempts, rep_truth, working_sides
from coach.synth.spec import ClipSpec

SUPPORTED = {"heel_low", "knee_bend", "asymmetry", "no_control"}
UP_S, TOP_HOLD_S, DOWN_S, REST_S = 0.9, 0.6, 1.1, 0.8
NORMAL_LIFT_M = 0.07
# "heel_low": ~40% of a normal lift. Counted when it is this person's usual raise (every attempt
# low); among full raises it is a smaller movement than their usual: an uncounted attempt.
LOW_FRACTION = 0.4
PARTIAL_LIFT_M = 0.012  # a twitch that does not count
ASYMMETRY_FRACTION = 0.45
KNEE_BEND_DEG = 25.0
NO_CONTROL_DOWN_S = 0.22


def heel_angle(dims: BodyDims, lift_m: float) -> float:
    """Foot rotation (deg) about the ball that raises the heel landmark by ``lift_m``."""
    d = dims.heel_back + dims.ball_fwd
    hh = dims.heel_height
    r, phi = math.hypot(d, hh), math.atan2(hh, d)
    return math.degrees(math.asin(min((lift_m + hh) / r, 1.0)) - phi)


def standing(spec: ClipSpec) -> Posture:
    p = Posture(trunk_flexion=1, stance_half=0.02,
                left_arm=ArmPose(abduction=9, elbow_flex=10), right_arm=ArmPose(abduction=9, elbow_flex=10))
    if spec.side != "both":
        p = replace(p, support=spec.side)
        p = p.with_side(other_side(spec.side), leg={"hip_flex": 8, "knee_flex": 75})
    return p


def build(spec: ClipSpec, dims: BodyDims) -> Motion:
    attempts = plan_attempts(spec, SUPPORTED, "heel_low", fault_makes_partial=False)
    rest = standing(spec)
    tl = Timeline(rest)
    tl.hold(spec.start_rest_s)
    reps = []
    all_low = all(a.has("heel_low") for a in attempts if not a.partial)
    for a in attempts:
        lift = PARTIAL_LIFT_M if a.partial else NORMAL_LIFT_M * (LOW_FRACTION if a.has("heel_low") else 1.0)
        top = rest
        lifts = {}
        for side in working_sides(spec):
            side_lift = lift * ASYMMETRY_FRACTION if (a.has("asymmetry") and side == spec.weak_side) else lift
            leg = {"heel_lift": heel_angle(dims, side_lift)}
            if a.has("knee_bend"):
                leg.update(knee_flex=KNEE_BEND_DEG, shank_tilt=KNEE_BEND_DEG * 0.5)
            top = top.with_side(side, leg=leg)
            lifts[side] = side_lift
        start = tl.now
        peak = tl.to(a.dur(UP_S), top)
        tl.hold(a.dur(TOP_HOLD_S))
        end = tl.to(NO_CONTROL_DOWN_S if a.has("no_control") else a.dur(DOWN_S), rest)
        metrics = {f"heel_lift_{s}_m": v for s, v in lifts.items()}
        counted = not a.partial and (all_low or not a.has("heel_low"))
        reps.append(rep_truth(a, start, end, peak, counted=counted, heel_lift_m=max(lifts.values()),
                              knee_flex_peak_deg=KNEE_BEND_DEG if a.has("knee_bend") else 0.0, **metrics))
        tl.hold(a.dur(REST_S) + a.pause_after_s)
    tl.hold(spec.end_rest_s)
    return Motion(tl, reps, center_fwd_m=0.03)
