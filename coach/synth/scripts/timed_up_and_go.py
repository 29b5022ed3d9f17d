"""Timed Up and Go: rise from a ~45 cm chair, walk 3 m, turn 180 deg, walk back, turn and sit.

Not a rep exercise (no ``ExerciseSpec``): ``script()`` gives the timeline and the truth, and
``coach.synth.extended.generate_ext`` the true poses (side view by default; ``figure_scale`` small
enough that chair and 3 m path fit, or larger so the far end leaves the picture, as in real clips).

Truth (seconds, scanned every 5 ms): ``start_s`` the rise begins (the forward lean starts),
``stand_s`` standing: both knees within ``KNEE_STRAIGHT_DEG`` of straight, ``turn_start_s`` /
``turn_end_s`` the 180 deg turn at 3 m: the body has turned ``TURN_DEG`` / is within ``TURN_DEG``
of the opposite direction (the usual way instrumented TUGs date a turn: a smooth movement has no
sharper edge), ``sit_turn_s`` the turn back toward the chair has turned ``TURN_DEG``,
``seated_s`` the buttocks are back on the seat (hips within 1 cm of their seated height, as for
the 5xSTS), ``time_s`` = seated - start.
Phases: stand-up (start..stand), walk out (stand..turn start), turn, walk back (turn end..sit
turn), sit-down (sit turn..seated: the turn to the chair and the sit).
"""
from __future__ import annotations

from dataclasses import fields, replace

from coach.pose.landmarks import Landmark
from coach.synth.body import BodyDims, Posture
from coach.synth.extended import ExtPosture, ext_points, first_time
from coach.synth.motion import Timeline
from coach.synth.scripts.sit_to_stand import RISE_S, SEATED, SIT_S, legs
from coach.synth.truth import SEAT_CONTACT_M

WALK_M = 3.0
STEP_M = 0.5  # one step: the swing foot from 25 cm behind the body to 25 cm ahead
STEP_LIFT_M = 0.05
TURN_S = 1.4
SIT_TURN_S = 1.2
SEATED_EXT = ExtPosture(**{f.name: getattr(SEATED, f.name) for f in fields(Posture)})
KNEE_STRAIGHT_DEG = 5.0
LEAN_SHARE = 0.38  # of the rise: the forward lean up to seat-off
TURN_DEG = 15.0


def _walk(tl: Timeline, standing: ExtPosture, distance_m: float, seconds: float, first: str = "right") -> float:
    """Walk ``distance_m`` along the current heading (negative: back toward the chair)."""
    steps = max(2, int(round(abs(distance_m) / STEP_M)))
    start = tl.current.walk_fwd_m
    keys = []
    swing = first
    for k in range(steps):
        u0, u1 = k / steps, (k + 1) / steps
        stance = "left" if swing == "right" else "right"
        pos = start + distance_m * u1
        # Mid-swing: the swing foot passes the stance foot, a little off the floor.
        mid = replace(standing, walk_fwd_m=start + distance_m * (u0 + u1) / 2,
                      **{f"{swing}_foot_fwd": 0.0, f"{swing}_foot_up": STEP_LIFT_M,
                         f"{stance}_foot_fwd": 0.0})
        last = k == steps - 1
        land = replace(standing, walk_fwd_m=pos,
                       **{f"{swing}_foot_fwd": 0.0 if last else STEP_M / 2,
                          f"{stance}_foot_fwd": 0.0 if last else -STEP_M / 2})
        keys += [((u0 + u1) / 2, mid), (u1, land)]
        swing = stance
    return tl.move(seconds, keys)


walk = _walk  # a second person's walk (coach.synth.tug's passer-by)


def _turn(tl: Timeline, seconds: float, degrees: float) -> float:
    here = tl.current
    half = replace(here, heading_deg=here.heading_deg + degrees / 2, right_foot_up=STEP_LIFT_M * 0.6)
    return tl.move(seconds, [(0.5, half), (1.0, replace(here, heading_deg=here.heading_deg + degrees,
                                                          right_foot_up=0.0))])


def script(walk_s: float = 3.6, height_m: float = 1.70, start_rest_s: float = 2.0, end_rest_s: float = 1.5,
           speed: float = 1.0) -> tuple[Timeline, dict]:
    """A TUG at ``speed`` (1.0: rise 1.15 s, 3 m in ``walk_s``, ...); returns (timeline, truth)."""
    dims = BodyDims(height_m)
    tl = Timeline(SEATED_EXT)
    tl.hold(start_rest_s)
    start = tl.now
    seat_off = replace(legs(SEATED_EXT, 86, 14), trunk_flexion=32.0)
    mid = replace(legs(SEATED_EXT, 38, 8), trunk_flexion=19.0)
    arms = SEATED_EXT.left_arm.__class__(abduction=10, elbow_flex=15)
    standing = replace(legs(SEATED_EXT, 1.0, 0), trunk_flexion=1.0, stance_half=0.02, left_arm=arms, right_arm=arms)
    # The forward lean is its own smooth movement, deepest (and slowest) at seat-off, as on real
    # clips (one eased move through all keys would peak the lean at full speed, a sharp corner).
    tl.move(LEAN_SHARE * RISE_S / speed, [(1.0, seat_off)])
    stand = tl.move((1 - LEAN_SHARE) * RISE_S / speed, [(0.45, mid), (1.0, standing)])
    _walk(tl, standing, WALK_M, walk_s / speed)
    turn_start = tl.now
    turn_end = _turn(tl, TURN_S / speed, 180.0)
    _walk(tl, replace(standing, heading_deg=180.0), -WALK_M, walk_s / speed)
    sit_turn = tl.now
    _turn(tl, SIT_TURN_S / speed, 180.0)
    leave = tl.now
    back_seated = replace(SEATED_EXT, heading_deg=360.0)
    # Sitting down the knees keep bending until the seat takes the weight (they stop there): the
    # lean-forward posture just above the seat still has them ~10 deg short of seated. The trunk
    # leans deepest as the buttocks meet the seat and swings back up on it (as on the real clips:
    # both show the deepest lean within 0.1 s of the seat contact read frame by frame).
    sit_lean = replace(legs(SEATED_EXT, 76, 12), trunk_flexion=29.0, heading_deg=360.0)
    contact = replace(SEATED_EXT, trunk_flexion=31.0, heading_deg=360.0)
    end = tl.move(SIT_S / speed, [(0.25, replace(mid, heading_deg=360.0, trunk_flexion=17.0)), (0.55, sit_lean),
                                  (0.72, contact), (1.0, back_seated)])
    hips = [int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)]
    seated_level = ext_points(dims, SEATED_EXT)[hips, 1].mean() + SEAT_CONTACT_M
    seated = first_time(tl, lambda p: ext_points(dims, p)[hips, 1].mean() <= seated_level, leave, end)
    tl.hold(end_rest_s)
    stand = first_time(tl, lambda q: max(q.left_leg.knee_flex, q.right_leg.knee_flex) <= KNEE_STRAIGHT_DEG, start, stand)
    turn_start = first_time(tl, lambda q: q.heading_deg >= TURN_DEG, turn_start, turn_end)
    turn_end = first_time(tl, lambda q: q.heading_deg >= 180.0 - TURN_DEG, turn_start, turn_end)
    sit_turn = first_time(tl, lambda q: q.heading_deg >= 180.0 + TURN_DEG, sit_turn, leave)
    truth = {"test": "timed-up-and-go", "start_s": round(start, 4), "stand_s": round(stand, 4),
             "turn_start_s": round(turn_start, 4), "turn_end_s": round(turn_end, 4),
             "sit_turn_s": round(sit_turn, 4), "seated_s": round(seated, 4), "time_s": round(seated - start, 4),
             "walk_m": WALK_M}
    truth["phases"] = {"stand_up": round(stand - start, 4), "walk_out": round(turn_start - stand, 4),
                       "turn": round(turn_end - turn_start, 4), "walk_back": round(sit_turn - turn_end, 4),
                       "sit_down": round(seated - sit_turn, 4)}
    return tl, truth
