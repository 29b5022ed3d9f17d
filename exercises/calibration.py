"""Per-person calibration: body segment lengths and rest baselines, learned from the person.

Thresholds elsewhere are fractions of these (of a shank, of a foot, of the person's own
range), never absolute pixels, so a child close to a phone and an adult far from a webcam get
the same rules.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from coach.geometry import distance
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark

# Segments measured on both sides (world metres); the median over the first seconds is kept.
SEGMENTS: dict[str, tuple[str, str]] = {
    "shank": ("knee", "ankle"),
    "thigh": ("hip", "knee"),
    "upper_arm": ("shoulder", "elbow"),
    "forearm": ("elbow", "wrist"),
    "foot": ("heel", "foot_index"),
    "trunk": ("shoulder", "hip"),
}

# Adult proportions used until a segment has been seen (metres; Winter, Biomechanics and Motor
# Control of Human Movement, segment lengths for a 1.70 m person).
DEFAULT_LENGTHS_M = {"shank": 0.42, "thigh": 0.42, "upper_arm": 0.31, "forearm": 0.26, "foot": 0.26, "trunk": 0.50}
# (segment, its two landmarks) in observe's order, looked up once (observe runs every frame at first).
_SEGMENT_ENDS = tuple((name, Landmark[f"{side}_{a}".upper()], Landmark[f"{side}_{b}".upper()])
                      for name, (a, b) in SEGMENTS.items() for side in ("left", "right"))


@dataclass
class BodyCalibration:
    """Segment lengths in metres (world landmarks), medians over the first ``window_s`` seconds
    of frames where both ends of a segment were seen well."""

    window_s: float = 3.0
    min_visibility: float = 0.6
    _t0: float | None = None
    _lengths: dict[str, list[float]] = field(default_factory=dict)

    def observe(self, pose: PoseFrame) -> None:
        if not pose.has_person:
            return
        if self._t0 is None:
            self._t0 = pose.timestamp_s
        if pose.timestamp_s - self._t0 > self.window_s and all(len(v) >= 5 for v in self._lengths.values()):
            return
        for name, a, b in _SEGMENT_ENDS:
            if pose.visible(a, b, threshold=self.min_visibility):
                value = distance(pose, a, b, space="world")  # = segment_length(pose, side, a, b, "world")
                if math.isfinite(value) and value > 0.02:
                    self._lengths.setdefault(name, []).append(value)

    def length_m(self, name: str) -> float:
        values = self._lengths.get(name)
        if not values:
            return DEFAULT_LENGTHS_M[name]
        return float(np.median(values))

    def measured(self, name: str) -> bool:
        return bool(self._lengths.get(name))

    def summary(self) -> dict[str, float]:
        return {f"{name}_length_m": round(self.length_m(name), 3) for name in SEGMENTS}


@dataclass
class RestBaseline:
    """The value of a signal at rest for this person (e.g. upright body height, arm angle at rest).

    Starts from the median of the first ``settle`` samples, then follows slow drift with a time
    constant of ``tau_s`` seconds. Callers feed it only while the person is at rest, so the
    movement itself never pulls the baseline.
    """

    tau_s: float = 3.0
    settle: int = 5
    _first: list[float] = field(default_factory=list)
    _value: float | None = None
    _t: float | None = None

    def update(self, t: float, value: float) -> None:
        if not np.isfinite(value):
            return
        if self._value is None:
            self._first.append(value)
            if len(self._first) >= self.settle:
                self._value = float(np.median(self._first))
                self._t = t
            return
        dt = max(0.0, t - (self._t if self._t is not None else t))
        a = 1.0 - np.exp(-dt / self.tau_s) if self.tau_s > 0 else 1.0
        self._value += a * (value - self._value)
        self._t = t

    @property
    def ready(self) -> bool:
        return self._value is not None

    def value(self, default: float = float("nan")) -> float:
        if self._value is not None:
            return self._value
        if self._first:
            return float(np.median(self._first))
        return default

    def reset(self) -> None:
        self._first.clear()
        self._value = self._t = None


@dataclass
class QuietWindow:
    """Whether a signal has stayed within ``tolerance`` for the last ``window_s`` seconds.

    Baselines learn only from quiet stretches, so a level is never taken from mid-movement.
    """

    window_s: float = 0.5
    tolerance: float = 0.08
    _buf: list[tuple[float, float]] = field(default_factory=list)

    def update(self, t: float, value: float) -> bool:
        if not np.isfinite(value):
            self._buf.clear()
            return False
        self._buf = [(ti, vi) for ti, vi in self._buf if ti >= t - self.window_s] + [(t, value)]
        values = [v for _, v in self._buf]
        covered = t - self._buf[0][0] >= 0.8 * self.window_s
        return covered and max(values) - min(values) <= self.tolerance


@dataclass
class OwnTypical:
    """This person's typical value of a per-rep measure (median of their reps so far).

    Per-patient baselines beat fixed thresholds (CLINICAL.md): a camera may under-read an angle
    (MediaPipe reads ~3/4 of the true trunk flexion on rendered video), but one rep that stands
    clearly out from the person's own reps is visible either way. ``exceeds`` compares a new
    rep's value with the median of the earlier ones; the rep's value is then added.
    """

    margin: float  # absolute margin above the typical value
    ratio: float = 1.0  # and at least this multiple of it
    min_reps: int = 1
    _values: list[float] = field(default_factory=list)

    @property
    def value(self) -> float:
        return float(np.median(self._values)) if len(self._values) >= self.min_reps else float("nan")

    def limit(self) -> float:
        typical = self.value
        return max(typical + self.margin, typical * self.ratio) if np.isfinite(typical) else float("nan")

    def exceeds(self, value: float) -> bool:
        lim = self.limit()
        return bool(np.isfinite(lim) and np.isfinite(value) and value > lim)

    def add(self, value: float) -> None:
        if np.isfinite(value):
            self._values.append(float(value))
