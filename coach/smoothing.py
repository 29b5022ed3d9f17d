"""Landmark smoothing: causal One Euro filter for live use, zero-phase low-pass for review.

Both are NaN-aware: a missing value leaves a hole (never invented), and the filter restarts
after a gap longer than ``max_gap_s`` so a person walking back in is not dragged from where
they left. Visibility is passed through untouched (it is a score, not a position).

One Euro: Casiez, Roussel & Vogel (CHI 2012). The cutoff rises with speed, so slow holds are
steady while fast movements lag little. Parameters are for normalised image coordinates
(0..1 of the frame) and metres, which have similar magnitudes for a person 2-4 m away.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame, PoseSeries


def _alpha(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * np.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


@dataclass
class OneEuroFilter:
    """One Euro filter over an array of any shape; each element filtered independently."""

    min_cutoff_hz: float = 1.5  # steady-state jitter removal; 1.5 Hz keeps a 1 s sit-to-stand intact
    beta: float = 2.0  # speed coefficient: raises the cutoff during fast moves to limit lag
    d_cutoff_hz: float = 1.0
    max_gap_s: float = 0.5  # after a longer hole, start again from the new value
    _x: np.ndarray | None = field(default=None, init=False, repr=False)
    _dx: np.ndarray | None = field(default=None, init=False, repr=False)
    _t: np.ndarray | None = field(default=None, init=False, repr=False)  # last valid time per element
    _t_all: float | None = field(default=None, init=False, repr=False)  # _t's value when every element has it

    def reset(self) -> None:
        self._x = self._dx = self._t = self._t_all = None

    def __call__(self, value: np.ndarray, t: float) -> np.ndarray:
        value = np.asarray(value, dtype=float)
        if self._x is None or self._x.shape != value.shape:
            self._x = value.copy()
            self._dx = np.zeros_like(value)
            self._t = np.where(np.isnan(value), -np.inf, t)
            self._t_all = t if not np.isnan(value).any() else None
            return value.copy()
        if self._t_all is not None and 0 < t - self._t_all <= self.max_gap_s and not (
                np.isnan(value).any() or np.isnan(self._x).any()):
            return self._all_smooth(value, t)
        valid = ~np.isnan(value)
        dt = t - self._t
        fresh = valid & ((dt > self.max_gap_s) | np.isnan(self._x))
        smooth = valid & ~fresh & (dt > 0)
        out = np.where(valid, value, np.nan)
        if np.any(smooth):
            x_hat, dx_hat = self._step(value, np.where(smooth, dt, 1.0))
            out = np.where(smooth, x_hat, out)
            self._dx = np.where(smooth, dx_hat, self._dx)
        self._dx = np.where(fresh, 0.0, self._dx)
        self._x = np.where(valid, out, self._x)
        self._t = np.where(valid, t, self._t)
        self._t_all = t if valid.all() else None
        return out

    def _step(self, value: np.ndarray, d) -> tuple[np.ndarray, np.ndarray]:
        """One One Euro step over time step(s) ``d`` (a scalar or per element): (x_hat, dx_hat)."""
        dx = (value - self._x) / d
        a_d = _alpha(self.d_cutoff_hz, d)
        dx_hat = a_d * dx + (1 - a_d) * self._dx
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        a = _alpha(cutoff, d)
        return a * value + (1 - a) * self._x, dx_hat

    def _all_smooth(self, value: np.ndarray, t: float) -> np.ndarray:
        """``__call__`` when every element is seen now and was last seen at one time within the gap
        (nearly every frame): the same arithmetic element by element, with that one time step as a
        scalar instead of the masks and ``np.where``s (the result is equal bit for bit)."""
        x_hat, dx_hat = self._step(value, t - self._t_all)
        self._dx = dx_hat
        self._x = x_hat.copy()  # the caller keeps the returned array
        self._t.fill(t)
        self._t_all = t
        return x_hat


@dataclass
class PoseSmoother:
    """Causal per-landmark One Euro smoothing of image and world landmarks.

    ``apply`` is called by the live pipeline on every frame before the exercise sees it.
    A frame with nobody in it passes through unchanged; filtering resumes when the person
    returns (from scratch if the gap exceeded ``max_gap_s``).
    """

    min_cutoff_hz: float = 1.5
    beta: float = 2.0
    max_gap_s: float = 0.5
    _image: OneEuroFilter = field(init=False, repr=False)
    _world: OneEuroFilter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._image = OneEuroFilter(self.min_cutoff_hz, self.beta, max_gap_s=self.max_gap_s)
        self._world = OneEuroFilter(self.min_cutoff_hz, self.beta, max_gap_s=self.max_gap_s)

    def reset(self) -> None:
        self._image.reset()
        self._world.reset()

    def apply(self, pose: PoseFrame) -> PoseFrame:
        if not pose.has_person:
            return pose
        t = pose.timestamp_s
        image = pose.image.copy()
        image[:, :3] = self._image(pose.image[:, :3], t)
        world = self._world(pose.world, t)
        return PoseFrame(t, image, world, pose.size)


def _stretches(valid: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of consecutive True runs."""
    edges = np.diff(np.concatenate(([0], valid.astype(int), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def zero_phase_smooth(values: np.ndarray, t: np.ndarray, cutoff_hz: float = 3.0) -> np.ndarray:
    """Zero-phase low-pass of ``values`` (T, ...) along time, each NaN-free stretch separately.

    For review only (it looks at the future). Forward-backward first-order filter: -6 dB at
    ``cutoff_hz``; 3 Hz keeps sit-to-stand and heel-raise timing within a frame or two.
    """
    values = np.asarray(values, dtype=float)
    flat = values.reshape(len(values), -1).copy()
    for k in range(flat.shape[1]):
        col = flat[:, k]
        for start, stop in _stretches(~np.isnan(col)):
            col[start:stop] = _forward_backward(col[start:stop], t[start:stop], cutoff_hz)
    return flat.reshape(values.shape)


def _forward_backward(x: np.ndarray, t: np.ndarray, cutoff_hz: float) -> np.ndarray:
    y = x.copy()
    for i in range(1, len(y)):
        a = _alpha(cutoff_hz, max(t[i] - t[i - 1], 1e-6))
        y[i] = a * y[i] + (1 - a) * y[i - 1]
    for i in range(len(y) - 2, -1, -1):
        a = _alpha(cutoff_hz, max(t[i + 1] - t[i], 1e-6))
        y[i] = a * y[i] + (1 - a) * y[i + 1]
    return y


def smooth_series(series: PoseSeries, cutoff_hz: float = 3.0) -> PoseSeries:
    """Zero-phase smoothed copy of a recorded series (positions only; visibility untouched)."""
    image = series.image.copy()
    image[..., :3] = zero_phase_smooth(series.image[..., :3], series.timestamps_s, cutoff_hz)
    world = zero_phase_smooth(series.world, series.timestamps_s, cutoff_hz)
    return PoseSeries(series.timestamps_s.copy(), image, world, series.size, dict(series.meta))
