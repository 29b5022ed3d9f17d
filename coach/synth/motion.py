"""Posture over time: a list of movement segments, each eased through posture keyframes.

A segment runs from ``start_s`` for ``duration_s``; time is eased with a minimum-jerk profile
(smooth start and stop, like a person's movement) and the eased progress walks piecewise
linearly through keyframes placed at progress values 0..1.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from coach.synth.body import Posture, blend


def min_jerk(s: float) -> float:
    s = min(max(s, 0.0), 1.0)
    return s * s * s * (10 - 15 * s + 6 * s * s)


@dataclass(frozen=True)
class Segment:
    start_s: float
    duration_s: float
    keys: tuple[tuple[float, Posture], ...]  # (progress 0..1, posture), progress increasing

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    def posture_at(self, t: float) -> Posture:
        u = min_jerk((t - self.start_s) / self.duration_s) if self.duration_s > 0 else 1.0
        us = [k[0] for k in self.keys]
        i = min(max(bisect_right(us, u) - 1, 0), len(self.keys) - 2)
        (u0, p0), (u1, p1) = self.keys[i], self.keys[i + 1]
        return blend(p0, p1, 0.0 if u1 <= u0 else min(max((u - u0) / (u1 - u0), 0.0), 1.0))


class Timeline:
    """Built by appending holds and moves; every segment starts where the last one ended."""

    def __init__(self, start: Posture):
        self.segments: list[Segment] = []
        self.current = start
        self.now = 0.0

    def hold(self, duration_s: float) -> float:
        """Stay still; returns the time the hold ends."""
        return self.move(duration_s, [(1.0, self.current)])

    def move(self, duration_s: float, keys: list[tuple[float, Posture]]) -> float:
        """Move from the current posture through ``keys`` (progress, posture) ending at progress 1."""
        full = ((0.0, self.current), *((float(u), p) for u, p in keys))
        self.segments.append(Segment(self.now, duration_s, full))
        self.now += duration_s
        self.current = full[-1][1]
        return self.now

    def to(self, duration_s: float, posture: Posture) -> float:
        return self.move(duration_s, [(1.0, posture)])

    @property
    def duration_s(self) -> float:
        return self.now

    def posture_at(self, t: float) -> Posture:
        starts = [s.start_s for s in self.segments]
        i = min(max(bisect_right(starts, t) - 1, 0), len(self.segments) - 1)
        return self.segments[i].posture_at(t)
