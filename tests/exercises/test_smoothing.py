import numpy as np

from coach.pose.frame import PoseFrame
from coach.smoothing import OneEuroFilter, PoseSmoother, zero_phase_smooth


def test_one_euro_reduces_jitter_on_a_still_point():
    rng = np.random.default_rng(0)
    f = OneEuroFilter()
    raw = 0.5 + 0.01 * rng.standard_normal(300)
    out = np.array([f(np.array([v]), i / 30)[0] for i, v in enumerate(raw)])
    assert np.std(out[30:]) < 0.5 * np.std(raw[30:])


def test_one_euro_passes_nan_and_restarts_after_a_gap():
    f = OneEuroFilter(max_gap_s=0.5)
    f(np.array([0.0]), 0.0)
    assert np.isnan(f(np.array([np.nan]), 0.1)[0])
    assert f(np.array([1.0]), 2.0)[0] == 1.0  # long gap: start from the new value, no drag


def test_pose_smoother_keeps_empty_frames_and_shapes():
    s = PoseSmoother()
    empty = PoseFrame.empty(0.0, (640, 480))
    assert s.apply(empty) is empty
    img = np.full((33, 4), 0.5)
    out = s.apply(PoseFrame(0.1, img, np.zeros((33, 3)), (640, 480)))
    assert out.image.shape == (33, 4) and out.world.shape == (33, 3)


def test_zero_phase_has_no_lag_and_keeps_holes():
    t = np.arange(0, 4, 1 / 30)
    x = np.sin(2 * np.pi * 0.5 * t)
    x[50:55] = np.nan
    y = zero_phase_smooth(x, t, cutoff_hz=3.0)
    assert np.all(np.isnan(y[50:55]))
    peak_in, peak_out = t[np.nanargmax(x[:45])], t[np.nanargmax(y[:45])]
    assert abs(peak_in - peak_out) < 0.05
