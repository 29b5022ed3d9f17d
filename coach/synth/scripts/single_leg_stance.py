"""Standing on one leg: the free foot is lifted behind (knee bent), held while the body sways a
little, then put down again: lowered back to where it took off, a sudden step forward and out
(loss of balance), or a fall-like drop (both knees give way, the hips drop ~30 cm in 0.4 s).

Truth per hold (figure frame, scanned every 5 ms): ``start_s`` the free ankle is ``FOOT_OFF_M``
(2 cm) above where it stood, ``end_s`` the hold is over: the foot is back under 2 cm (the
lowering or the step) or, for a drop, the hips are ``DROP_ONSET_M`` (1 cm) under their level. ``sway_*`` are the hip / shoulder
midpoint paths during the hold in the camera's image plane (cm), the part a single camera sees.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coach.pose.landmarks import Landmark
from coach.synth.body import ArmPose, BodyDims
from coach.synth.extended import ExtPosture, ext_points, first_time
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, other_side
from coach.synth.truth import RepTruth

LIFT_S, LOWER_S, STEP_S, DROP_S, REST_S = 0.5, 0.6, 0.25, 0.4, 2.0
SWAY_PERIOD_S = 1.6  # one forward-back sway cycle of the hold
SWAY_SHANK_TILT_DEG = 2.5  # ankle strategy: the body sways over the stance foot by ~2 cm
FREE_LEG = {"hip_flex": 10.0, "knee_flex": 80.0}  # the free foot ~28 cm up, behind
STEP_LEG = {"hip_flex": 25.0, "knee_flex": 0.0}  # the free leg swung forward for a step
ENDINGS = ("lowered", "step", "drop")
FOOT_OFF_M = 0.02  # the free ankle this high above its standing height: the foot is off the floor
DROP_ONSET_M = 0.01  # the hips this much under their standing height: a drop has begun


@dataclass(frozen=True)
class Hold:
    seconds: float
    ending: str = "lowered"  # "lowered", "step" or "drop"


def standing(stance: str) -> ExtPosture:
    arms = ArmPose(abduction=12, elbow_flex=10)
    return ExtPosture(trunk_flexion=1.0, stance_half=0.0, support=stance, left_arm=arms, right_arm=arms)


def script(holds: tuple[Hold, ...], stance: str = "left", height_m: float = 1.70,
           start_rest_s: float = 2.0, pauses_s: dict[int, float] | None = None) -> tuple[Timeline, dict]:
    """Timeline and truth of standing on ``stance`` for each of ``holds`` in turn; ``pauses_s``:
    extra rest on both feet after a hold (1-based)."""
    dims = BodyDims(height_m)
    free = other_side(stance)
    rest = standing(stance)
    lifted = rest.with_side(free, leg=FREE_LEG)
    tl = Timeline(rest)
    tl.hold(start_rest_s)
    truth = []
    for k, h in enumerate(holds, 1):
        if h.ending not in ENDINGS:
            raise ValueError(f"ending must be one of {ENDINGS}, got {h.ending!r}")
        start = tl.now
        tl.to(LIFT_S, lifted)
        sway_s = max(h.seconds - LIFT_S - (LOWER_S if h.ending == "lowered" else STEP_S if h.ending == "step" else 0.0), 0.2)
        _sway(tl, lifted, stance, sway_s)
        event = None
        if h.ending == "lowered":
            end = tl.to(LOWER_S, rest)
        elif h.ending == "step":
            # The free leg swings forward and the foot lands ~35 cm ahead and 10 cm out.
            straight_drop = (dims.thigh + dims.shank) * (1 - np.cos(np.radians(STEP_LEG["hip_flex"])))
            landed = replace(tl.current.with_side(free, leg=STEP_LEG), **{f"{free}_foot_up": -straight_drop,
                                                                          f"{free}_foot_out": 0.10})
            end = tl.to(STEP_S, landed)
            event = {"kind": "step", "time_s": round(end, 4)}
            tl.hold(1.0)
            back = rest.with_side(free, leg={"hip_flex": STEP_LEG["hip_flex"] / 2})
            half_drop = (dims.thigh + dims.shank) * (1 - np.cos(np.radians(STEP_LEG["hip_flex"] / 2)))
            back = replace(back, **{f"{free}_foot_up": 0.02 - half_drop})  # a 2 cm step back
            tl.move(1.0, [(0.5, back), (1.0, rest)])
        else:
            end = tl.now
            fallen = replace(tl.current, trunk_flexion=35.0).with_side(stance, leg={"knee_flex": 100.0, "shank_tilt": 40.0})
            fallen = fallen.with_side(free, leg={"hip_flex": 60.0, "knee_flex": 110.0})
            tl.to(DROP_S, fallen)
            event = {"kind": "drop", "time_s": round(end, 4)}
            tl.hold(1.5)
            tl.to(1.5, rest)
        start = first_time(tl, lambda p: _ankle_up(dims, p, free, rest) >= FOOT_OFF_M, start, start + LIFT_S)
        if h.ending == "drop":
            end = first_time(tl, lambda p: _hip_down(dims, p, rest) >= DROP_ONSET_M, end, end + DROP_S)
        else:
            end_move = STEP_S if h.ending == "step" else LOWER_S
            end = first_time(tl, lambda p: _ankle_up(dims, p, free, rest) < FOOT_OFF_M, end - end_move, end)
        if event is not None:
            event["time_s"] = round(end, 4)
        truth.append({"index": k, "start_s": round(start, 4), "end_s": round(end, 4),
                      "hold_s": round(end - start, 4), "stance_leg": stance, "ending": h.ending, "event": event})
        tl.hold(REST_S + (pauses_s or {}).get(k, 0.0))
    return tl, {"exercise": "single-leg-stance", "stance_leg": stance, "holds": truth}


def _ankle_up(dims: BodyDims, p, side: str, rest) -> float:
    i = int(Landmark.LEFT_ANKLE if side == "left" else Landmark.RIGHT_ANKLE)
    return float(ext_points(dims, p)[i][1] - ext_points(dims, rest)[i][1])


def _hip_down(dims: BodyDims, p, rest) -> float:
    hips = [int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)]
    return float(ext_points(dims, rest)[hips, 1].mean() - ext_points(dims, p)[hips, 1].mean())


def _sway(tl: Timeline, lifted: ExtPosture, stance: str, seconds: float) -> None:
    """Sway forward and back over the stance foot for ``seconds``, ending where it began."""
    fwd = lifted.with_side(stance, leg={"shank_tilt": SWAY_SHANK_TILT_DEG})
    fwd = replace(fwd, trunk_flexion=lifted.trunk_flexion + 2.0, trunk_lateral=1.5)
    back = lifted.with_side(stance, leg={"shank_tilt": -SWAY_SHANK_TILT_DEG * 0.6})
    half = SWAY_PERIOD_S / 2
    cycles = int(seconds // SWAY_PERIOD_S)
    for _ in range(cycles):
        tl.to(half / 2, fwd)
        tl.to(half, back)
        tl.to(half / 2, lifted)
    if seconds - cycles * SWAY_PERIOD_S > 1e-9:
        tl.hold(seconds - cycles * SWAY_PERIOD_S)


def add_sway_truth(clip) -> None:
    """Add each hold's true hip and shoulder path (cm, image plane) and mean speed to ``clip.truth``."""
    pairs = {"hip": (Landmark.LEFT_HIP, Landmark.RIGHT_HIP), "shoulder": (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)}
    t = np.arange(len(clip.poses)) / clip.fps
    for h in clip.truth["holds"]:
        keep = (t >= h["start_s"]) & (t <= h["end_s"])
        for name, (a, b) in pairs.items():
            # The world landmarks are hip-centred; the image plane's path comes from the image,
            # converted with the camera's own scale (true metres per pixel at the figure).
            xy = np.array([(p.image[int(a), :2] + p.image[int(b), :2]) / 2 * p.size for p in clip.poses])[keep]
            path_px = float(np.sum(np.linalg.norm(np.diff(xy, axis=0), axis=1)))
            h[f"sway_{name}_cm"] = round(path_px * clip.truth["cm_per_px"], 3)
        h["sway_speed_cm_s"] = round(h["sway_hip_cm"] / max(h["hold_s"], 1e-6), 3)


DEFAULT_HOLD_S = 5.0


def build(spec, dims: BodyDims) -> Motion:
    """``coach.synth`` entry: ``spec.reps`` holds of ``spec.hold_s`` (default 5 s) on ``spec.side``
    (both: the left leg), each lowered back; ``spec.pauses_s`` add rest after a hold. A hold has
    no partial attempts or faults (its time is the measure)."""
    if spec.partial_reps or spec.faults:
        raise ValueError("single-leg-stance clips are timed holds: no partial attempts or faults")
    stance = spec.side if spec.side in ("left", "right") else "left"
    seconds = spec.hold_s or DEFAULT_HOLD_S
    tl, truth = script(tuple(Hold(seconds) for _ in range(spec.reps)), stance, dims.height_m, spec.start_rest_s,
                       spec.pauses_s)
    reps = [RepTruth(h["index"], h["start_s"], h["end_s"], True, peak_s=h["start_s"] + LIFT_S,
                     metrics={"hold_s": h["hold_s"]}) for h in truth["holds"]]
    return Motion(tl, reps, notes=truth)
