"""How bright a recording is: a few frames, sampled evenly, as the median luminance (0-255).

A picture so dark that it shows almost nothing cannot support a score, even where the pose model
still reports a person (it then guesses from noise and the last frames); ``exercises.validated_tests``
refuses it with that reason.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from coach.live.setup_check import frame_brightness  # the live set-up check's own measure

SAMPLES = 24


def median_brightness(path: str | Path, samples: int = SAMPLES) -> float | None:
    """Median over ``samples`` evenly spread frames of each frame's mean luminance; None when the
    file cannot be read."""
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            return None
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        values = []
        if total > samples * 4:
            for i in np.linspace(0, total - 1, samples).astype(int):
                cap.set(cv2.CAP_PROP_POS_FRAMES, int(i))
                ok, frame = cap.read()
                if ok:
                    values.append(frame_brightness(frame))
        if len(values) < samples // 2:  # no frame count, or seeking does not work: read through
            values, i = [], 0
            while len(values) < 400:
                ok, frame = cap.read()
                if not ok:
                    break
                if i % 5 == 0:
                    values.append(frame_brightness(frame))
                i += 1
        return float(np.median(values)) if values else None
    finally:
        cap.release()
