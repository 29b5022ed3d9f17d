"""Marching in place: one knee up (the thigh ``LIFT_DEG`` from vertical, the knee bent so the foot
hangs under it), the foot back down, then the other leg; ``side`` "left"/"right" steps with that
leg only (stepping practice for one weak leg).

Steps start on a beat: every ``STEP_PERIOD_S / tempo`` seconds, plus ``ClipSpec.pauses_s`` after a
step; ``rep_tempo`` makes one step quicker or slower (a hurried or a dragged step, off the beat).
Truth per step: ``start_s`` the thigh starts to swing up, ``peak_s`` the top, ``end_s`` the foot is
down; ``knee_lift_deg`` the hip flexion at the top. ``notes``: each step's side, the steps per leg
and the steps' onsets (for cadence and the beat).
A partial attempt lifts the thigh ``PARTIAL_LIFT_DEG``: among full steps a smaller movement than
the person's usual, not counted (``low_step``). Steps asked to show "low_step" lift ``LOW_LIFT_DEG``,
under the 30 deg default target: counted when every step is low (that is this person's usual step), else
like a partial one.
"""
from __future__ import annotations

from dataclasses import replace

from coach.synth.body import ArmPose, BodyDims
from coach.synth.extended import ExtPosture
from coach.synth.motion import Timeline
from coach.synth.scripts.common import Motion, other_side, plan_attempts, rep_truth
from coach.synth.spec import ClipSpec

SUPPORTED = {"low_step"}
STEP_PERIOD_S = 1.0  # 60 steps a minute at tempo 1.0
UP_S, TOP_S, DOWN_S = 0.32, 0.08, 0.32
LIFT_DEG = 60.0
LOW_LIFT_DEG = 24.0  # under the 30 deg default target: low_step
PARTIAL_LIFT_DEG = 35.0  # ~0.35 of a full step's knee lead: an attempt, not a step
TREMBLE_DEG, TREMBLE_HZ = 10.0, 3.0  # a trembling freeze: small knee bobs, 3 a second each leg
KNEE_PER_HIP = 1.2  # the knee bends a little more than the hip flexes: the foot hangs under the knee


def standing() -> ExtPosture:
    arms = ArmPose(abduction=10, elbow_flex=15)
    return ExtPosture(trunk_flexion=1.0, stance_half=0.0, left_arm=arms, right_arm=arms)


def _tremble(tl: Timeline, rest: ExtPosture, seconds: float, hz: float = TREMBLE_HZ,
             deg: float = TREMBLE_DEG) -> None:
    """Legs trembling in place (a freeze with festination): the knees bob ``deg`` in turn,
    ``hz`` times a second each, the feet never leaving the floor."""
    half = 0.5 / hz
    leg = "left"
    end = tl.now + seconds
    while tl.now + half <= end + 1e-9:
        bob = replace(rest, support=other_side(leg)).with_side(leg, leg={"hip_flex": deg,
                                                                         "knee_flex": deg * KNEE_PER_HIP})
        tl.current = replace(tl.current, support=other_side(leg))
        tl.move(half, [(0.5, bob), (1.0, replace(rest, support=other_side(leg)))])
        tl.current = rest
        leg = other_side(leg)
    tl.hold(max(end - tl.now, 0.0))


def build(spec: ClipSpec, dims: BodyDims, trembles: dict[int, float] | None = None,
          tremble_hz: float = TREMBLE_HZ, tremble_deg: float = TREMBLE_DEG) -> Motion:
    """``trembles``: after step k, that many seconds of trembling in place before the next step
    (a freeze; ``pauses_s`` makes a still one); k = 0: before the first step (a freeze at the start).
    Each leg bobs ``tremble_deg`` ``tremble_hz`` times a second. Their times are in ``notes["freezes"]``."""
    trembles = trembles or {}
    freezes = []
    attempts = plan_attempts(spec, SUPPORTED, "low_step", fault_makes_partial=False)
    all_low = all(a.has("low_step") for a in attempts if not a.partial)
    rest = standing()
    tl = Timeline(rest)
    tl.hold(spec.start_rest_s)
    if 0 in trembles:
        freezes.append({"after_step": 0, "start_s": round(tl.now, 4), "trembling": True})
        _tremble(tl, rest, trembles[0], tremble_hz, tremble_deg)
        freezes[-1]["end_s"] = round(tl.now, 4)
        tl.hold(0.5)
    reps, sides, onsets = [], [], []
    leg = "left" if spec.side == "both" else spec.side
    for a in attempts:
        lift = PARTIAL_LIFT_DEG if a.partial else LOW_LIFT_DEG if a.has("low_step") else LIFT_DEG
        counted = not a.partial and (all_low or not a.has("low_step"))
        up = replace(rest, support=other_side(leg)).with_side(leg, leg={"hip_flex": lift, "knee_flex": lift * KNEE_PER_HIP})
        tl.current = replace(tl.current, support=other_side(leg))  # the other foot carries the body
        start = tl.now
        peak = tl.to(a.dur(UP_S), up)
        tl.hold(a.dur(TOP_S))
        end = tl.to(a.dur(DOWN_S), replace(rest, support=other_side(leg)))
        tl.current = rest
        reps.append(rep_truth(a, start, end, peak, counted=counted, knee_lift_deg=lift))
        sides.append(leg)
        onsets.append(round(start, 4))
        # The next step starts on the next beat (the beat is the tempo's, whatever this step took).
        tl.hold(max(STEP_PERIOD_S / spec.tempo - (end - start), 0.0))
        if a.pause_after_s or a.index in trembles:
            freezes.append({"after_step": a.index, "start_s": round(tl.now, 4), "trembling": a.index in trembles})
            tl.hold(a.pause_after_s)
            if a.index in trembles:
                _tremble(tl, rest, trembles[a.index], tremble_hz, tremble_deg)
            freezes[-1]["end_s"] = round(tl.now, 4)
        if spec.side == "both":
            leg = other_side(leg)
    tl.hold(spec.end_rest_s)
    per_side = {s: sum(r.counted and sd == s for r, sd in zip(reps, sides)) for s in ("left", "right")}
    return Motion(tl, reps, notes={"sides": sides, "per_side": per_side, "onsets_s": onsets,
                                   "step_period_s": STEP_PERIOD_S / spec.tempo, "freezes": freezes})
