"""The bridge between streamlit-webrtc and the live coach (``coach.live.LiveSession``).

``BrowserCoach.callback`` runs on streamlit-webrtc's worker thread: it turns each ``av.VideoFrame``
into a ``TimedFrame``, pushes it into the session (the same engine as ``coach live``) and returns
the HUD image. What the page needs goes through ``updates`` (a bounded queue of ``LiveStatus``;
the oldest is dropped when the page falls behind). The page thread only reads that queue and
calls ``request``/``finish``; nothing here writes module-level state. ``build_coach`` makes one
with the live coach's own factory (``coach.live.factory``), so the page coaches, prescribes and
records exactly as ``coach live`` does.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from coach.live import LiveSession, LiveSummary, LiveUpdate
from coach.live.factory import LiveOptions, build_session, prescribe, start_recording
from coach.sources import TimedFrame

log = logging.getLogger(__name__)
QUEUE_SIZE = 16


@dataclass(frozen=True)
class LiveStatus:
    """A snapshot for the page (immutable: safe to hand between threads)."""

    phase: str = "setup"  # coach.live.sets phases
    set_no: int = 1
    sets_total: int = 1
    set_reps: int = 0
    target_reps: int = 0
    total_reps: int = 0
    time_left_s: float = 0.0
    cue_text: str = ""
    cue_kind: str = ""
    setup_instruction: str = ""
    pause_reason: str = ""
    frames: int = 0
    finished: bool = False
    summary: LiveSummary | None = None
    error: str = ""
    hold_target_s: float = 0.0  # > 0: a balance hold exercise (the fields below are its clock)
    holding: bool = False
    hold_s: float = 0.0  # the running hold, or the last one (the clock stopped)
    best_hold_s: float = 0.0
    holds_done: int = 0
    beat_period_s: float = 0.0  # > 0: a metronome tempo is set
    alert: str = ""  # a safety message that stays until the patient carries on
    task_text: str = ""  # a dual-task set: the thinking task, in big words while the set runs

    @classmethod
    def from_update(cls, u: LiveUpdate, total_reps: int, frames: int) -> LiveStatus:
        hold = {}
        if u.hold is not None:
            hold = {"hold_target_s": u.hold.target_s, "holding": u.hold.holding, "hold_s": u.hold.shown_s,
                    "best_hold_s": u.hold.best_s, "holds_done": u.hold.holds_done}
        return cls(phase=u.phase, set_no=u.set_no, sets_total=u.sets_total, set_reps=u.set_reps,
                   target_reps=u.target_reps, total_reps=total_reps, time_left_s=u.time_left_s,
                   cue_text=u.cue_text, cue_kind=u.cue_kind, setup_instruction=u.setup.instruction,
                   pause_reason=u.pause_reason, frames=frames,
                   beat_period_s=u.beat.period_s if u.beat is not None else 0.0, alert=u.alert,
                   task_text=u.task_text, **hold)


class BrowserCoach:
    """One live session in one browser tab. Keep it in ``st.session_state``."""

    def __init__(self, session: LiveSession, on_close: Callable[[], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, recorder=None):
        self.session = session
        self.recorder = recorder  # the store's SessionRecorder it records to (None: practice, a test)
        self.updates: queue.Queue[LiveStatus] = queue.Queue(maxsize=QUEUE_SIZE)
        self._on_close = on_close
        self._clock = clock
        self._lock = threading.Lock()
        self._t0: float | None = None
        self._last_t = -1.0
        self._last_image: np.ndarray | None = None
        self.summary: LiveSummary | None = None
        self.end_status = ""  # the status a session ended by a rule (a test's bell) is saved with
        self.watch = None  # a guided test's stopwatch sink (coach.app.guided_test), added by the page
        self.reps: list = []  # the reps and tries of the sets (as recorded: paced, none from set-up or rests)
        holds = session.holds  # the page's first board has the same parts as the later ones
        self.last_status = LiveStatus(sets_total=session.plan.sets, target_reps=session.plan.reps,
                                      hold_target_s=holds.target_s if holds is not None else 0.0)

    # --- worker thread ------------------------------------------------------------------------

    def callback(self, frame):
        """streamlit-webrtc ``video_frame_callback``: av.VideoFrame in, av.VideoFrame out."""
        import av

        image = frame.to_ndarray(format="bgr24")
        out = self.process(image, frame.time)
        return av.VideoFrame.from_ndarray(out, format="bgr24")

    def process(self, image_bgr: np.ndarray, stream_time_s: float | None = None) -> np.ndarray:
        """Push one BGR frame; return the image to show. Never raises (the stream must go on)."""
        with self._lock:
            if self.summary is not None:
                return self._last_image if self._last_image is not None else image_bgr
            try:
                update = self.session.push(TimedFrame(self.session.frames_processed, self._time(stream_time_s),
                                                      image_bgr))
            except Exception as exc:
                log.exception("live coach failed on a frame")
                self._publish(LiveStatus(error=f"The coach stopped working: {exc}"))
                return image_bgr
            self.reps.extend(update.reps)
            total = sum(s.reps for s in self.session.sets.results)
            status = LiveStatus.from_update(update, total, self.session.frames_processed)
            self._last_image = update.image if update.image is not None else image_bgr
            if self.session.finished:
                self._finish_locked("")
                status = replace(status, finished=True, summary=self.summary)
            self._publish(status)
            return self._last_image

    def _time(self, stream_time_s: float | None) -> float:
        """Seconds since the first frame, from the stream clock when it has one; always increasing."""
        now = stream_time_s if stream_time_s is not None else self._clock()
        if self._t0 is None:
            self._t0 = now
        t = now - self._t0
        if t <= self._last_t:
            t = self._last_t + 1e-3
        self._last_t = t
        return t

    def _publish(self, status: LiveStatus) -> None:
        self.last_status = status
        while True:
            try:
                self.updates.put_nowait(status)
                return
            except queue.Full:
                try:
                    self.updates.get_nowait()  # drop the oldest: only the newest matters
                except queue.Empty:
                    pass

    # --- page thread --------------------------------------------------------------------------

    def latest(self, timeout_s: float = 0.5) -> LiveStatus | None:
        """The newest status (waiting up to ``timeout_s`` for one), or None."""
        try:
            status = self.updates.get(timeout=timeout_s)
        except queue.Empty:
            return None
        while True:
            try:
                status = self.updates.get_nowait()
            except queue.Empty:
                return status

    def request(self, action: str) -> None:
        """"go" (start now / end the rest), "rest" (end this set), "stop"."""
        self.session.request(action)

    @property
    def started(self) -> bool:
        return self.session.frames_processed > 0

    @property
    def finished(self) -> bool:
        return self.summary is not None

    def finish(self, status: str = "") -> LiveSummary | None:
        """End the session (idempotent): saves it and frees the pose model."""
        with self._lock:
            return self._finish_locked(status)

    def _finish_locked(self, status: str) -> LiveSummary | None:
        status = self.end_status or status
        if self.summary is None:
            try:
                self.summary = self.session.finish(status=status)
            except Exception as exc:  # noqa: BLE001 - the record keeps its fallback file
                log.error("could not finish the live session: %s", exc)
                self.summary = LiveSummary(self.session.exercise, "stopped", list(self.session.sets.results),
                                           self.session.frames_processed, self.session.frames_processed, 0)
            finally:
                if self._on_close is not None:
                    self._on_close()
                    self._on_close = None
            self.last_status = replace(self.last_status, finished=True, summary=self.summary)
        return self.summary


def build_coach(opts: LiveOptions, store=None, estimator=None) -> BrowserCoach:
    """A ready coach for the browser page (its buttons, its own beat): ``opts`` prescribed from the
    patient's programme and recorded to ``store`` when ``opts.patient`` is given, as ``coach live``
    does. Raises ModelError/StoreError."""
    opts = prescribe(replace(opts, window=False, browser=True), store)
    if estimator is None:  # with a caregiver beside the patient: the patient's pose (coach.pose.follow)
        from coach.live.factory import make_estimator

        estimator = make_estimator(opts)
    try:
        recorder = start_recording(opts, store) if opts.patient and store is not None else None
    except Exception:
        estimator.close()
        raise
    return BrowserCoach(build_session(opts, estimator, recorder=recorder), on_close=estimator.close, recorder=recorder)
