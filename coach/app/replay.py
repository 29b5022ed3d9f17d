"""A skeleton replay of a stored landmark track, for sessions recorded without video.

Frames are drawn at a fixed rate over the whole span of the track (the last pose is held across
short gaps; the screen says "no tracking" across long ones), so video time = track time - start:
the same clock the rep timeline uses. Written once per session as H.264 MP4 in the app folder.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from coach.overlay import draw_skeleton
from coach.pose.frame import PoseSeries

REPLAY_FPS = 15.0
MAX_REPLAY_S = 15 * 60  # longer tracks are cut: the replay is for review, not archiving
HOLD_GAP_S = 0.5


def replay_frames(series: PoseSeries, fps: float = REPLAY_FPS, size: tuple[int, int] | None = None,
                  start_s: float | None = None):
    """Yield BGR images of the skeleton at ``fps`` from ``start_s`` (default: the first timestamp;
    earlier, e.g. a rep that began before its landmarks were kept, holds the first pose) to the last."""
    if len(series) == 0:
        return
    w, h = size or series.size or (640, 480)
    w, h = (w or 640), (h or 480)
    ts = series.timestamps_s
    t0 = float(ts[0]) if start_s is None else min(float(start_s), float(ts[0]))
    t_end = min(float(ts[-1]), t0 + MAX_REPLAY_S)
    n = int((t_end - t0) * fps) + 1
    j = 0
    for k in range(n):
        t = t0 + k / fps
        while j + 1 < len(ts) and ts[j + 1] <= t:
            j += 1
        image = np.full((h, w, 3), 30, np.uint8)
        if t - ts[j] <= HOLD_GAP_S:
            pose = series.frame(j)
            draw_skeleton(image, pose)
            if not pose.has_person:
                _label(image, "nobody found", (20, h - 20))
        else:
            _label(image, "no tracking (rest or pause)", (20, h // 2))
        _label(image, f"{t - t0:5.1f} s", (20, 40))
        yield image


def _label(image, text: str, org) -> None:
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_DUPLEX, 0.9, (0, 0, 0), 5, cv2.LINE_AA)
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_DUPLEX, 0.9, (255, 255, 255), 2, cv2.LINE_AA)


def write_replay(series: PoseSeries, path: Path, fps: float = REPLAY_FPS, start_s: float | None = None) -> Path | None:
    """Encode the replay (browser-playable); None when the track is empty."""
    from coach.video_writer import BrowserVideoWriter

    if len(series) == 0:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.mp4")
    size = series.size if series.size and series.size[0] else (640, 480)
    writer = BrowserVideoWriter(tmp, fps, size)
    try:
        for image in replay_frames(series, fps, size, start_s):
            writer.write(image)
    finally:
        writer.close()
    tmp.replace(path)
    return path
