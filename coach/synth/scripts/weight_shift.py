"""Weight shift side to side: standing, feet hip-width apart, the pelvis moves ``SHIFT_CM`` sideways
over the left foot, holds there ``HOLD_S``, comes back to the middle, rests, then over the right
foot (``ClipSpec.side`` "both", the default, alternates starting left; "left"/"right" shifts to that
side only: practice toward the affected side).

Truth per shift: ``start_s`` the pelvis leaves the middle, ``peak_s`` it arrives at the side,
``end_s`` it is back in the middle; ``shift_cm`` the pelvis' distance from the feet's midpoint at
the side; ``hold_s`` the time it stayed within ``hold_band_cm`` (the exercise's default) of that
furthest point, read from the generator's own timeline (the scripted plateau plus the parts of the
smooth arrival and departure that are within the band; ``plateau_s`` is the plateau alone).
``notes``: each shift's side and the shifts per side.

A partial attempt shifts ``PARTIAL_SHARE`` of the usual way: among full shifts a smaller movement
than the person's usual, not counted (``short_range``). Shifts asked to show "short_range" go
``LOW_SHIFT_CM``, under the 8 cm target: counted when every shift to that side is that small (that
is this person's range toward that side: a weaker side), else like a partial one. ``rep_tempo`` scales a shift's movement and hold.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from coach.synth.body import ArmPose, BodyDims
from coach.synth.extended import ExtPosture
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, other_side, plan_attempts, rep_truth
from coach.synth.spec import ClipSpec

SUPPORTED = {"short_range"}
SHIFT_CM = 10.0  # about the pelvis over the foot: half the hip-joint width (~12 cm at 1.70 m) less a little
LOW_SHIFT_CM = 5.0  # under the 8 cm default target
PARTIAL_SHARE = 0.45
SHIFT_S, HOLD_S, BACK_S, MIDDLE_S = 1.0, 3.0, 1.0, 1.0


def standing() -> ExtPosture:
    arms = ArmPose(abduction=10, elbow_flex=15)
    return ExtPosture(trunk_flexion=1.0, stance_half=0.0, left_arm=arms, right_arm=arms)


def held_within(tl: Timeline, t0: float, t1: float, peak_m: float, band_m: float) -> float:
    """Seconds in [t0, t1] the scripted pelvis was within ``band_m`` of ``peak_m`` (1 ms steps)."""
    ts = np.arange(t0, t1, 0.001)
    shifts = np.array([abs(tl.posture_at(float(t)).pelvis_shift) for t in ts])
    return float(np.count_nonzero(shifts >= abs(peak_m) - band_m - 1e-9) * 0.001)


def build(spec: ClipSpec, dims: BodyDims) -> Motion:
    from exercises.weight_shift import WeightShiftParams

    band_m = WeightShiftParams().hold_band_cm / 100.0
    attempts = plan_attempts(spec, SUPPORTED, "short_range", fault_makes_partial=False)
    rest = standing()
    tl = Timeline(rest)
    tl.hold(spec.start_rest_s)
    reps, sides = [], []
    first = "left" if spec.side == "both" else spec.side
    side_of = [first if spec.side != "both" or k % 2 == 0 else other_side(first) for k in range(len(attempts))]
    all_low = {s: all(a.has("short_range") for a, sd in zip(attempts, side_of) if sd == s and not a.partial)
               for s in ("left", "right")}
    for a, side in zip(attempts, side_of):
        cm = SHIFT_CM * PARTIAL_SHARE if a.partial else LOW_SHIFT_CM if a.has("short_range") else SHIFT_CM
        counted = not a.partial and (all_low[side] or not a.has("short_range"))
        shift_m = cm / 100.0 * (1.0 if side == "left" else -1.0)
        start = tl.now
        peak = tl.to(a.dur(SHIFT_S), replace(rest, pelvis_shift=shift_m))
        tl.hold(a.dur(HOLD_S))
        end = tl.to(a.dur(BACK_S), rest)
        reps.append(rep_truth(a, start, end, peak, counted=counted, shift_cm=cm, plateau_s=a.dur(HOLD_S),
                              hold_s=held_within(tl, start, end, shift_m, band_m)))
        sides.append(side)
        tl.hold(MIDDLE_S + a.pause_after_s)
    tl.hold(spec.end_rest_s)
    per_side = {s: sum(r.counted and sd == s for r, sd in zip(reps, sides)) for s in ("left", "right")}
    return Motion(tl, reps, notes={"sides": sides, "per_side": per_side})
