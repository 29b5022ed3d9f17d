"""What one rep's checks and metrics look at: its samples (``Sample``), the rep as a whole
(``RepContext``) and the fault checks as data (``Check``). Plain data and small helpers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from exercises.faults import FAULTS


@dataclass
class Sample:
    """One confident frame's reading during a rep.

    ``progress``: toward the clinical target (1 = target met); ``relative``: along this
    person's own range (what the count uses)."""

    t: float
    progress: float
    visibility: float
    values: Mapping[str, float]  # exercises.measures.Measures: the exercise's declared names
    relative: float = float("nan")


@dataclass(frozen=True)
class Check:
    """A fault check: ``test`` returns (time, detail) when the fault is present in a rep."""

    code: str
    test: Callable[["RepContext"], tuple[float, str] | None]
    view: str = ""  # defaults to the view in exercises.faults.FAULTS

    @property
    def needs(self) -> str:
        return self.view or (FAULTS[self.code].view if self.code in FAULTS else "any")


@dataclass
class RepContext:
    """Everything a metric or check may look at for one rep."""

    samples: list[Sample]
    start_s: float
    target_s: float | None
    end_s: float
    reached: bool
    peak: float  # highest clinical progress (1 = the clinical target)
    view: str
    metrics: dict[str, float] = field(default_factory=dict)
    sides: tuple[str, ...] = ()  # the sides that moved in this rep

    def series(self, key: str, t0: float | None = None, t1: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of one measurement, NaNs dropped, optionally within [t0, t1]."""
        t = np.array([s.t for s in self.samples])
        v = np.array([s.values.get(key, np.nan) for s in self.samples], dtype=float)
        keep = np.isfinite(v)
        if t0 is not None:
            keep &= t >= t0
        if t1 is not None:
            keep &= t <= t1
        return t[keep], v[keep]

    def extreme(self, key: str, kind: str = "max", t0=None, t1=None) -> tuple[float, float]:
        """(time, value) of the max or min of a measurement; (nan, nan) when never seen."""
        t, v = self.series(key, t0, t1)
        if len(v) == 0:
            return float("nan"), float("nan")
        i = int(np.argmax(v) if kind == "max" else np.argmin(v))
        return float(t[i]), float(v[i])
