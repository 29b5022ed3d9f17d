"""The two tape marks of a gait-speed walk found in the picture (``coach test gait-speed --marks auto``).

Simple on purpose: the walker moves, the marks do not, so the median of frames sampled across the
recording is the empty floor with its marks. Along the floor where the feet walk (a band around the
heels' line, sized by the person's own body length in the picture), pixels that stand out from
their row's own floor colour are grouped; a mark is a group of a tape strip's size. Exactly two
such groups, far enough apart, are the marks: their places across the picture (fractions of its
width) are what ``exercises.gait_speed.time_gait`` takes as ``marks_x``. Anything else (no mark, one,
three, a patterned floor) is refused with the reason, and the scale falls back to the height.

Checked on the generator's drawn white tape only; a real floor (rugs, tiles, wood grain, shadows)
has not been tried: give ``--marks X1,X2`` or the height when it refuses.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L

SAMPLES = 25  # frames whose median is the empty floor
# The floor band around the heels' line, in body lengths (knee to shoulder): a 60 cm strip spans ~0.35.
BAND_ABOVE, BAND_BELOW = 0.4, 0.4
CONTRAST_MIN = 30.0  # grey levels a tape differs from its row's floor at least ...
CONTRAST_MADS = 6.0  # ... and this many times the row's own spread (a plain floor's texture)
MIN_AREA_BODY2 = 0.002  # a mark covers at least this share of (body length)^2 ...
MAX_WIDTH_BODY = 1.0  # ... and is narrower than a body length across the picture
MIN_APART_SHARE = 0.2  # the two marks at least this share of the picture's width apart


@dataclass(frozen=True)
class FoundMarks:
    marks_x: tuple[float, float] | None  # fractions of the picture's width; None when not found
    why: str = ""  # why not, in plain words
    candidates: int = 0


def sample_frames(path, count: int = SAMPLES) -> list[np.ndarray]:
    """``count`` frames spread evenly over the video at ``path`` (BGR)."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) or 0
        frames, i = [], 0
        want = set(np.linspace(0, max(total - 1, 0), count).astype(int)) if total > 0 else None
        while True:
            ok, img = cap.read()
            if not ok:
                break
            if want is None or i in want:
                frames.append(img)
            i += 1
        if want is None and len(frames) > count:  # no frame count in the header: thin out afterwards
            frames = [frames[k] for k in np.linspace(0, len(frames) - 1, count).astype(int)]
        return frames
    finally:
        cap.release()


def _feet_and_body(poses: list[PoseFrame]) -> tuple[float, float] | None:
    """The heels' line (px, image y) and the body length knee to shoulder (px), medians over the walk."""
    feet, body = [], []
    for p in poses:
        if not p.has_person:
            continue
        xy = p.xy_px
        feet.append(max(xy[int(L.LEFT_HEEL)][1], xy[int(L.RIGHT_HEEL)][1]))
        for s in ("LEFT", "RIGHT"):
            a, b, c = (xy[int(L[f"{s}_{k}"])] for k in ("SHOULDER", "HIP", "KNEE"))
            body.append(np.linalg.norm(a - b) + np.linalg.norm(b - c))
    if len(feet) < 5:
        return None
    return float(np.median(feet)), float(np.median(body))


def _across(strip: np.ndarray, top: int, horizon_y: float) -> float:
    """Where a strip of tape laid across the walk crosses the walking line (px across the picture).
    Its far and near ends are equally far either side of the line; on a level camera a floor
    point's depth is inversely proportional to its height below the horizon (the picture's middle
    row), and the line's point is the ends' places weighted by their depths (a plain
    midpoint of the ends, or the strip's centroid, lies outward by a percent or so of its distance
    from the picture's centre)."""
    rows = np.flatnonzero(strip.any(axis=1))
    ends = [(float(np.mean(np.flatnonzero(strip[r]))), top + r - horizon_y) for r in (rows[0], rows[-1])]
    if min(below for _, below in ends) <= 1.0:  # at the horizon: no depth to read, take the midpoint
        return (ends[0][0] + ends[1][0]) / 2
    weights = [1.0 / below for _, below in ends]  # depth: inversely as the height below the horizon
    return float(sum(x * wt for (x, _), wt in zip(ends, weights)) / sum(weights))


def find_marks(frames: list[np.ndarray], poses: list[PoseFrame]) -> FoundMarks:
    """The two marks' places across the picture, from frames sampled over the walk and its poses."""
    import cv2

    if len(frames) < 5:
        return FoundMarks(None, "too few frames to see the floor without you on it")
    seen = _feet_and_body(poses)
    if seen is None:
        return FoundMarks(None, "you were not seen walking, so the floor you walked on is unknown")
    feet_y, body = seen
    floor = np.median(np.stack([cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f in frames]), axis=0).astype(np.float32)
    h, w = floor.shape
    top, bottom = int(max(feet_y - BAND_ABOVE * body, 0)), int(min(feet_y + BAND_BELOW * body, h))
    if bottom - top < 3:
        return FoundMarks(None, "the floor is not in the picture")
    band = floor[top:bottom]
    level = np.median(band, axis=1, keepdims=True)
    spread = np.median(np.abs(band - level), axis=1, keepdims=True) * 1.4826
    mask = (np.abs(band - level) > np.maximum(CONTRAST_MIN, CONTRAST_MADS * spread)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    marks = [_across(labels == k, top, h / 2) for k in range(1, n)
             if stats[k, cv2.CC_STAT_AREA] >= MIN_AREA_BODY2 * body * body
             and stats[k, cv2.CC_STAT_WIDTH] <= MAX_WIDTH_BODY * body]
    if len(marks) != 2:
        found = "no mark" if not marks else f"{len(marks)} marks"
        return FoundMarks(None, f"{found} found on the floor where you walked (two strips of tape are needed)",
                          len(marks))
    a, b = sorted(marks)
    if b - a < MIN_APART_SHARE * w:
        return FoundMarks(None, "the two marks found are too close together to be the course", 2)
    return FoundMarks((round(a / w, 5), round(b / w, 5)), "", 2)
