"""Arm raises: forward flexion or sideways abduction to ~165 deg with straight elbows.

A rep starts when the arm(s) leave the side, peaks at the top and ends when they are back down.
A partial attempt (or ``short_range``) only reaches ~60 deg and does not count.
"""
from __future__ import annotations

from dataclasses import replace

from coach.synth.body import ArmPose, BodyDims, Posture
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, plan_attempts, rep_truth, working_sides
from coach.synth.spec import ClipSpec

SUPPORTED = {"short_range", "elbow_bent", "asymmetry", "trunk_lean", "shoulder_hike"}
UP_S, TOP_HOLD_S, DOWN_S, REST_S = 1.4, 0.4, 1.4, 0.7
FULL_DEG, PARTIAL_DEG, WEAK_DEG = 165.0, 60.0, 100.0
ELBOW_BENT_DEG = 50.0
TRUNK_LEAN_DEG = 13.0
HIKE_M = 0.05
REST_ABDUCTION = 6.0

STANDING = Posture(trunk_flexion=1, stance_half=0.03,
                   left_arm=ArmPose(abduction=REST_ABDUCTION, elbow_flex=6),
                   right_arm=ArmPose(abduction=REST_ABDUCTION, elbow_flex=6))


def top_posture(spec: ClipSpec, a) -> tuple[Posture, dict[str, float]]:
    p, peaks = STANDING, {}
    for side in working_sides(spec):
        deg = PARTIAL_DEG if a.partial else FULL_DEG
        if a.has("asymmetry") and side == spec.weak_side:
            deg = min(deg, WEAK_DEG)
        arm = {"elbow_flex": ELBOW_BENT_DEG if a.has("elbow_bent") else 0.0,
               "hike": HIKE_M if a.has("shoulder_hike") else 0.0}
        if spec.arm_mode == "abduction":
            arm.update(abduction=deg, flexion=0.0)
        else:
            arm.update(flexion=deg, abduction=0.0)
        p = p.with_side(side, arm=arm)
        peaks[side] = deg
    if a.has("trunk_lean"):
        if spec.arm_mode == "abduction":  # lean away from the lifting arm
            away = 1.0 if spec.side == "right" else -1.0
            p = replace(p, trunk_lateral=TRUNK_LEAN_DEG * away)
        else:  # arch back to get the arm higher
            p = replace(p, trunk_flexion=-TRUNK_LEAN_DEG)
    return p, peaks


def build(spec: ClipSpec, dims: BodyDims) -> Motion:
    if spec.arm_mode not in ("flexion", "abduction"):
        raise ValueError(f"arm_mode must be flexion or abduction, got {spec.arm_mode!r}")
    attempts = plan_attempts(spec, SUPPORTED, "short_range")
    tl = Timeline(STANDING)
    tl.hold(spec.start_rest_s)
    reps = []
    for a in attempts:
        top, peaks = top_posture(spec, a)
        start = tl.now
        peak = tl.to(a.dur(UP_S), top)
        tl.hold(a.dur(TOP_HOLD_S))
        end = tl.to(a.dur(DOWN_S), STANDING)
        reps.append(rep_truth(a, start, end, peak, shoulder_peak_deg=max(peaks.values()),
                              **{f"shoulder_peak_{s}_deg": v for s, v in peaks.items()}))
        tl.hold(a.dur(REST_S) + a.pause_after_s)
    tl.hold(spec.end_rest_s)
    return Motion(tl, reps, center_fwd_m=0.05)
