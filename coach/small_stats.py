"""numpy's mean, nanmean and nanmax of a handful of scalars, without numpy's overhead.

The exercise logic takes means of two or three values many times a frame; ``np.mean`` of a
short list costs microseconds of argument handling around one addition. These give the same
floats bit for bit: numpy adds fewer than 8 values one after the other starting from 0.0
(longer ones pairwise, so they go to numpy), and replaces NaN by 0.0 in ``nanmean``. Unlike
numpy they return NaN for nothing to average without a RuntimeWarning.
"""
from __future__ import annotations

import numpy as np

NAN = float("nan")
_SEQUENTIAL = 7  # numpy's pairwise summation adds up to 7 values in order


def mean(values) -> float:
    """``float(np.mean(values))``."""
    n = len(values)
    if not 0 < n <= _SEQUENTIAL:
        return float(np.mean(values))
    s = 0.0
    for v in values:
        s += v
    return float(s / n)


def nanmean(values) -> float:
    """``float(np.nanmean(values))``."""
    n = len(values)
    if not 0 < n <= _SEQUENTIAL:
        return float(np.nanmean(values))
    s, count = 0.0, 0
    for v in values:
        if v == v:
            s += v
            count += 1
        else:
            s += 0.0
    return float(s / count) if count else NAN


def nanmax(values) -> float:
    """``float(np.nanmax(values))``."""
    best = None
    for v in values:
        if v == v and (best is None or v > best):
            best = v
    return float(best) if best is not None else NAN
