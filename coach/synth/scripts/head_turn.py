"""Head turns, seated or standing: from straight ahead to one side and back, alternating sides
(left first), with an optional pause in the middle; or smaller turns that are not this person's
usual (uncounted attempts).

Truth per turn (exact segment boundaries): ``start_s`` the head leaves the middle, ``peak_s``
the end of the turn, ``end_s`` back in the middle; ``side`` the side turned to; ``range_deg``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from coach.synth.body import BodyDims
from coach.synth.extended import ExtPosture
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, plan_attempts, rep_truth
from coach.synth.scripts.sit_to_stand import SEATED, chair_under

TURN_S, HOLD_S, BACK_S = 0.7, 0.25, 0.7


@dataclass(frozen=True)
class Turn:
    side: str  # "left" or "right"
    degrees: float = 45.0
    pause_s: float = 0.4  # still in the middle afterwards
    counted: bool = True  # False: a smaller turn than the usual one (an attempt)


def alternating(n: int, degrees: float = 45.0, pause_s: float = 0.4) -> tuple[Turn, ...]:
    return tuple(Turn("left" if k % 2 == 0 else "right", degrees, pause_s) for k in range(n))


def script(turns: tuple[Turn, ...], seated: bool = True, start_rest_s: float = 2.0, end_rest_s: float = 1.2,
           speed: float = 1.0) -> tuple[Timeline, dict]:
    start = _start(seated)
    tl = Timeline(start)
    tl.hold(start_rest_s)
    truth = []
    for k, turn in enumerate(turns, 1):
        sign = 1.0 if turn.side == "left" else -1.0
        t0 = tl.now
        peak = tl.to(TURN_S / speed, replace(start, head_yaw=sign * turn.degrees))
        tl.hold(HOLD_S / speed)
        end = tl.to(BACK_S / speed, start)
        truth.append({"index": k, "side": turn.side, "start_s": round(t0, 4), "peak_s": round(peak, 4),
                      "end_s": round(end, 4), "range_deg": turn.degrees, "counted": turn.counted})
        tl.hold(turn.pause_s)
    tl.hold(end_rest_s)
    return tl, {"exercise": "head-turn", "turns": truth,
                "true_reps": sum(t["counted"] for t in truth),
                "per_side": {s: sum(t["counted"] and t["side"] == s for t in truth) for s in ("left", "right")}}


PARTIAL_SHARE = 0.25  # a partial attempt turns a quarter of the usual way: not counted, short_range


def build(spec, dims: BodyDims) -> Motion:
    """``coach.synth`` entry (``ClipSpec``): ``spec.attempts`` turns alternating left and right,
    45 deg, partial attempts a quarter of that (``short_range``), with the spec's pauses and
    tempos. Standing when ``spec.side`` is "both" (the default), else seated on a chair."""
    attempts = plan_attempts(spec, {"short_range"}, "short_range")
    seated = spec.side != "both"
    tl = Timeline(_start(seated))
    tl.hold(spec.start_rest_s)
    reps = []
    rest = tl.current
    for k, a in enumerate(attempts):
        sign = 1.0 if k % 2 == 0 else -1.0
        deg = 45.0 * (PARTIAL_SHARE if a.partial else 1.0)
        t0 = tl.now
        peak = tl.to(a.dur(TURN_S), replace(rest, head_yaw=sign * deg))
        tl.hold(a.dur(HOLD_S))
        end = tl.to(a.dur(BACK_S), rest)
        reps.append(rep_truth(a, t0, end, peak, range_deg=deg))
        tl.hold(0.4 + a.pause_after_s)
    tl.hold(spec.end_rest_s)
    if not seated:
        return Motion(tl, reps)
    chair = chair_under(dims, SEATED)
    return Motion(tl, reps, chair=chair, center_fwd_m=(chair.back_m + 0.25) / 2)


def _start(seated: bool = True) -> ExtPosture:
    if seated:
        return ExtPosture(**{f: getattr(SEATED, f) for f in SEATED.__dataclass_fields__})
    return ExtPosture(trunk_flexion=1.0, stance_half=0.03)
