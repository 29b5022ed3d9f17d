"""Frame sources: a video file or a camera, behind one iterator of timestamped frames.

Timestamps come from the container where it has them (files) or from a monotonic clock at
capture (cameras), so everything downstream works in seconds, not frame counts.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np


class SourceError(RuntimeError):
    """The input cannot be read as video (missing, not a video, no frames, camera absent)."""


@dataclass(frozen=True)
class TimedFrame:
    index: int  # position in the source (frames skipped by the reader still count)
    timestamp_s: float
    image: np.ndarray | None  # BGR uint8, as OpenCV gives it; None for a frame passed over undecoded


HEADER_FPS_RANGE = (1.0, 240.0)  # a header frame rate outside this is not the video's (a browser's WebM says 1000)
FPS_PROBE_FRAMES = 30  # frames read ahead to measure the frame rate when the header's cannot be used


class VideoFileSource:
    """Frames of a video file with container timestamps.

    Raises SourceError up front for a missing path, a file OpenCV cannot open, or a video
    with no decodable frame. A truncated file yields the frames it has; ``truncated`` says so.

    Variable frame rate (phone and browser recordings): every frame keeps its own container
    timestamp. A browser recorder's WebM has no duration and a header frame rate of 1000 (its
    clock's tick, not its frame rate): then ``fps`` is measured from the first frames' timestamps
    (median step) and ``fps_from_header`` is False.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not self.path.exists():
            raise SourceError(f"no such file: {self.path}")
        if self.path.is_dir():
            raise SourceError(f"{self.path} is a folder, not a video file")
        if self.path.stat().st_size == 0:
            raise SourceError(f"{self.path} is empty (0 bytes)")
        self._cap = cv2.VideoCapture(str(self.path))
        if not self._cap.isOpened():
            raise SourceError(f"{self.path} is not a readable video (unknown or corrupt format)")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps_from_header = bool(fps) and HEADER_FPS_RANGE[0] <= fps <= HEADER_FPS_RANGE[1]
        self.fps = float(fps) if self.fps_from_header else 30.0
        frames = self._cap.get(cv2.CAP_PROP_FRAME_COUNT)
        self.declared_frames = max(int(frames), 0) if np.isfinite(frames) and frames < 1e9 else 0
        self.size = (int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self._first = self._read_one()
        if self._first is None:
            self._cap.release()
            raise SourceError(f"{self.path} contains no video frames")
        self._ahead: list[tuple[float, np.ndarray]] = []
        self._cost = _ReadCost()
        if not self.fps_from_header:
            self._measure_fps()
        self.frames_read = 0

    def _measure_fps(self) -> None:
        """The frame rate from the container timestamps of the first ``FPS_PROBE_FRAMES`` frames."""
        while len(self._ahead) < FPS_PROBE_FRAMES and (item := self._read_one()) is not None:
            self._ahead.append(item)
        times = np.array([self._first[0]] + [t for t, _ in self._ahead])
        steps = np.diff(times)
        steps = steps[steps > 0]
        if len(steps) and HEADER_FPS_RANGE[0] <= 1.0 / np.median(steps) <= HEADER_FPS_RANGE[1]:
            self.fps = float(1.0 / np.median(steps))

    def _read_one(self) -> tuple[float, np.ndarray] | None:
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        return self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0, image

    @property
    def duration_s(self) -> float:
        return self.declared_frames / self.fps if self.declared_frames else 0.0

    @property
    def truncated(self) -> bool:
        """True when the file ended well before the frame count its header declares."""
        return self.declared_frames > 0 and self.frames_read < 0.95 * self.declared_frames - 1

    def _next(self, index: int, decode: Callable[[int], bool] | None) -> tuple[float, np.ndarray | None] | None:
        """Frame ``index``: its timestamp, and its picture unless ``decode(index)``, asked once the
        frame is grabbed, says False (OpenCV's grab without retrieve: no colour conversion, which
        costs ten times the decoding for a 10-bit phone video). Asked that late, a reader running
        beside the pose model knows as much as it can about the frames the model still wants."""
        if self._ahead:
            return self._ahead.pop(0)
        if decode is None:
            return self._read_one()
        start = time.perf_counter()
        if not self._cap.grab():
            return None
        grabbed = time.perf_counter()
        t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if not decode(index):
            self._cost.grabbed(grabbed - start)
            return t, None
        asked = time.perf_counter()
        ok, image = self._cap.retrieve()
        self._cost.grabbed(grabbed - start, time.perf_counter() - asked)
        return (t, image) if ok and image is not None else None

    @property
    def conversion_is_costly(self) -> bool:
        """Converting a grabbed frame to a picture costs several times grabbing it (a 10-bit video:
        ten times), measured on the frames read so far; False until a few were converted."""
        return self._cost.costly()

    def __iter__(self) -> Iterator[TimedFrame]:
        return self.frames()

    def frames(self, decode: Callable[[int], bool] | None = None) -> Iterator[TimedFrame]:
        """Every frame in order; ``decode(index)``, asked once frame ``index`` is grabbed, False: that
        frame comes with ``image`` None (its timestamp still read). Default: all decoded."""
        item, index, last_t = self._first, 0, -1.0
        while item is not None:
            container_t, image = item
            # Trust the container's clock unless it is missing or goes backwards.
            t = container_t if container_t > last_t or (index == 0 and container_t >= 0) else index / self.fps
            if t <= last_t:
                t = last_t + 1.0 / self.fps
            yield TimedFrame(index, t, image)
            last_t, index = t, index + 1
            self.frames_read = index
            item = self._next(index, decode)
        self._cap.release()

    def close(self) -> None:
        self._cap.release()


class _ReadCost:
    """Running means of the seconds a frame's grab (decoding) and its conversion to a picture take."""

    COSTLY = 3.0  # a conversion this many grabs long is costly
    WEIGHT = 0.1

    def __init__(self):
        self.grab_s = self.convert_s = 0.0
        self.grabs = self.conversions = 0

    def grabbed(self, grab_s: float, convert_s: float | None = None) -> None:
        self.grab_s = self._mean(self.grab_s, grab_s, self.grabs)
        self.grabs += 1
        if convert_s is not None:
            self.convert_s = self._mean(self.convert_s, convert_s, self.conversions)
            self.conversions += 1

    @classmethod
    def _mean(cls, mean: float, value: float, seen: int) -> float:
        return value if not seen else mean + cls.WEIGHT * (value - mean)

    def costly(self) -> bool:
        return self.conversions >= 3 and self.convert_s > self.COSTLY * self.grab_s


def parse_camera(spec: str | int) -> int | str:
    """'0' -> 0; '/dev/video2' stays a path."""
    if isinstance(spec, int):
        return spec
    return int(spec) if str(spec).isdigit() else str(spec)


class CameraSource:
    """Frames from a webcam (index or device path), stamped with a monotonic clock at capture.

    ``read()`` returns None when the camera stops delivering (unplugged); the live loop decides
    whether to wait for it or stop. ``reopen()`` tries to get it back.
    """

    def __init__(self, device: str | int = 0, size: tuple[int, int] | None = (640, 480)):
        self.device = parse_camera(device)
        self.requested_size = size
        self._cap = None
        self._index = 0
        self._t0 = time.monotonic()
        if not self.reopen():
            raise SourceError(f"camera {self.device!r} could not be opened (not connected, or in use by another app)")

    def reopen(self) -> bool:
        if self._cap is not None:
            self._cap.release()
        self._cap = cv2.VideoCapture(self.device)
        if not self._cap.isOpened():
            return False
        if self.requested_size:
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.requested_size[0])
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.requested_size[1])
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and fps > 1 else 30.0
        return True

    def read(self) -> TimedFrame | None:
        ok, image = self._cap.read()
        if not ok or image is None:
            return None
        frame = TimedFrame(self._index, time.monotonic() - self._t0, image)
        self._index += 1
        return frame

    def __iter__(self) -> Iterator[TimedFrame]:
        while (frame := self.read()) is not None:
            yield frame

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
