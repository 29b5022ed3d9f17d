"""Transformations of a landmark track whose effect on the true count is known.

Each takes and returns a ``PoseSeries`` (NaN rows = nobody found) and never looks at what the
coach counted: the expected count comes from the clip's human count and how the transform works.
"""
from __future__ import annotations

import numpy as np

from coach.pose.frame import PoseSeries
from coach.pose.landmarks import Landmark as L

# Left/right landmark pairs, for the mirror image.
_PAIRS = [(int(a), int(L[a.name.replace("LEFT_", "RIGHT_")])) for a in L if a.name.startswith("LEFT_")]


def _copy(s: PoseSeries, **changes) -> PoseSeries:
    fields = dict(timestamps_s=s.timestamps_s.copy(), image=s.image.copy(), world=s.world.copy(), size=s.size)
    fields.update(changes)
    return PoseSeries(**fields)


def time_stretch(s: PoseSeries, factor: float) -> PoseSeries:
    """The same movement ``factor`` times slower (2.0) or faster (0.5)."""
    return _copy(s, timestamps_s=s.timestamps_s * factor)


def drop_frames(s: PoseSeries, share: float, seed: int = 0) -> PoseSeries:
    """Frames lost at random (a busy machine in live mode)."""
    keep = np.random.default_rng(seed).random(len(s)) >= share
    keep[0] = keep[-1] = True
    return PoseSeries(s.timestamps_s[keep], s.image[keep], s.world[keep], s.size)


def tremor(s: PoseSeries, hz: float = 5.0, amplitude: float = 0.012) -> PoseSeries:
    """A 4-6 Hz tremor on the wrists and hands (image units, a fraction of the frame)."""
    out = _copy(s)
    hand = [int(L[f"{side}_{p}"]) for side in ("LEFT", "RIGHT") for p in ("WRIST", "PINKY", "INDEX", "THUMB")]
    wobble = amplitude * np.sin(2 * np.pi * hz * s.timestamps_s)
    out.image[:, hand, 0] += wobble[:, None]
    out.image[:, hand, 1] += 0.5 * wobble[:, None]
    out.world[:, hand, 0] += 2 * wobble[:, None]  # world metres: ~2x the frame fraction at 2 m
    return out


def dropouts(s: PoseSeries, spans: list[tuple[float, float]]) -> PoseSeries:
    """Nobody found during each (start, end) span (the model loses the figure)."""
    out = _copy(s)
    for a, b in spans:
        hole = (s.timestamps_s >= a) & (s.timestamps_s < b)
        out.image[hole] = np.nan
        out.world[hole] = np.nan
    return out


def mirror(s: PoseSeries) -> PoseSeries:
    """The picture flipped left to right (a mirrored webcam): left and right swap."""
    out = _copy(s)
    out.image[:, :, 0] = 1.0 - out.image[:, :, 0]
    out.world[:, :, 0] = -out.world[:, :, 0]
    for a, b in _PAIRS:
        out.image[:, [a, b]] = out.image[:, [b, a]]
        out.world[:, [a, b]] = out.world[:, [b, a]]
    return out


def back_to_back(first: PoseSeries, second: PoseSeries, pause_s: float = 0.5) -> PoseSeries:
    """Two recordings one after the other (with a short hole between them)."""
    offset = first.timestamps_s[-1] + pause_s - second.timestamps_s[0]
    return PoseSeries(np.concatenate([first.timestamps_s, second.timestamps_s + offset]),
                      np.concatenate([first.image, second.image]), np.concatenate([first.world, second.world]),
                      first.size)


def camera_shift(s: PoseSeries, at_s: float, dx: float = 0.08, dy: float = 0.05, zoom: float = 1.15) -> PoseSeries:
    """The camera knocked at ``at_s``: the picture moves and zooms from then on (image only;
    the world landmarks, in metres about the hips, do not change)."""
    out = _copy(s)
    after = s.timestamps_s >= at_s
    xy = out.image[after, :, :2]
    out.image[after, :, :2] = (xy - 0.5) * zoom + 0.5 + np.array([dx, dy])
    return out


def cut_before(s: PoseSeries, start_s: float) -> PoseSeries:
    """The recording starts at ``start_s`` (mid-movement when that is inside a rep)."""
    keep = s.timestamps_s >= start_s
    return PoseSeries(s.timestamps_s[keep], s.image[keep], s.world[keep], s.size)


UPPER_BODY = [int(p) for p in L if p.value <= int(L.RIGHT_HIP) and p not in (L.LEFT_HIP, L.RIGHT_HIP)]


def hide(s: PoseSeries, landmarks, visibility: float = 0.05) -> PoseSeries:
    """Those points out of the picture or hidden: MediaPipe still places them, with low visibility."""
    out = _copy(s)
    out.image[:, list(landmarks), 3] = visibility
    return out


def far_leg_behind(s: PoseSeries, far: str) -> PoseSeries:
    """A side view's far leg hidden behind the near one: its points are copies of the near leg's,
    seen badly (what MediaPipe reports for a leg it cannot see)."""
    out = _copy(s)
    near = "right" if far == "left" else "left"
    for part in ("HIP", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX"):
        f, n = int(L[f"{far.upper()}_{part}"]), int(L[f"{near.upper()}_{part}"])
        out.image[:, f, :3] = out.image[:, n, :3]
        out.image[:, f, 3] = 0.2
    return out


def jitter(s: PoseSeries, sigma: float, seed: int = 0) -> PoseSeries:
    """Independent landmark noise of ``sigma`` (a fraction of the frame) on every point."""
    out = _copy(s)
    out.image[:, :, :2] += np.random.default_rng(seed).normal(0.0, sigma, out.image[:, :, :2].shape)
    return out


def hold_at(s: PoseSeries, at_s: float, hold_s: float, fps: float = 30.0) -> PoseSeries:
    """The movement stops at ``at_s`` for ``hold_s`` (a hold at the top of a raise): that frame
    repeats, and everything after comes ``hold_s`` later."""
    i = int(np.argmin(np.abs(s.timestamps_s - at_s)))
    n = int(round(hold_s * fps))
    held_t = s.timestamps_s[i] + np.arange(1, n + 1) / fps
    return PoseSeries(np.concatenate([s.timestamps_s[:i + 1], held_t, s.timestamps_s[i + 1:] + hold_s]),
                      np.concatenate([s.image[:i + 1], np.repeat(s.image[i:i + 1], n, 0), s.image[i + 1:]]),
                      np.concatenate([s.world[:i + 1], np.repeat(s.world[i:i + 1], n, 0), s.world[i + 1:]]), s.size)


def turn_round(first: PoseSeries, second: PoseSeries, turn_s: float = 1.5, fps: float = 30.0) -> PoseSeries:
    """``first``, then the person turns round on the spot for ``turn_s`` (the feet step round:
    every point moves from the last pose of ``first`` to the first of ``second``), then ``second``."""
    n = int(round(turn_s * fps))
    w = (np.arange(1, n + 1) / (n + 1))[:, None, None]
    step = np.sin(np.pi * 4 * w) * 0.04  # the feet lift and land twice: stepping round
    img = (1 - w) * first.image[-1:] + w * second.image[:1]
    feet = [int(L[f"{side}_{p}"]) for side in ("LEFT", "RIGHT") for p in ("ANKLE", "HEEL", "FOOT_INDEX")]
    img[:, feet, 0] += step[:, :, 0]
    wld = (1 - w) * first.world[-1:] + w * second.world[:1]
    t0 = first.timestamps_s[-1]
    turn_t = t0 + np.arange(1, n + 1) / fps
    offset = turn_t[-1] + 1.0 / fps - second.timestamps_s[0]
    return PoseSeries(np.concatenate([first.timestamps_s, turn_t, second.timestamps_s + offset]),
                      np.concatenate([first.image, img, second.image]),
                      np.concatenate([first.world, wld, second.world]), first.size)
