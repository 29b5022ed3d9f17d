"""The exact stand-ins for numpy used per frame by the exercise logic: a sorted sliding window
(exercises/window_stats.py) and means of a few values (coach/small_stats.py). They must give
numpy's floats bit for bit, or a threshold decided on them could flip."""
from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from coach import small_stats
from exercises.window_stats import SortedWindow


def _bits(x: float) -> str:
    # +0.0 and -0.0 tied in a window: numpy's partition picks either; they compare equal anyway
    return "nan" if x != x else (0.0 if x == 0 else float(x)).hex()


@pytest.mark.parametrize("seed", range(4))
def test_a_sliding_window_reads_numpys_median_and_percentiles(seed):
    rng = np.random.default_rng(seed)
    window, values = SortedWindow(), deque()
    # ties (rounded values), a wide range, and now and then a NaN that passes through the window
    stream = np.round(rng.normal(0, 10, 3000), int(rng.integers(0, 3))) * (10.0 ** rng.integers(-3, 4))
    stream[rng.random(3000) < 0.01] = np.nan
    for v in stream:
        window.add(float(v))
        values.append(float(v))
        while len(values) > int(rng.integers(1, 60)):
            window.remove(values.popleft())
        arr = np.array(values)
        assert _bits(window.median()) == _bits(float(np.median(arr)))
        for q in (5, 25, 50, 75, 90, 97.5):
            assert _bits(window.percentile(q)) == _bits(float(np.percentile(arr, q)))


def test_removing_a_value_that_is_not_there_is_an_error():
    window = SortedWindow()
    window.add(1.0)
    with pytest.raises(KeyError):
        window.remove(2.0)
    with pytest.raises(KeyError):
        window.remove(float("nan"))


@pytest.mark.parametrize("n", range(1, 10))
def test_small_means_are_numpys(n):
    rng = np.random.default_rng(n)
    for _ in range(500):
        values = list(rng.normal(0, 1, n) * 10.0 ** rng.integers(-6, 7, n))
        if rng.random() < 0.3:
            values[int(rng.integers(0, n))] = float("nan")
        assert _bits(small_stats.mean(values)) == _bits(float(np.mean(values)))
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert _bits(small_stats.nanmean(values)) == _bits(float(np.nanmean(values)))
                assert _bits(small_stats.nanmax(values)) == _bits(float(np.nanmax(values)))
