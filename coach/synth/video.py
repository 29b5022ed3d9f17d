"""Writing a synthetic clip to disk: an mp4 (OpenCV's mp4v) or a .y4m (raw I420 frames, what
Chromium's fake camera plays: ``--use-file-for-fake-video-capture=clip.y4m``), and its truth JSON.

Any clip with ``frames()``, ``fps`` and ``size`` will do (``SynthClip`` and ``ExtClip``).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def _even(size: tuple[int, int]) -> tuple[int, int]:
    return size[0] - size[0] % 2, size[1] - size[1] % 2  # 4:2:0 chroma needs even sizes


def write_mp4(clip, path: str | Path) -> Path:
    import cv2

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), clip.fps, clip.size)
    if not writer.isOpened():
        raise OSError(f"cannot open a video writer for {path}")
    try:
        for frame in clip.frames():
            writer.write(frame)
    finally:
        writer.release()
    return path


def write_y4m(clip, path: str | Path) -> Path:
    """The clip as YUV4MPEG2 (4:2:0, progressive); returns the path. No ffmpeg needed."""
    import cv2

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = _even(clip.size)
    num = int(round(clip.fps * 1000))
    rate = f"{num // 1000}:1" if num % 1000 == 0 else f"{num}:1000"
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{rate} Ip A1:1 C420jpeg\n".encode())
        for frame in clip.frames():
            yuv = cv2.cvtColor(np.ascontiguousarray(frame[:h, :w]), cv2.COLOR_BGR2YUV_I420)  # Y, U, V planes
            f.write(b"FRAME\n")
            f.write(yuv.tobytes())
    return path


def read_y4m(path: str | Path) -> tuple[float, list[np.ndarray]]:
    """(fps, BGR frames) of a .y4m written by ``write_y4m`` (for checks)."""
    import cv2

    data = Path(path).read_bytes()
    header, _, rest = data.partition(b"\n")
    fields = {tok[:1]: tok[1:] for tok in header.decode().split()[1:]}
    w, h = int(fields["W"]), int(fields["H"])
    a, b = fields["F"].split(":")
    size = w * h * 3 // 2
    frames, pos = [], 0
    while pos < len(rest):
        assert rest[pos:pos + 6] == b"FRAME\n", "bad frame marker"
        pos += 6
        yuv = np.frombuffer(rest[pos:pos + size], np.uint8).reshape(h * 3 // 2, w)
        frames.append(cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR_I420))
        pos += size
    return int(a) / int(b), frames


def save_truth(truth, path: str | Path) -> Path:
    """A ``GroundTruth`` or a script's truth dict as JSON."""
    path = Path(path)
    if hasattr(truth, "save"):
        truth.save(path)
    else:
        path.write_text(json.dumps(truth, indent=1) + "\n")
    return path
