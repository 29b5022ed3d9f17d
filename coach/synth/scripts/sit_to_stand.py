"""Sit-to-stand from a ~45 cm chair, arms crossed on the chest (5xSTS style).

Rise: lean forward to seat-off (trunk ~32 deg), then extend knees and hips to full standing
(knee and hip ~177 deg). Sit: the reverse, slower. A rep starts when the lean begins, counts at
full standing (``stand_s``) and ends when re-seated.
"""
from __future__ import annotations

from dataclasses import replace

from coach.synth.body import ArmPose, BodyDims, Posture, solve
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Chair, Motion, plan_attempts, rep_truth
from coach.synth.spec import ClipSpec
from coach.synth.truth import SEAT_CONTACT_M

SUPPORTED = {"incomplete_stand", "trunk_flexion", "hands_on_thighs", "uncontrolled_sit", "asymmetry",
             "lateral_shift"}
NORMAL_TRUNK_PEAK = 32.0
FAULT_TRUNK_PEAK = 62.0
RISE_S, STAND_HOLD_S, SIT_S, SEATED_REST_S = 1.15, 0.3, 1.35, 0.45
PREP_S = 0.45  # moving the hands to the thighs before a "hands_on_thighs" rep
UNCONTROLLED_RATIO = 3.5  # descent this many times faster than the rise
LATERAL_DEG = 11.0

CROSSED = ArmPose(flexion=28, abduction=12, elbow_flex=138, rotation=82)


def legs(p: Posture, knee: float, shank: float) -> Posture:
    return p.with_legs(knee_flex=knee, shank_tilt=shank)


SEATED = legs(Posture(trunk_flexion=6, stance_half=0.03, left_arm=CROSSED, right_arm=CROSSED), 88, 6)


def chair_under(dims: BodyDims, seated: Posture) -> Chair:
    sk = solve(dims, seated)
    hip = sk["hip_mid"]
    seat = hip[1] - 0.095 * dims.height_m / 1.70  # the hip joint sits ~9 cm above the seat
    front = max(hip[0] + 0.16, sk["left_knee"][0] - 0.10)
    return Chair(seat_height_m=seat, front_m=front, back_m=front - 0.42)


def seat_contact(tl: Timeline, dims: BodyDims, seated: Posture, t0: float, t1: float) -> float:
    """First time in [t0, t1] the hip is within SEAT_CONTACT_M of its seated height."""
    level = solve(dims, seated)["hip_mid"][1] + SEAT_CONTACT_M
    steps = max(2, int(round((t1 - t0) / 0.005)))
    for k in range(steps + 1):
        t = t0 + (t1 - t0) * k / steps
        if solve(dims, tl.posture_at(t))["hip_mid"][1] <= level:
            return t
    return t1


def build(spec: ClipSpec, dims: BodyDims) -> Motion:
    attempts = plan_attempts(spec, SUPPORTED, "incomplete_stand")
    tl = Timeline(SEATED)
    tl.hold(spec.start_rest_s)
    reps = []
    for a in attempts:
        peak = FAULT_TRUNK_PEAK if a.has("trunk_flexion") else NORMAL_TRUNK_PEAK
        lateral = LATERAL_DEG * (1 if spec.weak_side == "right" else -1)  # shift onto the strong side
        lateral = lateral if (a.has("asymmetry") or a.has("lateral_shift")) else 0.0
        seated = SEATED
        if a.has("hands_on_thighs"):
            seated = SEATED.with_arms(on_thigh=1.0)
        if seated != tl.current:
            tl.to(PREP_S, seated)
        start = tl.now
        seat_off = replace(legs(seated, 86, 14), trunk_flexion=peak, trunk_lateral=lateral * 0.6)
        if a.partial:
            half = replace(legs(seated, 48, 11), trunk_flexion=peak * 0.85, trunk_lateral=lateral)
            top = tl.move(a.dur(0.9), [(0.55, seat_off), (1.0, half)])
            tl.hold(a.dur(0.25))
            end = tl.move(a.dur(0.9), [(0.5, seat_off), (1.0, seated)])
            reps.append(rep_truth(a, start, end, top, None, seat_contact(tl, dims, seated, top, end),
                                  trunk_flexion_peak_deg=peak,
                                  rise_s=top - start, descent_s=end - top - a.dur(0.25)))
        else:
            mid = replace(legs(seated, 38, 8), trunk_flexion=peak * 0.6, trunk_lateral=lateral)
            standing = replace(legs(seated, 1.0, 0), trunk_flexion=1.0, trunk_lateral=0.0)
            rise = a.dur(RISE_S)
            stand = tl.move(rise, [(0.38, seat_off), (0.72, mid), (1.0, standing)])
            tl.hold(a.dur(STAND_HOLD_S))
            leave = tl.now
            descent = rise / UNCONTROLLED_RATIO if a.has("uncontrolled_sit") else a.dur(SIT_S)
            sit_lean = replace(seat_off, trunk_flexion=peak * 0.9)
            end = tl.move(descent, [(0.3, replace(mid, trunk_flexion=peak * 0.55)), (0.7, sit_lean), (1.0, seated)])
            reps.append(rep_truth(a, start, end, stand, stand, seat_contact(tl, dims, seated, leave, end),
                                  trunk_flexion_peak_deg=peak, rise_s=rise,
                                  descent_s=end - leave, seat_height_m=chair_under(dims, SEATED).seat_height_m))
        tl.hold(a.dur(SEATED_REST_S) + a.pause_after_s)
        if seated != SEATED:
            tl.to(PREP_S, SEATED)
    tl.hold(spec.end_rest_s)
    chair = chair_under(dims, SEATED)
    return Motion(tl, reps, chair=chair, center_fwd_m=(chair.back_m + 0.25) / 2)
