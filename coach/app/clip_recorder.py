"""Record a clip for the physio from the browser camera: up to 30 s, then its landmark track, and
the video only with the patient's consent.

``ClipRecorder.callback`` runs on streamlit-webrtc's worker thread: each frame is kept as a JPEG
(30 s of 640x480 raw frames would be ~800 MB; as JPEG ~25 MB) and shown back mirrored, like a
mirror, with a big "REC 12 s" mark. The page thread reads ``elapsed_s`` and calls ``stop``.
``save_recording`` then runs the pose model over the kept frames (offline, VIDEO mode: tracking
across frames) and stores the clip; the frames are written as video only when the patient agreed,
otherwise they only ever lived in memory.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

MAX_CLIP_S = 30.0
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Recording:
    """What the camera gave: JPEG frames with their times (seconds from the first frame)."""

    frames_jpeg: tuple[bytes, ...]
    timestamps_s: tuple[float, ...]
    size: tuple[int, int]  # (width, height)

    @property
    def duration_s(self) -> float:
        """From the first frame to the end of the last one (one frame interval past its start)."""
        if len(self.timestamps_s) < 2:
            return 0.0
        span = self.timestamps_s[-1] - self.timestamps_s[0]
        return span + span / (len(self.timestamps_s) - 1)

    @property
    def fps(self) -> float:
        return (len(self.timestamps_s) - 1) / (self.timestamps_s[-1] - self.timestamps_s[0]) \
            if len(self.timestamps_s) > 1 and self.timestamps_s[-1] > self.timestamps_s[0] else 15.0

    def images(self):
        for data in self.frames_jpeg:
            yield cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


class ClipRecorder:
    """One recording in one browser tab; keep it in ``st.session_state``."""

    def __init__(self, max_s: float = MAX_CLIP_S, clock: Callable[[], float] = time.monotonic):
        self.max_s = max_s
        self._clock = clock
        self._lock = threading.Lock()
        self._frames: list[bytes] = []
        self._times: list[float] = []
        self._size = (0, 0)
        self._t0: float | None = None
        self._stopped = False

    # --- worker thread ------------------------------------------------------------------------

    def callback(self, frame):
        """streamlit-webrtc ``video_frame_callback``: av.VideoFrame in, av.VideoFrame out."""
        import av

        out = self.process(frame.to_ndarray(format="bgr24"), frame.time)
        return av.VideoFrame.from_ndarray(out, format="bgr24")

    def process(self, image_bgr: np.ndarray, stream_time_s: float | None = None) -> np.ndarray:
        """Keep the frame (until stopped or full); return what the patient sees. Never raises."""
        now = stream_time_s if stream_time_s is not None else self._clock()
        with self._lock:
            if not self._stopped:
                if self._t0 is None:
                    self._t0 = now
                t = now - self._t0
                if t >= self.max_s:
                    self._stopped = True
                elif not self._times or t > self._times[-1]:
                    ok, jpeg = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
                    if ok:
                        self._frames.append(jpeg.tobytes())
                        self._times.append(t)
                        self._size = (image_bgr.shape[1], image_bgr.shape[0])
            elapsed, stopped = self._elapsed_locked(), self._stopped
        return _overlay(cv2.flip(image_bgr, 1), elapsed, stopped, self.max_s)

    # --- page thread --------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        with self._lock:
            return bool(self._times)

    @property
    def elapsed_s(self) -> float:
        with self._lock:
            return self._elapsed_locked()

    @property
    def finished(self) -> bool:
        """Stopped by the patient or full (``max_s`` reached)."""
        with self._lock:
            return self._stopped

    def stop(self) -> None:
        with self._lock:
            self._stopped = True

    def recording(self) -> Recording:
        with self._lock:
            return Recording(tuple(self._frames), tuple(self._times), self._size)

    def _elapsed_locked(self) -> float:
        return self._times[-1] if self._times else 0.0


def _overlay(image: np.ndarray, elapsed_s: float, stopped: bool, max_s: float) -> np.ndarray:
    """A red dot and the seconds, big enough to read from across the room."""
    h = image.shape[0]
    scale = max(1.0, h / 320)
    text = "Stopped" if stopped else f"REC {elapsed_s:4.1f} s of {max_s:.0f}"
    org = (int(20 * scale) + int(26 * scale), int(38 * scale))
    if not stopped:
        cv2.circle(image, (int(24 * scale), int(28 * scale)), int(11 * scale), (0, 0, 230), -1, cv2.LINE_AA)
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_DUPLEX, 0.9 * scale, (0, 0, 0), int(5 * scale), cv2.LINE_AA)
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_DUPLEX, 0.9 * scale, (255, 255, 255), int(2 * scale), cv2.LINE_AA)
    return image


def landmark_track(recording: Recording, model: str, estimator=None,
                   progress: Callable[[float], None] | None = None):
    """The clip's ``PoseSeries`` from its frames (VIDEO mode: the tracker follows one person)."""
    from coach.pose.frame import PoseSeries

    own = estimator is None
    if own:
        from coach.pose.estimator import PoseEstimator

        estimator = PoseEstimator(model=model, mode="video", people_check_interval_s=0)
    frames = []
    try:
        n = len(recording.frames_jpeg)
        for i, (image, t) in enumerate(zip(recording.images(), recording.timestamps_s)):
            frames.append(estimator.estimate(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), t))
            if progress is not None and (i % 10 == 0 or i == n - 1):
                progress((i + 1) / n)
    finally:
        if own:
            estimator.close()
    return PoseSeries.from_frames(frames, size=recording.size)


def save_recording(store, patient_id: str, recording: Recording, note: str, model: str = "lite",
                   progress: Callable[[float], None] | None = None, estimator=None):
    """Store the recording as a clip (``coach.store.clips.Clip``): its landmark track always, its
    video (H.264 MP4, plays in any browser) only when the patient agreed to video."""
    import uuid as uuidlib

    from coach.video_writer import BrowserVideoWriter

    if len(recording.frames_jpeg) < 2:
        raise ValueError("the camera gave no pictures: nothing was recorded")
    track = landmark_track(recording, model, estimator, progress)
    clip_uuid = str(uuidlib.uuid4())
    target = store.clip_video_target(patient_id, clip_uuid, ".mp4")
    rel = None
    if target is not None:
        path, rel = target
        tmp = path.with_name(path.stem + ".part.mp4")
        try:
            with BrowserVideoWriter(tmp, recording.fps, recording.size) as writer:
                for image in recording.images():
                    writer.write(image)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    try:
        return store.save_clip(patient_id, note=note, duration_s=min(recording.duration_s, MAX_CLIP_S),
                               track=track, video_rel=rel, clip_uuid=clip_uuid)
    except BaseException:
        if target is not None:  # no video file without its clip row
            target[0].unlink(missing_ok=True)
        raise
