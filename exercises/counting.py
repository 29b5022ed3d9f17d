"""Rep boundaries relative to the person's own movement.

Each exercise reduces a pose to one counting signal per side (hip height in shanks, arm
elevation in degrees, ...). Whether an excursion of that signal is a repetition is judged
against the person's OWN levels: where they rest and how far they usually go. A stroke
patient's small, slow raise is still a repetition; a half stand among full stands is not.
Clinical targets (standing reached, heel height) never decide the count: they label faults.

Levels come from one of two places:
- ``RunningLevels`` (live, causal): percentiles of the signal over the last ``window_s``,
  with a prior range until the person has shown their own;
- ``FixedLevels`` (file mode, second pass): percentiles of the recording within a few seconds
  either side of each moment, never across a long gap or a change between front and side view.

A side whose own range stays under ``min_range`` (in the signal's units) is not moving: its
jitter never becomes a rep, and the coach says so ("only your left arm moved").
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from exercises.window_stats import SortedWindow

LOW_PCT, HIGH_PCT = 5.0, 95.0  # the person's rest and top: robust to a few wild frames
LEVEL_WINDOW_S = 6.0  # file mode: levels from the recording within 6 s either side
LEVEL_STEP_S = 0.1


@dataclass(frozen=True)
class SignalScale:
    """What a counting signal means physically, in its own units.

    ``min_range``: excursions smaller than this are fidgeting or landmark jitter, never a rep.
    ``expected_range``: a typical full excursion, the live prior before the person has shown
    their own range (only a fraction of it, ``PRIOR_SHARE``, is asked of a first rep).
    """

    unit: str
    min_range: float
    expected_range: float


BOTH_MOVING = 0.25  # side="both": each side got at least this far out of its own rest during the rep
PRIOR_SHARE = 0.6  # live, first rep: the count needs 0.6 x 0.7 = 42% of a typical full excursion
# Live: a side whose signal stays at least ``min_range`` beyond its rest (the window's low) this long
# is moving, though the window's high percentile has not seen it yet. After a long quiet start the
# percentile needs 5% of the window out of rest (1 s of a 20-s window): a quick first step, ~0.3 s
# out, ended before it, and was lost. A wild frame or two of the pose model (0.03-0.07 s) is shorter.
EXCURSION_HOLD_S = 0.1


@dataclass(frozen=True)
class Levels:
    low: float
    high: float

    @property
    def range(self) -> float:
        return self.high - self.low

    def normalise(self, value: float) -> float:
        return (value - self.low) / self.range if self.range > 0 else float("nan")


class RunningLevels:
    """Causal levels per side: the low and high percentiles of the last ``window_s`` seconds.

    Reset on a view change or a long gap, so a camera that moves or cuts is relearned from the
    new picture instead of being judged by the old one.
    """

    def __init__(self, scale: SignalScale, window_s: float = 20.0):
        self.scale = scale
        self.window_s = window_s
        self._buf: dict[str, deque[tuple[float, float]]] = {}
        self._sorted: dict[str, SortedWindow] = {}  # the window's values, sorted (levels read in O(1))
        self._stats: dict[str, Levels | None] = {}
        self._out_since: dict[str, float] = {}  # when the present excursion past min_range began
        self._moved_at: dict[str, float] = {}  # when an excursion last held EXCURSION_HOLD_S

    def reset(self) -> None:
        self._buf.clear()
        self._sorted.clear()
        self._stats.clear()
        self._out_since.clear()
        self._moved_at.clear()

    def observe(self, t: float, side: str, value: float) -> None:
        if not math.isfinite(value):
            return
        buf = self._buf.setdefault(side, deque())
        window = self._sorted.setdefault(side, SortedWindow())
        buf.append((t, value))
        window.add(value)
        while buf and buf[0][0] < t - self.window_s:
            window.remove(buf.popleft()[1])
        self._stats.pop(side, None)
        seen = self._seen(side)
        if seen is not None and value - seen.low >= self.scale.min_range:
            since = self._out_since.setdefault(side, t)
            if t - since >= EXCURSION_HOLD_S - 1e-9:
                self._moved_at[side] = t
        else:
            self._out_since.pop(side, None)

    def _seen(self, side: str) -> Levels | None:
        """The percentiles of the window, computed once per new sample."""
        if side not in self._stats:
            window = self._sorted.get(side)  # every value finite: observe skips the rest
            self._stats[side] = None if window is None else levels_from(
                len(window), lambda pcts: [window.percentile(p) for p in pcts])
        return self._stats[side]

    def levels(self, t: float, side: str) -> Levels | None:
        seen = self._seen(side)
        if seen is None:
            return None
        return Levels(seen.low, seen.low + max(seen.range, PRIOR_SHARE * self.scale.expected_range))

    def moving(self, t: float, side: str) -> bool:
        """The window's own range is at least ``min_range``, or an excursion that large held
        ``EXCURSION_HOLD_S`` within the window (a first quick rep after a long rest)."""
        seen = self._seen(side)
        if seen is None:
            return False
        return seen.range >= self.scale.min_range or t - self._moved_at.get(side, -np.inf) <= self.window_s


class FixedLevels:
    """Second pass in file mode: levels at each moment from the recording around it.

    The person's rest and top are the low and high percentiles of the signal within
    ``LEVEL_WINDOW_S`` either side, inside the same stretch (camera set-up): a view that
    changes, a camera that drifts, or a person who tires are followed, while a window that
    long always holds several reps (and the rests between slow ones).
    """

    def __init__(self, times: np.ndarray, levels: dict[str, list[Levels | None]], scale: SignalScale):
        self.times = times
        self._levels = levels
        self.scale = scale

    def reset(self) -> None:  # fixed: nothing to relearn
        pass

    def observe(self, t: float, side: str, value: float) -> None:
        pass

    def levels(self, t: float, side: str) -> Levels | None:
        col = self._levels.get(side)
        if col is None or len(self.times) == 0:
            return None
        i = min(max(int(np.searchsorted(self.times, t)), 0), len(self.times) - 1)  # = np.clip
        if i > 0 and abs(self.times[i - 1] - t) < abs(self.times[i] - t):
            i -= 1
        return col[i]

    def moving(self, t: float, side: str) -> bool:
        lv = self.levels(t, side)
        return lv is not None and lv.range >= self.scale.min_range


@dataclass
class SignalTrace:
    """What the first pass saw, per frame, to learn the levels from."""

    t: list[float] = field(default_factory=list)
    view: list[str] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, t: float, view: str, signals: dict[str, float]) -> None:
        n = len(self.t)
        self.t.append(t)
        self.view.append(view)
        for side, v in signals.items():
            self.values.setdefault(side, [float("nan")] * n)
        for side, col in self.values.items():
            col.append(float(signals.get(side, float("nan"))))


MAX_HOLE_S = 1.5  # a longer hole in the pose may hide a cut: the stretch ends there

VIEWS_THAT_SPLIT = ("front", "oblique", "side")
SUSTAINED_VIEW_S = 3.0
VIEW_HOLD_S = 0.7  # coach.views.ViewTracker.hold_s
STRETCH_RANGE_SHARE = 0.5  # a local window's range is at least half its stretch's: a lone small dip
#                            among big reps (settling a barbell) stays small  # a shorter stretch borrows the levels of the whole recording


def split_stretches(trace: SignalTrace) -> list[tuple[int, int]]:
    """Index ranges [i, j) of the trace seen from one camera set-up."""
    t = np.asarray(trace.t, float)
    if len(t) == 0:
        return []
    cuts = [i for i in range(1, len(t)) if t[i] - t[i - 1] > MAX_HOLE_S]
    # Runs of one view; a change between two runs that each last SUSTAINED_VIEW_S is a new
    # picture (a cut or a moved camera). Shorter runs are the view estimate wavering.
    runs: list[list] = []  # [view, first index, last index]
    for i, view in enumerate(trace.view):
        if view not in VIEWS_THAT_SPLIT:
            continue
        if runs and runs[-1][0] == view:
            runs[-1][2] = i
        else:
            runs.append([view, i, i])
    long_runs = [r for r in runs if t[r[2]] - t[r[1]] >= SUSTAINED_VIEW_S]
    # The tracker adopts a view only after it has held for a while: the picture changed then.
    cuts += [int(np.searchsorted(t, t[b[1]] - VIEW_HOLD_S)) for a, b in zip(long_runs, long_runs[1:]) if a[0] != b[0]]
    cuts = [c for c in cuts if 0 < c < len(t)]
    bounds = [0] + sorted(set(cuts)) + [len(t)]
    return [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def levels_from(count: int, percentiles) -> Levels | None:
    """The person's levels from ``count`` finite values and their ``percentiles((low, high))``; None
    below 3 values (the one rule for the running window and the recording's)."""
    if count < 3:
        return None
    low, high = percentiles((LOW_PCT, HIGH_PCT))
    return Levels(float(low), float(high))


def levels_of(values: np.ndarray) -> Levels | None:
    v = values[np.isfinite(values)]
    return levels_from(len(v), lambda pcts: np.percentile(v, pcts))


def fixed_levels(trace: SignalTrace, scale: SignalScale) -> FixedLevels:
    """The person's own levels at every moment of the recording (the second pass's reference)."""
    t = np.asarray(trace.t, float)
    out: dict[str, list[Levels | None]] = {side: [None] * len(t) for side in trace.values}
    for a, b in split_stretches(trace):
        ts = t[a:b]
        for side, col in trace.values.items():
            v = np.asarray(col[a:b], float)
            whole = levels_of(v)
            floor = STRETCH_RANGE_SHARE * whole.range if whole is not None else 0.0
            lo_i = np.searchsorted(ts, ts - LEVEL_WINDOW_S)
            hi_i = np.searchsorted(ts, ts + LEVEL_WINDOW_S, side="right")
            local, next_t = None, -np.inf
            for k in range(len(ts)):
                if ts[k] >= next_t:  # a 12-s window hardly changes in 0.1 s: recompute 10 times a second
                    local = levels_of(v[lo_i[k]:hi_i[k]])
                    if local is not None and local.range < floor:
                        local = Levels(local.low, local.low + floor)
                    next_t = ts[k] + LEVEL_STEP_S
                out[side][a + k] = local
    return FixedLevels(t, out, scale)


def combine(normalised: dict[str, float], mode: str) -> float:
    """One progress value from the per-side ones (NaN when the asked-for side is not seen).

    ``auto`` and ``both``: the side that moves most (a one-arm rep counts for that arm; with
    ``both`` the engine then checks that every side moved during the rep, so a weak side that
    moves less than the other, or less than its own usual, is a finding, not a missing rep);
    a named side: that side only.
    """
    finite = {s: v for s, v in normalised.items() if math.isfinite(v)}
    if mode in ("left", "right"):
        return finite.get(mode, float("nan"))
    return max(finite.values(), default=float("nan"))
