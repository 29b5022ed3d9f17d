"""Fatigue within a set: reps getting slower or smaller than the set's first reps.

Pacing for fatigue-prone patients (MS: stop at about 80% of capacity) means suggesting a rest
*before* exhaustion. The margin is a physio setting (default 30%). Range of motion is the key
angle's excursion during the rep, measured by the live session.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class FatigueSignal:
    time_s: float
    reason: str  # "slower" or "smaller"
    detail: str  # e.g. "reps take 45% longer than at the start of the set"


@dataclass
class FatigueMonitor:
    margin: float = 0.30
    baseline_reps: int = 2  # the set's first reps are the reference
    recent_reps: int = 2  # compared as a mean, so one slow rep is not enough
    _durations: list[float] = field(default_factory=list, init=False)
    _ranges: list[float] = field(default_factory=list, init=False)
    signalled: bool = field(default=False, init=False)

    def reset(self) -> None:
        """Start of a new set."""
        self._durations, self._ranges, self.signalled = [], [], False

    def add_rep(self, time_s: float, duration_s: float, range_deg: float | None) -> FatigueSignal | None:
        """Record a counted rep; returns a signal once per set when fatigue shows."""
        self._durations.append(duration_s)
        self._ranges.append(np.nan if range_deg is None else range_deg)
        n = len(self._durations)
        if self.signalled or n <= self.baseline_reps:
            return None
        k = min(self.recent_reps, n - self.baseline_reps)
        base_d, now_d = np.mean(self._durations[:self.baseline_reps]), np.mean(self._durations[-k:])
        if base_d > 0 and now_d > base_d * (1 + self.margin):
            self.signalled = True
            return FatigueSignal(time_s, "slower", f"reps take {now_d / base_d - 1:.0%} longer than at the start of the set")
        base_r, now_r = _finite_mean(self._ranges[:self.baseline_reps]), _finite_mean(self._ranges[-k:])
        if base_r is not None and now_r is not None and base_r > 0 and now_r < base_r * (1 - self.margin):
            self.signalled = True
            return FatigueSignal(time_s, "smaller", f"movement is {1 - now_r / base_r:.0%} smaller than at the start of the set")
        return None


def _finite_mean(values: list[float]) -> float | None:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.mean(finite)) if finite else None
