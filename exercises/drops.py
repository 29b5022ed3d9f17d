"""One answer to "did the hips just fall fast?", for the balance holds (``exercises.holds``) and the
live safety monitor (``coach.live.safety``).

A fast drop: a height signal (larger = higher) now lies at least ``min_drop`` under its highest
value within the last ``window_s``. Each caller feeds the height in its own units and says what
happens next (a hold ends where the fall began; the safety monitor opens a watch for a fall). Its
numbers are the callers' ``Params`` fields (``HoldParams.drop_shank``/``drop_window_s``,
``SafetyParams.drop_share``/``drop_window_s``).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Drop:
    """A fast drop seen now: from ``top`` (the highest height in the window, at ``top_t``)."""

    top_t: float
    top: float
    now_t: float
    now: float

    @property
    def fall(self) -> float:
        return self.top - self.now


class FastDrop:
    """Heights over the last ``window_s`` (inclusive: a sample exactly ``window_s`` old counts)."""

    def __init__(self, window_s: float, min_drop: float) -> None:
        self.window_s = window_s
        self.min_drop = min_drop
        self._recent: deque[tuple[float, float]] = deque()

    def add(self, t: float, height: float) -> None:
        self._recent.append((t, height))
        while self._recent and t - self._recent[0][0] > self.window_s:
            self._recent.popleft()

    def check(self, scale: float = 1.0) -> Drop | None:
        """The drop ending at the latest sample when it fell at least ``min_drop`` (in units of
        ``scale``: a hold passes this frame's shank length in pixels), else None. The highest
        point is the earliest of equal highs."""
        if not self._recent:
            return None
        now_t, now = self._recent[-1]
        top_t, top = max(self._recent, key=lambda s: s[1])
        if (top - now) / scale < self.min_drop:
            return None
        return Drop(top_t, top, now_t, now)

    def samples(self) -> list[tuple[float, float]]:
        return list(self._recent)

    def __len__(self) -> int:
        return len(self._recent)

    def clear(self) -> None:
        self._recent.clear()
