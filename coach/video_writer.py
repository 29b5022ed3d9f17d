"""Writes annotated video that plays in a browser: H.264 in MP4 (yuv420p, faststart).

OpenCV's pip wheels cannot encode H.264, and their VP8 encoder is too slow for real time
(~35 ms per 640x480 frame here), so frames are piped to the ffmpeg binary that the
``imageio-ffmpeg`` wheel ships. ffmpeg runs in its own process, i.e. on the other core.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np


class VideoWriteError(RuntimeError):
    pass


class BrowserVideoWriter:
    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], crf: int = 26):
        import imageio_ffmpeg

        self.path = Path(path)
        self.size = (size[0] - size[0] % 2, size[1] - size[1] % 2)  # yuv420p needs even sizes
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{self.size[0]}x{self.size[1]}",
            "-r", f"{fps:.3f}", "-i", "-",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", str(self.path),
        ]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self.frames_written = 0

    def write(self, image_bgr: np.ndarray) -> None:
        w, h = self.size
        frame = np.ascontiguousarray(image_bgr[:h, :w])
        try:
            self._proc.stdin.write(frame.tobytes())
        except (BrokenPipeError, OSError) as exc:
            raise VideoWriteError(f"video encoder stopped: {self._stderr()}") from exc
        self.frames_written += 1

    def _stderr(self) -> str:
        try:
            return (self._proc.stderr.read() or b"").decode(errors="replace").strip()[-500:]
        except Exception:  # noqa: BLE001 - best effort diagnostics only
            return ""

    def close(self) -> None:
        if self._proc.stdin and not self._proc.stdin.closed:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
        if self._proc.wait() != 0:
            raise VideoWriteError(f"could not write {self.path}: {self._stderr() or 'encoder failed'}")

    def __enter__(self) -> "BrowserVideoWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
