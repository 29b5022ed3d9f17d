"""Writes annotated video that plays in a browser: H.264 in MP4 (yuv420p, faststart).

OpenCV's pip wheels cannot encode H.264, and their VP8 encoder is too slow for real time
(~35 ms per 640x480 frame here), so frames are piped to the ffmpeg binary that the
``imageio-ffmpeg`` wheel ships. ffmpeg runs in its own process, i.e. on the other core.

The video is encoded into a private hidden sibling (``.NAME.part.mp4``) and renamed into place only
when ffmpeg has finished it: a full disk or a crash never leaves a torn file under the real name.
"""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import numpy as np


class VideoWriteError(OSError):
    """The video could not be written; the message is one line naming the file and why."""

    def __init__(self, message: str):
        super().__init__(message)  # one argument: str() is the message, not "[Errno 28] ..."
        self.errno = errno.ENOSPC if "no space left" in message else None


class BrowserVideoWriter:
    """``tolerant``: a failed write (a full disk) does not raise; later frames are skipped and
    ``close`` raises once, after removing the partial file, so the caller's other work goes on."""

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], crf: int = 26, tolerant: bool = False):
        import imageio_ffmpeg

        self.path = Path(path)
        self.part = self.path.with_name(f".{self.path.stem}.part{self.path.suffix or '.mp4'}")
        self.size = (size[0] - size[0] % 2, size[1] - size[1] % 2)  # yuv420p needs even sizes
        self.tolerant = tolerant
        self.error = ""  # why writing stopped ("" while fine)
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{self.size[0]}x{self.size[1]}",
            "-r", f"{fps:.3f}", "-i", "-",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4", str(self.part),
        ]
        self.part.unlink(missing_ok=True)
        os.close(os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # health data: 0600
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        self.frames_written = 0

    def write(self, image_bgr: np.ndarray) -> None:
        if self.error:
            if self.tolerant:
                return
            raise VideoWriteError(self.error)
        w, h = self.size
        frame = np.ascontiguousarray(image_bgr[:h, :w])
        try:
            self._proc.stdin.write(frame.tobytes())
        except (BrokenPipeError, OSError) as exc:
            self.error = self._failure(exc)
            self._stop()
            if not self.tolerant:
                raise VideoWriteError(self.error) from exc
            return
        self.frames_written += 1

    def _failure(self, exc: BaseException | None = None) -> str:
        text = ""
        try:
            self._proc.wait(timeout=5)
            text = (self._proc.stderr.read() or b"").decode(errors="replace")
        except Exception:  # noqa: BLE001 - best effort diagnostics only
            pass
        if "No space left" in text or getattr(exc, "errno", None) == errno.ENOSPC:
            why = "no space left on the disk"
        else:
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            why = (lines[-1][:200] if lines else str(exc or "the encoder failed"))
        return f"could not write {self.path}: {why}"

    def _stop(self) -> None:
        """End ffmpeg and remove the partial file."""
        try:
            if self._proc.stdin and not self._proc.stdin.closed:
                self._proc.stdin.close()
        except OSError:
            pass
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self.part.unlink(missing_ok=True)

    def close(self) -> None:
        if not self.error:
            try:
                self._proc.stdin.close()
            except OSError:
                pass
            if self._proc.wait() != 0:
                self.error = self._failure()
            else:
                try:
                    os.chmod(self.part, 0o600)
                    os.replace(self.part, self.path)
                except OSError as e:
                    self.error = f"could not write {self.path}: {e.strerror or e}"
        if self.error:
            self._stop()
            raise VideoWriteError(self.error)

    def __enter__(self) -> "BrowserVideoWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
