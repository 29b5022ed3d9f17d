"""The one fast-drop answer (``exercises.drops.FastDrop``) the balance holds and the live safety
monitor share: a fall of a known size within a known time, and slower or smaller ones."""
import numpy as np

from exercises.drops import FastDrop

FPS = 30


def feed(d: FastDrop, heights, t0: float = 0.0):
    found = []
    for i, h in enumerate(heights):
        d.add(t0 + i / FPS, h)
        hit = d.check()
        if hit is not None:
            found.append(hit)
    return found


def test_a_fall_of_half_within_a_second_is_found_from_its_top():
    # standing at 1.0 for 1 s, then down to 0.4 in 0.5 s
    heights = [1.0] * FPS + list(np.linspace(1.0, 0.4, FPS // 2 + 1)) + [0.4] * FPS
    found = feed(FastDrop(window_s=1.0, min_drop=0.4), heights)
    assert found, "a 0.6 fall in 0.5 s was not found"
    first = found[0]
    assert first.fall >= 0.4 and first.top == 1.0
    assert first.now_t - 1.0 - 1e-9 <= first.top_t <= 1.0 + 1e-9  # standing, within the window before it
    assert 1.0 + 0.4 / 0.6 * 0.5 - 2 / FPS <= first.now_t <= 1.0 + 0.4 / 0.6 * 0.5 + 2 / FPS


def test_the_same_fall_spread_over_three_seconds_is_no_fast_drop():
    heights = [1.0] * FPS + list(np.linspace(1.0, 0.4, 3 * FPS)) + [0.4] * FPS
    assert feed(FastDrop(window_s=1.0, min_drop=0.4), heights) == []


def test_a_smaller_fall_is_none_and_scale_converts_units():
    heights = [100.0] * FPS + [70.0] * FPS  # pixels: a 30 px fall at once
    assert len(feed(FastDrop(window_s=1.0, min_drop=40.0), heights)) == 0  # 30 px, 40 asked
    d = FastDrop(window_s=1.0, min_drop=0.5)
    for i, h in enumerate(heights[:FPS + 1]):
        d.add(i / FPS, h)
    assert d.check(scale=50.0) is not None  # 30 px over a 50 px shank: 0.6 shank >= 0.5
    assert d.check(scale=70.0) is None  # 0.43 shank
