"""Can a recording support a test's score? Its frame rate, timestamp steadiness, the person found
through the test and the picture's light, checked against what the test's norm needs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exercises.hold_checks import absences
from exercises.validated_tests.catalogue import TestSpec

PERSON_SHARE_MIN = 0.8  # a person must be found in this share of the test's frames
PERSON_ABSENT_MAX_S = 2.0  # ... and never missing for longer than this
TIMESTAMP_GAP_MAX_S = 1.0  # a longer step between frames is a jump, not a frame interval
# Median luminance (0-255) below which a picture shows almost nothing (under 4% of full scale; real
# rooms on a webcam's automatic exposure read 90-215): the pose model then guesses from noise.
DARK_MAX_LUMA = 10.0


@dataclass(frozen=True)
class RecordingQuality:
    """Timing and tracking facts of the part of a recording a test was scored on."""

    frames: int
    fps: float  # median frame rate
    max_step_s: float  # longest step between consecutive timestamps
    backwards: int  # timestamps that went back in time
    person_share: float
    longest_absent_s: float
    window_s: tuple[float, float]

    def uncertainty_s(self, events: int = 2) -> float:
        """How far a time measured between ``events`` frame-located moments can be off: each
        moment is placed to within one frame interval (the longest step, where frames were lost)."""
        step = max(1.0 / self.fps if self.fps > 0 else float("inf"), self.max_step_s)
        return round(events * step, 3)


def recording_quality(timestamps_s, person_found, window_s: tuple[float, float] | None = None) -> RecordingQuality:
    """Facts of the frames inside ``window_s`` (default: all). ``person_found`` is one bool per frame."""
    ts = np.asarray(timestamps_s, dtype=float)
    found = np.asarray(person_found, dtype=bool)
    if window_s is not None and len(ts):
        order_ok = np.all(np.diff(ts) > 0)
        if order_ok:
            lo, hi = window_s
            keep = (ts >= lo - 1e-6) & (ts <= hi + 1e-6)
            ts, found = ts[keep], found[keep]
    if len(ts) < 2:
        return RecordingQuality(len(ts), 0.0, 0.0, 0, float(found.mean()) if len(found) else 0.0, 0.0,
                                (float(ts[0]), float(ts[0])) if len(ts) else (0.0, 0.0))
    steps = np.diff(ts)
    forward = steps[steps > 0]
    fps = float(1.0 / np.median(forward)) if len(forward) else 0.0
    longest = max((b - a for a, b in absences(ts, found, longer_than_s=0.0)), default=0.0)
    return RecordingQuality(len(ts), round(fps, 2), float(np.max(np.abs(steps))), int(np.sum(steps <= 0)),
                            float(found.mean()), float(longest), (float(ts[0]), float(ts[-1])))


def recording_problem(spec: TestSpec, q: RecordingQuality) -> str:
    """Why this recording cannot support ``spec``'s score ("" when it can)."""
    if q.frames == 0 or q.person_share == 0.0:
        return "nobody was found in the recording: check that the whole body is in view and the room is lit"
    if q.backwards:
        return f"the video's timestamps go backwards {q.backwards} time(s), so the timing cannot be trusted"
    if q.max_step_s > TIMESTAMP_GAP_MAX_S:
        return (f"the video's timestamps jump by {q.max_step_s:.1f} s during the test (frames missing or a broken "
                f"clock), so the timing cannot be trusted")
    if q.fps < spec.min_fps:
        return (f"the video has {q.fps:.0f} frames per second; the {spec.label} needs at least "
                f"{spec.min_fps:.0f} for its timing")
    if q.person_share < PERSON_SHARE_MIN:
        return (f"the person was found in only {q.person_share:.0%} of the test's frames "
                f"(at least {PERSON_SHARE_MIN:.0%} needed)")
    if q.longest_absent_s > PERSON_ABSENT_MAX_S:
        return f"the person was not seen for {q.longest_absent_s:.1f} s during the test"
    if q.uncertainty_s() > spec.max_uncertainty_s:
        return (f"the timing is only known to ±{q.uncertainty_s():.2f} s; the {spec.label} needs "
                f"±{spec.max_uncertainty_s:.1f} s")
    return ""
