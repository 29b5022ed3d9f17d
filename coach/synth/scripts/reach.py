"""Forward reach (Functional Reach style), standing, side view natural.

Each rep: raise the arm(s) to horizontal, hold (the start mark), reach forward as far as
possible without stepping, hold, come back, lower the arm(s). Normal: the shoulders travel
~20 cm (trunk ~14 deg, shoulder girdle forward, hips back). ``trunk_compensation``: the trunk
pitches ~42 deg to get further. The arm stays horizontal in the world throughout.
"""
from __future__ import annotations

from dataclasses import replace

from coach.synth.body import ArmPose, BodyDims, Posture
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, plan_attempts, rep_truth, working_sides
from coach.synth.spec import ClipSpec

SUPPORTED = {"trunk_compensation", "short_range", "asymmetry", "stepping"}
RAISE_S, START_HOLD_S, REACH_S, REACH_HOLD_S, RETURN_S, LOWER_S, REST_S = 0.9, 0.6, 1.3, 0.6, 1.0, 0.9, 0.6
NORMAL_TRUNK, COMPENSATION_TRUNK, SHORT_TRUNK = 14.0, 42.0, 3.0
NORMAL_PROTRACTION, SHORT_PROTRACTION = 0.06, 0.015
WEAK_ARM_DEG = 55.0  # "asymmetry": the weaker arm only gets this high (world angle)

STANDING = Posture(trunk_flexion=1, stance_half=0.03,
                   left_arm=ArmPose(abduction=5, elbow_flex=8), right_arm=ArmPose(abduction=5, elbow_flex=8))


def arms_at(p: Posture, spec: ClipSpec, a, world_deg: float) -> Posture:
    """Working arm(s) at ``world_deg`` of flexion from hanging (90 = horizontal), straight."""
    for side in working_sides(spec):
        deg = min(world_deg, WEAK_ARM_DEG) if a.has("asymmetry") and side == spec.weak_side else world_deg
        p = p.with_side(side, arm={"flexion": deg + p.trunk_flexion, "abduction": 0.0, "elbow_flex": 0.0})
    return p


def build(spec: ClipSpec, dims: BodyDims) -> Motion:
    attempts = plan_attempts(spec, SUPPORTED, "short_range")
    tl = Timeline(STANDING)
    tl.hold(spec.start_rest_s)
    reps = []
    for a in attempts:
        if a.partial:
            trunk, protraction = SHORT_TRUNK, SHORT_PROTRACTION
        elif a.has("trunk_compensation"):
            trunk, protraction = COMPENSATION_TRUNK, NORMAL_PROTRACTION
        else:
            trunk, protraction = NORMAL_TRUNK, NORMAL_PROTRACTION
        raised = arms_at(STANDING, spec, a, 90.0)
        reached = replace(STANDING, trunk_flexion=trunk, protraction=protraction)
        # Hips go back as the trunk goes forward (ankle strategy): shanks lean back a little.
        reached = reached.with_legs(knee_flex=4.0, shank_tilt=-2.0 - trunk * 0.12,
                                    heel_lift=12.0 if a.has("stepping") else 0.0)
        reached = arms_at(reached, spec, a, 90.0)
        start = tl.now
        tl.to(a.dur(RAISE_S), raised)
        tl.hold(a.dur(START_HOLD_S))
        peak = tl.to(a.dur(REACH_S), reached)
        tl.hold(a.dur(REACH_HOLD_S))
        tl.to(a.dur(RETURN_S), raised)
        end = tl.to(a.dur(LOWER_S), STANDING)
        # A short reach is still a reach out and back: it counts, labelled short_range.
        reps.append(rep_truth(a, start, end, peak, counted=True, trunk_flexion_peak_deg=trunk))
        tl.hold(a.dur(REST_S) + a.pause_after_s)
    tl.hold(spec.end_rest_s)
    return Motion(tl, reps, center_fwd_m=0.15)
