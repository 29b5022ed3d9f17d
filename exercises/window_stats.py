"""Median and percentiles of a sliding window, kept sorted as values come and go.

The exercise logic reads the median or a percentile of the last few seconds of a signal on
every frame; sorting the whole window again each time (``np.median`` over a list) was most of
its cost. ``SortedWindow`` inserts and removes one value at a time (bisect) and reads the
statistic from the sorted list in O(1). The results equal numpy's bit for bit: the same
index arithmetic and interpolation as ``np.percentile`` (method "linear") and ``np.median``
(mean of the two middle values, summed from 0.0 as numpy's reduction does), NaN when a NaN
is in the window. Only ``+ - * /`` on the sorted values, so nothing depends on the CPU.
"""
from __future__ import annotations

import math
from bisect import bisect_left, insort

NAN = float("nan")


class SortedWindow:
    """A multiset of floats, sorted; add and remove values (removing one that is not there is a
    KeyError)."""

    __slots__ = ("_sorted", "_nans")

    def __init__(self) -> None:
        self._sorted: list[float] = []
        self._nans = 0

    def __len__(self) -> int:
        return len(self._sorted) + self._nans

    def clear(self) -> None:
        self._sorted.clear()
        self._nans = 0

    def add(self, value: float) -> None:
        if value != value:
            self._nans += 1
        else:
            insort(self._sorted, value)

    def remove(self, value: float) -> None:
        if value != value:
            if not self._nans:
                raise KeyError(value)
            self._nans -= 1
            return
        s = self._sorted
        i = bisect_left(s, value)
        if i == len(s) or s[i] != value:
            raise KeyError(value)
        del s[i]

    def median(self) -> float:
        """``float(np.median(values))`` (NaN when empty, as numpy gives with a warning)."""
        s = self._sorted
        n = len(s)
        if self._nans or not n:
            return NAN
        h = n // 2
        if n % 2:
            return (0.0 + s[h]) / 1
        return (0.0 + s[h - 1] + s[h]) / 2

    def percentile(self, q: float) -> float:
        """``float(np.percentile(values, q))``, linear interpolation (NaN when empty)."""
        if self._nans or not self._sorted:
            return NAN
        return percentile_of_sorted(self._sorted, q)


def percentile_of_sorted(s: list[float], q: float) -> float:
    """numpy's linear percentile of the sorted NaN-free non-empty ``s``, step by step as
    ``numpy.lib._function_base_impl._quantile`` and ``_lerp`` do it."""
    n = len(s)
    vi = (n - 1) * (q / 100)
    if vi >= n - 1:  # numpy takes the last value for both neighbours, at index -1
        a = b = s[-1]
        g = vi - (-1)
    else:
        i = math.floor(vi)
        a, b = s[i], s[i + 1]
        g = vi - i
    d = b - a
    if g >= 0.5:
        return b - d * (1 - g)
    return a + d * g
