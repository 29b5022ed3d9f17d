"""Tandem stance (one foot straight in front of the other, heel to toe) or its easier variant,
feet together: step into the position, hold it while swaying a little, then leave it: a
controlled step back (0.8 s) or a sudden step out to the side (0.25 s, loss of balance).

Truth per hold (scanned every 5 ms): ``start_s`` the stepping foot is within ``PLACED_M`` (1 cm)
of its place and of the floor, ``end_s`` a foot has moved ``PLACED_M`` from its place (the step
out has begun); ``event`` is the sudden step (its landing time). Which leg: the foot in front (tandem) or the one that moved
(feet together).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from coach.synth.body import ArmPose, BodyDims
import numpy as np

from coach.pose.landmarks import Landmark
from coach.synth.extended import ExtPosture, ext_points, first_time
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, other_side
from coach.synth.truth import RepTruth

PLACE_S, BACK_S, SUDDEN_S, REST_S = 0.9, 0.8, 0.25, 2.0
STANCE_HALF_M = 0.02
FEET_TOGETHER_GAP_M = 0.09  # ankle to ankle with the feet side by side, touching
SWAY_PERIOD_S = 2.0
SWAY_DEG = 2.0  # trunk sway side to side (tandem is narrow: the body sways sideways)
LIFT_M = 0.05  # the stepping foot clears the floor by this mid-step
SUDDEN_OUT_M = 0.25
PLACED_M = 0.01
ANKLES = {"left": int(Landmark.LEFT_ANKLE), "right": int(Landmark.RIGHT_ANKLE)}


@dataclass(frozen=True)
class TandemHold:
    seconds: float
    ending: str = "back"  # "back" (controlled) or "step" (sudden step out)


def standing() -> ExtPosture:
    arms = ArmPose(abduction=12, elbow_flex=10)
    return ExtPosture(trunk_flexion=1.0, stance_half=STANCE_HALF_M, left_arm=arms, right_arm=arms)


def placed(dims: BodyDims, lead: str, variant: str) -> ExtPosture:
    """The held position: ``lead`` foot in front of the other (tandem) or beside it (together)."""
    width = 2 * (dims.hip_half + STANCE_HALF_M)  # ankle to ankle at rest
    if variant == "tandem":
        fwd, inward = dims.heel_back + dims.toe_fwd, width
    elif variant == "feet_together":
        fwd, inward = 0.0, width - FEET_TOGETHER_GAP_M
    else:
        raise ValueError(f"variant must be tandem or feet_together, got {variant!r}")
    return replace(standing(), **{f"{lead}_foot_fwd": fwd, f"{lead}_foot_out": -inward})


def script(holds: tuple[TandemHold, ...], lead: str = "right", variant: str = "tandem", height_m: float = 1.70,
           start_rest_s: float = 2.0, pauses_s: dict[int, float] | None = None) -> tuple[Timeline, dict]:
    """Timeline and truth of stepping into ``variant`` with ``lead`` for each of ``holds``;
    ``pauses_s``: extra rest after a hold (1-based)."""
    dims = BodyDims(height_m)
    rest = standing()
    pos = placed(dims, lead, variant)
    tl = Timeline(rest)
    tl.hold(start_rest_s)
    truth = []
    for k, h in enumerate(holds, 1):
        mid = replace(pos, **{f"{lead}_foot_fwd": pos.foot(lead)[0] / 2, f"{lead}_foot_out": pos.foot(lead)[1] / 2,
                              f"{lead}_foot_up": LIFT_M})
        start = tl.move(PLACE_S, [(0.5, mid), (1.0, pos)])
        _sway(tl, pos, h.seconds)
        end = tl.now
        event = None
        if h.ending == "back":
            back_mid = replace(mid, trunk_lateral=0.0)
            tl.move(BACK_S, [(0.5, back_mid), (1.0, rest)])
        elif h.ending == "step":
            rear = other_side(lead)
            out = replace(tl.current, **{f"{rear}_foot_out": SUDDEN_OUT_M}, trunk_lateral=-4.0 if rear == "right" else 4.0)
            up = replace(out, **{f"{rear}_foot_out": SUDDEN_OUT_M / 2, f"{rear}_foot_up": LIFT_M})
            landed = tl.move(SUDDEN_S, [(0.5, up), (1.0, out)])
            event = {"kind": "step", "time_s": round(landed, 4)}
            tl.hold(1.0)
            tl.to(1.0, rest)
        else:
            raise ValueError(f"ending must be back or step, got {h.ending!r}")
        placed_at = {s: ext_points(dims, pos)[i] for s, i in ANKLES.items()}

        def off(q):
            pts = ext_points(dims, q)
            return max(float(np.linalg.norm(pts[i] - placed_at[s])) for s, i in ANKLES.items())

        start = first_time(tl, lambda q: off(q) <= PLACED_M, start - PLACE_S, start)
        end = first_time(tl, lambda q: off(q) > PLACED_M, end, end + BACK_S)
        truth.append({"index": k, "start_s": round(start, 4), "end_s": round(end, 4), "hold_s": round(end - start, 4),
                      "leg": lead, "variant": variant, "ending": h.ending, "event": event})
        tl.hold(REST_S + (pauses_s or {}).get(k, 0.0))
    return tl, {"exercise": "tandem-stance", "variant": variant, "lead": lead, "holds": truth}


def _sway(tl: Timeline, pos: ExtPosture, seconds: float) -> None:
    left, right = replace(pos, trunk_lateral=SWAY_DEG), replace(pos, trunk_lateral=-SWAY_DEG)
    cycles = int(seconds // SWAY_PERIOD_S)
    q = SWAY_PERIOD_S / 4
    for _ in range(cycles):
        tl.to(q, left)
        tl.to(2 * q, right)
        tl.to(q, pos)
    if seconds - cycles * SWAY_PERIOD_S > 1e-9:
        tl.hold(seconds - cycles * SWAY_PERIOD_S)


DEFAULT_HOLD_S = 10.0


def build(spec, dims: BodyDims) -> Motion:
    """``coach.synth`` entry: ``spec.reps`` tandem holds of ``spec.hold_s`` (default 10 s), the right
    foot in front (``spec.side`` left/right chooses the front foot), each left with a controlled
    step back; ``spec.pauses_s`` add rest after a hold. No partial attempts or faults."""
    if spec.partial_reps or spec.faults:
        raise ValueError("tandem-stance clips are timed holds: no partial attempts or faults")
    lead = spec.side if spec.side in ("left", "right") else "right"
    seconds = spec.hold_s or DEFAULT_HOLD_S
    tl, truth = script(tuple(TandemHold(seconds) for _ in range(spec.reps)), lead, "tandem", dims.height_m,
                       spec.start_rest_s, spec.pauses_s)
    reps = [RepTruth(h["index"], h["start_s"], h["end_s"], True, peak_s=h["start_s"],
                     metrics={"hold_s": h["hold_s"]}) for h in truth["holds"]]
    return Motion(tl, reps, notes=truth)
