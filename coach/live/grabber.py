"""Capture on its own thread into a one-slot "latest frame" holder, so the loop never lags.

When processing is slower than the camera, a new frame overwrites the one still waiting: the
loop always works on the newest frame and a backlog cannot build up (each overwrite is counted
as a dropped frame). A source that stops delivering (unplugged camera) is retried with
``reopen()``; a source without ``reopen`` (a file) has simply ended.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

from coach.sources import TimedFrame, VideoFileSource


@dataclass(frozen=True)
class CapturedFrame:
    frame: TimedFrame
    captured_at: float  # monotonic clock when the frame became available (latency origin)


class FrameSource(Protocol):
    def read(self) -> TimedFrame | None: ...


class LatestFrameSlot:
    """Holds at most one frame; ``put`` replaces an untaken frame (and counts it as dropped)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: CapturedFrame | None = None
        self._closed = False
        self.puts = 0
        self.dropped = 0

    def put(self, item: CapturedFrame) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self.puts += 1
            self._cond.notify()

    def take(self, timeout_s: float) -> CapturedFrame | None:
        """The newest frame, waiting up to ``timeout_s``; None on timeout or once closed and empty."""
        with self._cond:
            self._cond.wait_for(lambda: self._item is not None or self._closed, timeout=timeout_s)
            item, self._item = self._item, None
            return item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def discard(self) -> None:
        """Drop what is waiting (end of session): it was seen but never processed."""
        with self._cond:
            if self._item is not None:
                self.dropped += 1
                self._item = None


class LatestFrameGrabber:
    """Reads ``source`` on a daemon thread into a ``LatestFrameSlot``.

    ``lost`` is True while the source delivers nothing (it is re-opened every ``retry_s``);
    ``ended`` once a source without ``reopen`` runs out, or a lost one stays lost ``give_up_s``.
    """

    def __init__(self, source: FrameSource, retry_s: float = 1.0, give_up_s: float = 120.0,
                 clock: Callable[[], float] = time.monotonic):
        self.source = source
        self.slot = LatestFrameSlot()
        self.retry_s = retry_s
        self.give_up_s = give_up_s
        self.clock = clock
        self.lost_since: float | None = None
        self.ended = False
        self.error = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="frame-grabber", daemon=True)

    @property
    def frames_seen(self) -> int:
        return self.slot.puts

    @property
    def frames_dropped(self) -> int:
        return self.slot.dropped

    @property
    def lost(self) -> bool:
        return self.lost_since is not None

    def start(self) -> "LatestFrameGrabber":
        self._thread.start()
        return self

    def take(self, timeout_s: float = 0.2) -> CapturedFrame | None:
        return self.slot.take(timeout_s)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)
        self.slot.discard()
        close = getattr(self.source, "close", None)
        if close is not None and not self._thread.is_alive():
            close()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is not None:
                    self.lost_since = None
                    self.slot.put(CapturedFrame(frame, self.clock()))
                elif not self._wait_for_source():
                    break
        except Exception as exc:  # a broken driver must end the session cleanly, not hang it
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.ended = True
            self.slot.close()

    def _wait_for_source(self) -> bool:
        """After a failed read: False when the source is over, else True after one reopen try."""
        reopen = getattr(self.source, "reopen", None)
        if reopen is None or getattr(self.source, "ended", False):
            return False
        now = self.clock()
        if self.lost_since is None:
            self.lost_since = now
        if now - self.lost_since > self.give_up_s:
            return False
        if self._stop.wait(self.retry_s):
            return False
        try:
            reopen()
        except Exception:  # reopening a vanished device may raise on some backends; try later
            pass
        return True


class RealtimeFileSource:
    """A video file standing in for a camera: each frame becomes available at its own time.

    Frames are released at ``start + timestamp / speed`` (``speed`` 1.0 = native frame rate), so
    a slow consumer misses frames exactly as it would with a webcam. Without ``reopen`` the
    grabber treats the end of the file as the end of the stream.
    """

    def __init__(self, path, speed: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self._video = VideoFileSource(path)
        self.fps, self.size, self.path = self._video.fps, self._video.size, self._video.path
        self._frames = iter(self._video)
        self._speed = speed
        self._clock = clock
        self._start: float | None = None
        self._t0 = 0.0
        self.ended = False

    def read(self) -> TimedFrame | None:
        frame = next(self._frames, None)
        if frame is None:
            self.ended = True
            return None
        if self._start is None:
            self._start, self._t0 = self._clock(), frame.timestamp_s
        due = self._start + (frame.timestamp_s - self._t0) / self._speed
        wait = due - self._clock()
        if wait > 0:
            time.sleep(wait)
        return frame

    def close(self) -> None:
        self._video.close()
