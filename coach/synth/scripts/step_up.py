"""Step-ups on a low step (``STEP_M``, a 4-inch step) in front of the person: the lead foot goes up
onto the step, the body rises onto it over the lead leg while the trailing foot comes up beside
it, then the lead foot steps back down to the floor and the trailing one follows. ``side``
"left"/"right" leads every step-up with that leg; "both" alternates, starting with the left.

The step is drawn (``Chair(solid=True)``); the legs are solved from where the feet are
(``ExtPosture.knees_follow_feet``), the whole figure raised and moved forward onto the step
(``rise_m``, ``walk_fwd_m``).

Truth per step-up: ``start_s`` the lead foot leaves the floor, ``peak_s`` both feet are on the
step, ``end_s`` the trailing foot is back on the floor; ``rise_cm`` how far the body rose; notes:
each attempt's lead leg (``leads``), the counted step-ups per lead leg (``per_side``) and
whether each counted one changed lead from the one before (``alternated``).
A partial attempt puts the lead foot on the step, pushes the body ``PARTIAL_RISE_M`` up and
comes back down (not counted, ``incomplete_step``). Faults: ``trunk_flexion`` (the trunk leans ``LEAN_DEG``
forward on the way up), ``trunk_lean`` (``SIDE_LEAN_DEG`` sideways over the lead leg),
``knee_valgus`` (the lead knee falls ``VALGUS_M`` toward the midline while it lifts the body),
``hand_support`` (one hand holds a rail at ``RAIL_M`` and slides along it: the wrist does not
rise with the body).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from coach.synth.body import ArmPose, BodyDims, _arm, side_sign
from coach.synth.extended import ExtPosture, ext_skeleton
from coach.synth.motion import Timeline
from coach.synth.scene import Chair
from coach.synth.scripts.common import Motion, other_side, plan_attempts, rep_truth
from coach.synth.spec import ClipSpec

SUPPORTED = {"incomplete_step", "trunk_flexion", "trunk_lean", "knee_valgus", "hand_support"}
STEP_M = 0.10  # step height: a "4-inch step"
STEP_NEAR_M, STEP_FAR_M = 0.12, 0.52  # the step's near and far edges ahead of the ankles' rest spot
ON_STEP_M = 0.30  # where a foot stands on the step (ankle ahead of its rest spot)
APEX_M = 0.18  # a swinging foot's height over the floor as it clears the step's edge
NORMAL_LEAN_DEG = 8.0  # everyone leans a little forward to step up
LEAN_DEG = 40.0
SIDE_LEAN_DEG = 18.0
VALGUS_M = 0.09
RAIL_M = 0.98  # rail height above the floor
RAIL_OUT_M = 0.33  # rail's distance from the midline
REST_BETWEEN_S = 0.8
PARTIAL_RISE_M = 0.06  # a try that does not make it up: under the 0.7 of a full rise that counts


def standing() -> ExtPosture:
    arms = ArmPose(abduction=8, elbow_flex=15)
    return ExtPosture(trunk_flexion=1.0, left_arm=arms, right_arm=arms, knees_follow_feet=True)


def _at(p: ExtPosture, walk: float, rise: float, feet: dict[str, tuple[float, float]], **extra) -> ExtPosture:
    """``p`` with the body moved ``walk`` forward and ``rise`` up, each foot where ``feet`` puts it
    (forward, up: over the floor, not the body)."""
    kw = {"walk_fwd_m": walk, "rise_m": rise, **extra}
    for side, (fwd, up) in feet.items():
        kw[f"{side}_foot_fwd"], kw[f"{side}_foot_up"] = fwd - walk, up - rise
    return replace(p, **kw)


def _holding(dims: BodyDims, p: ExtPosture, side: str) -> ExtPosture:
    """``p`` with ``side``'s hand on the rail beside the body (sliding along with it): the arm
    angles that put the wrist nearest the rail point, found by a coarse-to-fine search."""
    sk = ext_skeleton(dims, p)
    s = side_sign(side)
    shoulder = sk[f"{side}_shoulder"]
    target = np.array([shoulder[0] + 0.15, RAIL_M, s * RAIL_OUT_M])
    best, span = np.array([30.0, 40.0, 75.0]), np.array([120.0, 80.0, 150.0])
    for _ in range(5):
        grid = [best + span * np.array([a, b, c]) / 2 for a in np.linspace(-1, 1, 7)
                for b in np.linspace(-1, 1, 7) for c in np.linspace(-1, 1, 7)]
        grid = [g for g in grid if 0 <= g[2] <= 150 and 0 <= g[1] <= 90 and -30 <= g[0] <= 120]
        err = [np.linalg.norm(_arm(dims, ArmPose(g[0], g[1], g[2]), side, shoulder, sk.trunk_up, sk.trunk_fwd,
                                   sk.shoulder_axis * s, shoulder)[1] - target) for g in grid]
        best, span = grid[int(np.argmin(err))], span / 3
    return p.with_side(side, arm={"flexion": best[0], "abduction": best[1], "elbow_flex": best[2]})


def build(spec: ClipSpec, dims: BodyDims) -> Motion:
    attempts = plan_attempts(spec, SUPPORTED, "incomplete_step")
    rest = standing()
    tl = Timeline(rest)
    tl.hold(spec.start_rest_s)
    reps, leads = [], []
    lead = "left" if spec.side == "both" else spec.side
    hand = "right" if spec.view == "front" or spec.facing == "right" else "left"  # the hand nearer the camera
    floor, step = (0.0, 0.0), (ON_STEP_M, STEP_M)
    for a in attempts:
        trail = other_side(lead)
        held = a.has("hand_support")
        base = rest
        lean = LEAN_DEG if a.has("trunk_flexion") else NORMAL_LEAN_DEG
        lateral = SIDE_LEAN_DEG * side_sign(lead) if a.has("trunk_lean") else 0.0
        valgus = {"knee_in": VALGUS_M} if a.has("knee_valgus") else {}

        def pose(walk, rise, lead_at, trail_at, bend=0.0, side_bend=0.0, knee=None):
            p = _at(base, walk, rise, {lead: lead_at, trail: trail_at}, trunk_flexion=1.0 + bend,
                    trunk_lateral=side_bend)
            if knee:
                p = p.with_side(lead, leg=knee)
            return _holding(dims, p, hand) if held else p

        if held:  # the hand goes to the rail first
            tl.to(0.5, pose(0.0, 0.0, floor, floor))
        start = tl.now
        # Lead foot up over the edge and onto the step.
        tl.move(a.dur(0.65), [(0.5, pose(0.0, 0.0, (0.15, APEX_M), floor)), (1.0, pose(0.0, 0.0, step, floor))])
        if a.partial:  # ... a push that does not make it up, and back down
            peak = tl.to(a.dur(0.6), pose(0.1, PARTIAL_RISE_M, step, floor, NORMAL_LEAN_DEG))
            tl.hold(a.dur(0.2))
            tl.to(a.dur(0.6), pose(0.0, 0.0, step, floor))
            end = tl.move(a.dur(0.6), [(0.5, pose(0.0, 0.0, (0.12, APEX_M), floor)), (1.0, pose(0.0, 0.0, floor, floor))])
            reps.append(rep_truth(a, start, end, peak, rise_cm=100.0 * PARTIAL_RISE_M))
        else:
            # Push up over the lead leg: the trailing heel comes off the floor, the trunk leans.
            tl.to(a.dur(0.45), pose(0.12, 0.03, step, floor, lean * 0.8, lateral, knee=valgus))
            # The trailing foot swings up over the edge and onto the step beside the lead.
            tl.to(a.dur(0.4), pose(0.26, 0.085, step, (0.2, APEX_M + 0.04), lean, lateral, knee=valgus))
            peak = tl.to(a.dur(0.3), pose(ON_STEP_M, STEP_M, step, step))
            tl.hold(a.dur(0.3))
            # Down: the lead foot back to the floor (the trailing knee bends), then the trailing one.
            tl.to(a.dur(0.4), pose(0.22, 0.07, (0.1, APEX_M - 0.02), step))
            tl.to(a.dur(0.35), pose(0.12, 0.0, floor, step))
            end = tl.move(a.dur(0.5), [(0.5, pose(0.05, 0.0, floor, (0.12, APEX_M))), (1.0, pose(0.0, 0.0, floor, floor))])
            reps.append(rep_truth(a, start, end, peak, rise_cm=100.0 * STEP_M))
        if held:
            tl.to(0.5, replace(rest))
        leads.append(lead)
        tl.hold(REST_BETWEEN_S + a.pause_after_s)
        if spec.side == "both":
            lead = other_side(lead)
    tl.hold(spec.end_rest_s)
    counted = [ld for r, ld in zip(reps, leads) if r.counted]
    per_side = {s: counted.count(s) for s in ("left", "right")}
    alternated = [None] + [b != a for a, b in zip(counted, counted[1:])]
    step_box = Chair(seat_height_m=STEP_M, front_m=STEP_FAR_M, back_m=STEP_NEAR_M, width_m=0.6, solid=True)
    return Motion(tl, reps, chair=step_box, center_fwd_m=ON_STEP_M / 2,
                  notes={"leads": leads, "per_side": per_side, "alternated": alternated, "step_cm": 100.0 * STEP_M})
