"""Adaptive frame sampling for file mode: the pose model where the movement needs it.

Rehab movement is slow next to a camera's frame rate, and counting needs the landmarks densely only
where they change course. ``AdaptiveSampler`` is a step-size controller over the pose model's own
output, decided online and strictly forward in time (MediaPipe's VIDEO mode needs increasing
timestamps, and its tracker crops each frame around the last pose, so a skipped stretch must stay
short enough for that crop to still hold the person):

- after each model sample it measures how far the middle of the last three samples lies from the
  straight line through the outer two (the error linear interpolation would have made there), in
  torso lengths, over the landmarks seen in all three;
- that error above ``tol`` (a turn at the top or bottom of a rep, a movement starting after a rest),
  a landmark's visibility jumping, few landmarks seen, or nobody found: the next frame is sampled
  (dense); the error well under ``tol``: the step grows by one frame, up to ``max_gap_s`` and up to
  a step over which the body moves at most ``max_move`` torso lengths (the tracker's crop).

Skipped frames get landmarks interpolated linearly in time between the samples either side
(``interpolate``: image x, y, z, visibility and world, per landmark); a frame between a sample with
a person and one without is left empty (never invented). Limits: the step is chosen from the past,
so the frames just before a sudden change (a rest ending, a turn) are interpolated across at most
one step (<= ``max_gap_s``); the tests bound the effect on counts and rep times.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.pose.frame import PoseFrame, PoseSeries
from coach.pose.landmarks import Landmark as L

_TORSO = ((L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP))
VISIBLE = 0.5  # a landmark counts for the error only when seen at least this well in all three samples


@dataclass(frozen=True)
class SamplingConfig:
    """The controller's settings (units: torso lengths, seconds)."""

    tol: float = 0.05  # interpolation error allowed at the middle sample, torso lengths
    signal_tol: float = 0.1  # the same for the counting signal, in its ``min_range`` (the smallest rep)
    signal_move: float = 0.1  # the counting signal moving this much (min_range) per frame: ...
    moving_gap_s: float = 0.1  # ... at most this between samples
    grow_below: float = 0.5  # the step grows when the error is under this share of tol
    max_gap_s: float = 0.2  # never more than this between two model samples
    max_move: float = 0.25  # torso lengths the body may move over one step (the tracker's crop)
    visibility_jump: float = 0.25  # a landmark's visibility changing this much between samples: dense
    quantile: float = 0.75  # the landmarks' error that counts: this quantile over those seen
    min_landmarks: int = 4  # fewer landmarks seen in all three samples: dense
    dense_after_change: int = 2  # samples kept dense after a change before the step may grow again

    def __post_init__(self) -> None:
        if not (self.tol > 0 and 0 < self.grow_below < 1 and self.max_gap_s >= 0 and self.max_move > 0):
            raise ValueError(f"invalid sampling config: {self}")


class AdaptiveSampler:
    """Online step controller: ``observe(pose)`` after each model sample returns how many frames
    ahead the next sample is (1 = the next frame). ``fps`` bounds the step by ``max_gap_s``."""

    def __init__(self, fps: float, config: SamplingConfig | None = None, signal=None):
        self.config = config or SamplingConfig()
        self.signal = signal  # pose -> counting signal(s) in units of the smallest rep (NaN: not read)
        self._sig: list[np.ndarray] = []
        self.fps = fps
        self.max_step = max(1, int(self.config.max_gap_s * fps + 1e-6))
        self.step = 1
        self._hist: list[tuple[float, np.ndarray, np.ndarray]] = []  # (t, xy px (33, 2), visibility)
        self._hold_dense = 0

    def observe(self, pose: PoseFrame) -> int:
        cfg = self.config
        if not pose.has_person:
            self._hist.clear()
            self._sig.clear()
            return self._dense()
        self._hist = (self._hist + [(pose.timestamp_s, pose.xy_px, pose.visibility)])[-3:]
        if self.signal is not None:
            self._sig = (self._sig + [np.atleast_1d(np.asarray(self.signal(pose), dtype=float))])[-3:]
        if len(self._hist) < 3:
            return self._dense()
        (t0, x0, v0), (t1, x1, v1), (t2, x2, v2) = self._hist
        scale = _torso_px(x2, v2)
        seen = (v0 >= VISIBLE) & (v1 >= VISIBLE) & (v2 >= VISIBLE)
        if scale is None or seen.sum() < cfg.min_landmarks or t2 <= t0:
            return self._dense()
        if np.max(np.abs(v2 - v1)) > cfg.visibility_jump:
            return self._dense()
        w = (t1 - t0) / (t2 - t0)
        errors = np.linalg.norm(x1[seen] - (x0[seen] + w * (x2[seen] - x0[seen])), axis=1) / scale
        error = float(np.quantile(errors, cfg.quantile))  # a hand's or a foot's jitter alone is not a turn
        if error > cfg.tol:
            return self._dense()
        step_cap = self.max_step
        if self.signal is not None:
            s0, s1, s2 = self._sig
            if not (s0.shape == s1.shape == s2.shape) or not np.isfinite(s2).any():
                return self._dense()
            both = np.isfinite(s0) & np.isfinite(s1) & np.isfinite(s2)
            if both.any():
                dev = np.abs(s1 - (s0 + w * (s2 - s0)))[both]
                if float(np.max(dev)) > cfg.signal_tol:
                    return self._dense()
                speed = float(np.max(np.abs(s2 - s1)[both])) / max(1, int(round((t2 - t1) * self.fps)))
                if speed > cfg.signal_move:
                    step_cap = max(1, int(cfg.moving_gap_s * self.fps + 1e-6))
        if self._hold_dense > 0:
            self._hold_dense -= 1
        elif error < cfg.grow_below * cfg.tol:
            self.step += 1
        frames_last_gap = max(1, int(round((t2 - t1) * self.fps)))
        move_per_frame = float(np.max(np.linalg.norm(x2[seen] - x1[seen], axis=1))) / scale / frames_last_gap
        cap = int(cfg.max_move / move_per_frame) if move_per_frame > 0 else self.max_step
        self.step = max(1, min(self.step, step_cap, cap))
        return self.step

    def _dense(self) -> int:
        self.step = 1
        self._hold_dense = self.config.dense_after_change
        return 1


def _torso_px(xy: np.ndarray, vis: np.ndarray) -> float | None:
    """Mean shoulder-hip length in pixels over the sides seen; without a hip in view (the picture
    cut at the waist), 1.5 shoulder widths; None when neither is seen."""
    lengths = [float(np.linalg.norm(xy[s] - xy[h])) for s, h in _TORSO if vis[s] >= VISIBLE and vis[h] >= VISIBLE]
    lengths = [v for v in lengths if v > 1.0]
    if lengths:
        return float(np.mean(lengths))
    if vis[L.LEFT_SHOULDER] >= VISIBLE and vis[L.RIGHT_SHOULDER] >= VISIBLE:
        width = 1.5 * float(np.linalg.norm(xy[L.LEFT_SHOULDER] - xy[L.RIGHT_SHOULDER]))
        return width if width > 1.0 else None
    return None


def interpolate(a: PoseFrame, b: PoseFrame, timestamps_s) -> list[PoseFrame]:
    """Poses at ``timestamps_s`` (between ``a`` and ``b``'s), linear in time per landmark: image x, y,
    z and visibility, and world. Empty poses when either end has nobody."""
    out = []
    span = b.timestamp_s - a.timestamp_s
    for t in timestamps_s:
        if not (a.has_person and b.has_person):
            out.append(PoseFrame.empty(float(t), a.size))
            continue
        w = (t - a.timestamp_s) / span if span > 0 else 0.0
        out.append(PoseFrame(float(t), a.image + w * (b.image - a.image), a.world + w * (b.world - a.world), a.size))
    return out


def hold(a: PoseFrame, timestamps_s) -> list[PoseFrame]:
    """The last sample's pose held at ``timestamps_s`` (frames after it when the file ended early)."""
    return [PoseFrame(float(t), a.image, a.world, a.size) if a.has_person else PoseFrame.empty(float(t), a.size)
            for t in timestamps_s]


def sample_series(series: PoseSeries, fps: float, config: SamplingConfig | None = None,
                  signal=None) -> tuple[PoseSeries, np.ndarray]:
    """What file mode would see with adaptive sampling, simulated on a dense recording: the series
    with only the sampled frames kept and the rest interpolated, and the sampled indices. The last
    frame is always sampled (as file mode does when the frame count is known)."""
    sampler = AdaptiveSampler(fps, config, signal)
    n = len(series)
    picked = []
    i = 0
    while i < n:
        picked.append(i)
        i = min(i + sampler.observe(series.frame(i)), n - 1) if i < n - 1 else n
    frames = []
    for k, i in enumerate(picked):
        frames.append(series.frame(i))
        if k + 1 < len(picked):
            j = picked[k + 1]
            frames += interpolate(series.frame(i), series.frame(j), series.timestamps_s[i + 1:j])
    out = PoseSeries.from_frames(frames, series.size)
    out.meta = dict(series.meta)
    return out, np.array(picked)


def counting_signal(exercise: str, side: str = "auto"):
    """``pose -> array``: the counting signal(s) of ``exercise`` (``exercises``' own ``measure`` and
    ``signals``, on a private instance) in units of its smallest rep (``scale.min_range``); None for
    an exercise without one (the timed holds: landmarks alone steer the sampling)."""
    from exercises import create_exercise
    from exercises.engine import RepExercise

    machine = create_exercise(exercise, side=side)
    if not isinstance(machine, RepExercise):  # a timed hold: no counting signal
        return None
    unit = float(machine.scale.min_range)
    sides: list[str] = []

    def signal(pose: PoseFrame) -> np.ndarray:
        try:
            _, values = machine.measure(pose, machine.views.update(pose))
            found = machine.signals(values)
        except (ValueError, ZeroDivisionError, IndexError):
            found = {}
        for k in found:
            if k not in sides:
                sides.append(k)
        return np.array([float(found.get(k, np.nan)) / unit for k in sides])
    return signal
