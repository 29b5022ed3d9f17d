"""Where live updates go besides the session: the speaker, the on-screen window, the session store.

Each sink has ``on_update(update)`` and ``close(summary)``; the session works with none of them.
"""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field

import cv2

from coach.live.speech import Speaker
from coach.live.update import LiveSummary, LiveUpdate

log = logging.getLogger(__name__)
POSE_CHUNK_S = 1.0  # landmarks go to the store about once a second
STOP_KEYS = {ord("q"), ord("Q"), 27}  # q or Esc
GO_KEYS = {ord(" "), 13}  # Space or Enter
REST_KEYS = {ord("r"), ord("R")}
# Live summary status -> stored session status: "complete" only when the plan was done (see
# LiveSession.finish); a closed tab or a camera that never came back is "interrupted".
RECORDED_STATUS = {"complete": "complete", "interrupted": "interrupted", "camera_lost": "interrupted"}


@dataclass
class SpeechSink:
    speaker: Speaker
    # A caregiver is beside the patient (``coach.caregiver``): a loss of balance or a possible fall
    # is said for them first, at once ("Please help: loss of balance"), then the patient's safety cue.
    caregiver: bool = False
    _quiet_until_s: float = field(default=float("-inf"), init=False)

    def on_update(self, update: LiveUpdate) -> None:
        if self.caregiver:
            from coach.caregiver import ALERT, ALERT_QUIET_S, is_alarm

            if any(is_alarm(e.kind, e.detail) for e in update.events):
                safety = [cue.text for cue in update.cues if cue.kind == "safety"]
                self.speaker.say(" ".join([f"{ALERT}.", *safety]))  # one utterance: the newest wins
                self._quiet_until_s = update.time_s + ALERT_QUIET_S  # no later cue may replace it
                return
            if update.time_s < self._quiet_until_s:
                return
        for cue in update.cues:  # the speaker keeps only the newest if it is still talking
            self.speaker.say(cue.text)

    def close(self, summary: LiveSummary) -> None:
        self.speaker.close()


def display_available() -> bool:
    """False on a Linux machine with no X11 or Wayland display (e.g. over SSH, in CI)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@dataclass
class WindowSink:
    """An OpenCV window showing the HUD; reads the keys and passes them to the session."""

    session: object  # LiveSession (anything with request(action))
    title: str = "Exercise coach"
    fullscreen: bool = False
    _open: bool = field(default=False, init=False)

    def on_update(self, update: LiveUpdate) -> None:
        if update.image is None:
            return
        if not self._open:
            cv2.namedWindow(self.title, cv2.WINDOW_NORMAL)
            if self.fullscreen:
                cv2.setWindowProperty(self.title, cv2.WND_PROP_FULLSCREEN, cv2.WINDOW_FULLSCREEN)
            self._open = True
        cv2.imshow(self.title, update.image)
        self.poll_keys()

    def poll_keys(self) -> None:
        key = cv2.waitKey(1) & 0xFF
        if key in STOP_KEYS:
            self.session.request("stop")
        elif key in GO_KEYS:
            self.session.request("go")
        elif key in REST_KEYS:
            self.session.request("rest")

    def close(self, summary: LiveSummary) -> None:
        if self._open:
            cv2.destroyWindow(self.title)


@dataclass
class RecorderSink:
    """Feeds a ``coach.store.SessionRecorder``: sets, reps, events and the landmark track.

    A store that fails mid-session must not stop the exercise: errors are logged, the recorder
    itself keeps every write in its local journal and saves from its own thread, so no call here
    waits on the database. ``storage_warning`` tells the session when saving lags.
    """

    recorder: object  # coach.store.SessionRecorder
    side: str = ""
    _poses: list = field(default_factory=list, init=False)
    _seen: set = field(default_factory=set, init=False)  # ids of the session events already recorded
    _in_set: bool = field(default=False, init=False)
    errors: int = field(default=0, init=False)

    def on_update(self, update: LiveUpdate) -> None:
        try:
            self._record(update)
            heartbeat = getattr(self.recorder, "heartbeat", None)
            if heartbeat is not None:
                heartbeat()
        except Exception as exc:  # noqa: BLE001 - recording must never break the live loop
            self.errors += 1
            if self.errors == 1:
                log.error("could not record the session: %s", exc)

    def storage_warning(self) -> str:
        """The recorder's message while saving lags or fails ("" when all is well)."""
        try:
            health = self.recorder.health
            return "" if health is None or getattr(health, "ok", True) else str(health.message)
        except Exception:  # noqa: BLE001 - a broken recorder is reported at close
            return ""

    def _record(self, update: LiveUpdate) -> None:
        for event in update.set_events:
            if event.kind == "set_started":
                self.recorder.start_set(target_reps=int(event.value), side=self.side)
                self._in_set, self._poses = True, []
        if self._in_set:
            for rep in update.reps:
                self.recorder.add_rep(rep)
            if update.result is not None:
                self._poses.append(update.result.raw_pose)
                if self._poses[-1].timestamp_s - self._poses[0].timestamp_s >= POSE_CHUNK_S:
                    self._flush_poses()
        for event in update.events:
            self._event(event)
        if any(e.kind == "set_done" for e in update.set_events) and self._in_set:
            self._flush_poses()
            self.recorder.end_set()
            self._in_set = False

    def _event(self, event) -> None:
        # Every event, a loss of balance too ("balance_loss", detail "step: ..." / "drop: ..."),
        # goes through the recorder: journaled at once, saved from its own thread, and read by the
        # physio's review and the report alongside the events added to a session afterwards.
        self._seen.add(id(event))
        self.recorder.add_event(event.kind, event.time_s, event.detail)

    def _flush_poses(self) -> None:
        if self._poses:
            self.recorder.add_poses(self._poses)
            self._poses = []

    def close(self, summary: LiveSummary) -> None:
        try:
            for event in summary.events:  # made at the very end (a set closed by the end of the video)
                if id(event) not in self._seen:
                    self._event(event)
            if self._in_set:
                self._flush_poses()
            self.recorder.finish(RECORDED_STATUS.get(summary.status, "stopped"))
        except Exception as exc:  # noqa: BLE001 - StoreWriteError names the fallback file: tell the user
            summary.warnings.append(f"the session could not be saved completely: {exc}")
            summary.unsaved = str(exc)
        if self.errors:
            summary.warnings.append(f"{self.errors} recording step(s) failed during the session")


@dataclass
class VideoSink:
    """Writes the raw (un-annotated) frames to a browser-playable MP4, only when asked for.

    Frames the loop dropped are filled by repeating the last one, so the video keeps real time.
    """

    writer: object  # coach.video_writer.BrowserVideoWriter
    fps: float
    _last: object = field(default=None, init=False)
    _next_t: float | None = field(default=None, init=False)

    def on_update(self, update: LiveUpdate) -> None:
        if update.result is None:
            return
        t, image = update.time_s, update.result.frame.image
        if self._next_t is None:
            self._next_t = t
        while self._last is not None and self._next_t < t - 0.5 / self.fps:
            self.writer.write(self._last)
            self._next_t += 1.0 / self.fps
        self.writer.write(image)
        self._last, self._next_t = image, self._next_t + 1.0 / self.fps

    def close(self, summary: LiveSummary) -> None:
        self.writer.close()


@dataclass
class MetronomeSink:
    """The beat is heard while a set is active, and silent in set-up, countdown, rest and pauses
    (a pause after a loss of balance must be quiet)."""

    player: object  # coach.live.beat_player.PipeBeatPlayer

    def on_update(self, update: LiveUpdate) -> None:
        active = update.phase == "active"
        if active and not self.player.playing:
            self.player.start()
        elif not active and self.player.playing:
            self.player.stop()

    def close(self, summary: LiveSummary) -> None:
        self.player.stop()
