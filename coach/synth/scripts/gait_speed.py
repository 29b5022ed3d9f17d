"""Gait speed: walk a marked course at a known speed, stop, turn round, walk it back (faster).

Not a rep exercise (no ``ExerciseSpec``): ``script()`` gives the timeline and the truth, and
``coach.synth.gait.gait_clip`` the true poses and pictures (a side camera facing the middle of the
course). The course (figure frame, metres along the start's forward axis): the person stands with
their hips at 0, two marks ``accel_m`` and ``accel_m + course_m`` ahead, and stops with the hips
``decel_m`` past the second; the way back uses the same marks, the other way round.

Each pass speeds up smoothly from standing (its speed rises as half a cosine over ``accel_m``),
walks at its constant speed through both marks and slows to a stop over ``decel_m``, so between
the marks the hips move at exactly the pass's speed. Steps: the stance foot planted, the swing foot
lifted through, the pelvis lowered where the feet are apart so the legs keep their length (the
knees are solved between hip and ankle: segment lengths never change, as the height calibration
assumes of a real body).

Truth per pass (``passes``): ``speed_m_s``, ``pace`` ("usual", "fast"), ``direction`` (+1 toward
the picture's right when facing right), ``cross_s`` (the hips' midpoint crossing the first and the
second mark it meets, scanned to 1 ms), ``time_s`` between them, ``start_s``/``stop_s`` (moving).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from coach.pose.landmarks import Landmark
from coach.synth.body import ArmPose, BodyDims
from coach.synth.extended import ExtPosture, ext_points
from coach.synth.scripts.sit_to_stand import legs
from coach.synth.scripts.timed_up_and_go import SEATED_EXT

COURSE_M = 4.0  # the home protocol's distance between the marks (CLINICAL.md: a 4-metre course)
ACCEL_M = 1.0  # room to reach one's pace before the first mark (and to stop after the second)
STEP_LIFT_M = 0.06
TURN_S = 1.6
REST_S = 1.0
PACES = ("usual", "fast")
STANDING = replace(legs(SEATED_EXT, 1.0, 0), trunk_flexion=1.0, stance_half=0.02, knees_follow_feet=True,
                   left_arm=ArmPose(abduction=8, elbow_flex=12), right_arm=ArmPose(abduction=8, elbow_flex=12))


def step_length_m(speed_m_s: float, height_m: float) -> float:
    """A step (heel strike to the other heel strike) at ``speed``: longer when faster (about 0.65 m at
    1.2 m/s for a 1.70 m adult, cadence ~110 steps a minute)."""
    return float(np.clip(0.35 + 0.25 * speed_m_s, 0.35, 0.8)) * height_m / 1.70


@dataclass(frozen=True)
class WalkPass:
    t0: float
    s0: float  # hips' start along the forward axis (m)
    distance_m: float
    speed_m_s: float
    accel_m: float
    decel_m: float
    heading_deg: float  # 0 walking forward (+), 180 walking back (-)
    height_m: float

    @property
    def direction(self) -> float:
        return 1.0 if abs(self.heading_deg % 360) < 90 else -1.0

    @property
    def t_accel(self) -> float:
        return 2 * self.accel_m / self.speed_m_s  # a half-cosine ramp covers half of speed x time

    @property
    def t_decel(self) -> float:
        return 2 * self.decel_m / self.speed_m_s

    @property
    def t_steady(self) -> float:
        return (self.distance_m - self.accel_m - self.decel_m) / self.speed_m_s

    @property
    def t1(self) -> float:
        return self.t0 + self.t_accel + self.t_steady + self.t_decel

    def travelled(self, t: float) -> float:
        """Metres walked at ``t`` (0 before, ``distance_m`` after)."""
        v, u = self.speed_m_s, t - self.t0
        ta, ts, td = self.t_accel, self.t_steady, self.t_decel
        if u <= 0:
            return 0.0
        if u < ta:  # v(u) = v (1 - cos(pi u / ta)) / 2
            return v / 2 * (u - ta / math.pi * math.sin(math.pi * u / ta))
        if u < ta + ts:
            return self.accel_m + v * (u - ta)
        w = u - ta - ts
        if w < td:  # v(w) = v (1 + cos(pi w / td)) / 2
            return self.accel_m + v * ts + v / 2 * (w + td / math.pi * math.sin(math.pi * w / td))
        return self.distance_m

    def posture_at(self, t: float) -> ExtPosture:
        d = self.travelled(t)
        step = step_length_m(self.speed_m_s, self.height_m)
        phase = d / step
        k, f = int(phase), phase - int(phase)
        swing = "right" if k % 2 == 0 else "left"
        stance = "left" if swing == "right" else "right"
        # the feet part over the first step and come together over the last
        amp = min(1.0, d / step, (self.distance_m - d) / step)
        half = amp * step / 2
        stance_fwd = half * (1 - 2 * f)
        leg = (0.491 * self.height_m)  # hip joint to ankle (Winter: thigh + shank)
        drop = leg - math.sqrt(max(leg * leg - stance_fwd * stance_fwd, 0.0)) + 0.004 * amp
        lift = STEP_LIFT_M * amp * math.sin(math.pi * f)
        return replace(STANDING, walk_fwd_m=self.s0 + self.direction * d, heading_deg=self.heading_deg,
                       rise_m=-drop,
                       **{f"{stance}_foot_fwd": stance_fwd, f"{swing}_foot_fwd": -stance_fwd,
                          f"{stance}_foot_up": drop, f"{swing}_foot_up": drop + lift})


@dataclass(frozen=True)
class Turn:
    t0: float
    duration_s: float
    s: float
    heading_from: float

    @property
    def t1(self) -> float:
        return self.t0 + self.duration_s

    def posture_at(self, t: float) -> ExtPosture:
        u = min(max((t - self.t0) / self.duration_s, 0.0), 1.0)
        e = u * u * u * (10 - 15 * u + 6 * u * u)
        lift = STEP_LIFT_M * 0.6 * abs(math.sin(2 * math.pi * u))  # small steps round
        side = "right" if u < 0.5 else "left"
        return replace(STANDING, walk_fwd_m=self.s, heading_deg=self.heading_from + 180.0 * e,
                       **{f"{side}_foot_up": lift})


@dataclass(frozen=True)
class Still:
    t0: float
    t1: float
    s: float
    heading_deg: float

    def posture_at(self, t: float) -> ExtPosture:
        return replace(STANDING, walk_fwd_m=self.s, heading_deg=self.heading_deg)


class GaitTimeline:
    """Standing, passes and turns one after another; what ``generate_ext`` asks of a timeline."""

    def __init__(self, parts: list):
        self.parts = parts

    @property
    def duration_s(self) -> float:
        return self.parts[-1].t1

    def posture_at(self, t: float) -> ExtPosture:
        for part in self.parts:
            if t < part.t1:
                return part.posture_at(t)
        return self.parts[-1].posture_at(t)


def _hips_fwd(dims: BodyDims, posture: ExtPosture) -> float:
    pts = ext_points(dims, posture)
    return float(pts[[int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)], 0].mean())


def _crossing(tl: GaitTimeline, dims: BodyDims, mark: float, t0: float, t1: float, direction: float) -> float:
    """When the hips' midpoint crosses ``mark`` (moving ``direction``), by bisection to 1 ms."""
    ahead = lambda t: direction * (_hips_fwd(dims, tl.posture_at(t)) - mark) >= 0  # noqa: E731
    lo, hi = t0, t1
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if ahead(mid) else (mid, hi)
    return hi


def script(speeds: tuple[float, ...] = (1.2, 1.6), height_m: float = 1.70, course_m: float = COURSE_M,
           accel_m: float = ACCEL_M, start_rest_s: float = REST_S, end_rest_s: float = REST_S,
           turn_s: float = TURN_S) -> tuple[GaitTimeline, dict]:
    """Passes at ``speeds`` (the first the usual pace, the second the fast one), back and forth over
    the course with a turn between; returns (timeline, truth)."""
    if not speeds or any(not 0.1 <= v <= 3.0 for v in speeds):
        raise ValueError(f"speeds must be 0.1-3.0 m/s, got {speeds}")
    dims = BodyDims(height_m)
    length = accel_m + course_m + accel_m
    parts: list = [Still(0.0, start_rest_s, 0.0, 0.0)]
    t, s, heading = start_rest_s, 0.0, 0.0
    passes = []
    for k, v in enumerate(speeds):
        if k:
            turn = Turn(t, turn_s, s, heading)
            parts.append(turn)
            t, heading = turn.t1, heading + 180.0
            parts.append(Still(t, t + 0.4, s, heading))
            t += 0.4
        walk = WalkPass(t, s, length, v, accel_m, accel_m, heading, height_m)
        parts.append(walk)
        passes.append(walk)
        t, s = walk.t1, s + walk.direction * length
    parts.append(Still(t, t + end_rest_s, s, heading))
    tl = GaitTimeline(parts)
    marks = (accel_m, accel_m + course_m)
    out = []
    for k, w in enumerate(passes):
        first, second = marks if w.direction > 0 else marks[::-1]
        a = _crossing(tl, dims, first, w.t0, w.t1, w.direction)
        b = _crossing(tl, dims, second, w.t0, w.t1, w.direction)
        out.append({"pace": PACES[k] if k < len(PACES) else f"pass {k + 1}", "speed_m_s": w.speed_m_s,
                    "direction": int(w.direction), "cross_s": [round(a, 4), round(b, 4)],
                    "time_s": round(b - a, 4), "start_s": round(w.t0, 4), "stop_s": round(w.t1, 4),
                    "measured_speed_m_s": round(course_m / (b - a), 4)})
    truth = {"test": "gait-speed", "course_m": course_m, "accel_m": accel_m, "marks_m": list(marks),
             "height_m": height_m, "passes": out}
    return tl, truth
