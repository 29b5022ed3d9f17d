"""Mini squats: knees to ~60 deg of flexion, trunk ~28 deg forward, arms forward for balance.

A rep starts when the descent begins, peaks at the bottom and ends when standing again. A
partial attempt only dips (~15 deg) and does not count.
"""
from __future__ import annotations

from dataclasses import replace

from coach.synth.body import ArmPose, BodyDims, Posture
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, plan_attempts, rep_truth
from coach.synth.spec import ClipSpec

SUPPORTED = {"shallow_squat", "trunk_flexion", "knee_valgus", "asymmetry", "lateral_shift"}
DOWN_S, BOTTOM_HOLD_S, UP_S, REST_S = 1.3, 0.3, 1.3, 0.7
KNEE_BOTTOM, SHANK_BOTTOM, TRUNK_BOTTOM = 60.0, 24.0, 28.0
FAULT_TRUNK = 58.0
PARTIAL_KNEE = 15.0
VALGUS_M = 0.07

STANDING = Posture(trunk_flexion=2, stance_half=0.05,
                   left_arm=ArmPose(abduction=6, elbow_flex=8), right_arm=ArmPose(abduction=6, elbow_flex=8))


def bottom_posture(a, spec: ClipSpec) -> tuple[Posture, float, float]:
    depth = PARTIAL_KNEE / KNEE_BOTTOM if a.partial else 1.0
    knee, shank = KNEE_BOTTOM * depth, SHANK_BOTTOM * depth
    trunk = FAULT_TRUNK if a.has("trunk_flexion") else TRUNK_BOTTOM * depth
    p = replace(STANDING, trunk_flexion=trunk).with_arms(flexion=75 * depth + trunk * 0.3, elbow_flex=10)
    p = p.with_legs(knee_flex=knee, shank_tilt=shank, knee_in=VALGUS_M if a.has("knee_valgus") else 0.0)
    if a.has("asymmetry") or a.has("lateral_shift"):
        weak = spec.weak_side
        p = p.with_side(weak, leg={"knee_flex": knee * 0.5, "shank_tilt": shank * 0.5})
        p = replace(p, trunk_lateral=9.0 if weak == "right" else -9.0)
    return p, knee, trunk


def build(spec: ClipSpec, dims: BodyDims) -> Motion:
    attempts = plan_attempts(spec, SUPPORTED, "shallow_squat")
    tl = Timeline(STANDING)
    tl.hold(spec.start_rest_s)
    reps = []
    for a in attempts:
        bottom, knee, trunk = bottom_posture(a, spec)
        start = tl.now
        low = tl.to(a.dur(DOWN_S), bottom)
        tl.hold(a.dur(BOTTOM_HOLD_S))
        end = tl.to(a.dur(UP_S), STANDING)
        reps.append(rep_truth(a, start, end, low, knee_flex_peak_deg=knee, trunk_flexion_peak_deg=trunk))
        tl.hold(a.dur(REST_S) + a.pause_after_s)
    tl.hold(spec.end_rest_s)
    return Motion(tl, reps, center_fwd_m=0.0)
