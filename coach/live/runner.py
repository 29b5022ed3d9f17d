"""``LiveRunner``: pulls the newest frame from a grabber and pushes it into a ``LiveSession``.

Ends when the session is done (all sets, or the patient pressed stop), when the source ends
(a file standing in for the camera), or when a lost camera does not come back in time.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from coach.live.grabber import LatestFrameGrabber
from coach.live.session import LiveSession
from coach.live.update import LiveSummary

IDLE_POLL_S = 0.2  # with no frame, check the camera state (and keep a window responsive) this often


@dataclass
class LiveRunner:
    session: LiveSession
    grabber: LatestFrameGrabber
    clock: Callable[[], float] = time.monotonic

    def run(self) -> LiveSummary:
        self.grabber.start()
        status = ""
        last_frame_t, last_frame_at = 0.0, self.clock()
        try:
            while not self.session.finished:
                captured = self.grabber.take(IDLE_POLL_S)
                if captured is None:
                    if self.grabber.ended:
                        status = "camera_lost" if self.grabber.lost else "source_ended"
                        break
                    if self.grabber.lost:
                        # Session time moves on with the wall clock while no frames arrive.
                        self.session.source_lost(last_frame_t + (self.clock() - last_frame_at))
                    continue
                if self.session_waiting_for_source():
                    self.session.source_back(captured.frame.timestamp_s)
                self.session.push(captured.frame, captured.captured_at)
                last_frame_t, last_frame_at = captured.frame.timestamp_s, captured.captured_at
        finally:
            self.grabber.stop()
        return self.session.finish(status, frames_seen=self.grabber.frames_seen,
                                   frames_dropped=self.grabber.frames_dropped)

    def session_waiting_for_source(self) -> bool:
        return self.session.source_is_lost
