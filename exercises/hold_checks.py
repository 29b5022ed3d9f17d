"""Whether a recording can time balance holds at all, and which holds it cannot time.

A hold's time is from the moment the position is taken to the moment it is left, each placed to
within a frame. Two recordings cannot support that, and then no time is given, with the reason:
- too few frames a second: each end is placed only to within a frame interval, and the foot-down
  that ends a single-leg stance lasts a few tenths of a second, so it can fall between frames;
- the person out of the picture (or the picture blank) for seconds: a hold that "ended" when the
  person was lost was not seen to end, so its time is a lower bound, not a hold time.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from exercises.base import Rep

HOLD_MIN_FPS = 10.0  # each end to within 0.1 s: the 0.3 s a hold time is promised within, with room
ABSENT_MAX_S = 2.0  # not seen for longer than this is "left the picture" (the tests' own limit)
LOST = "lost sight of you"  # the reason exercises.holds gives a hold that ended out of sight


def median_fps(timestamps_s) -> float:
    steps = np.diff(np.asarray(timestamps_s, dtype=float))
    forward = steps[steps > 0]
    return float(1.0 / np.median(forward)) if len(forward) else 0.0


def absences(timestamps_s, person_found, longer_than_s: float = ABSENT_MAX_S) -> list[tuple[float, float]]:
    """(from, to) of every stretch with nobody seen for longer than ``longer_than_s``."""
    out, start = [], None
    ts = np.asarray(timestamps_s, dtype=float)
    for t, found in zip(ts, np.asarray(person_found, dtype=bool)):
        if not found and start is None:
            start = t
        elif found and start is not None:
            if t - start > longer_than_s:
                out.append((float(start), float(t)))
            start = None
    if start is not None and len(ts) and ts[-1] - start > longer_than_s:
        out.append((float(start), float(ts[-1])))
    return out


def check_holds(holds: list[Rep], timestamps_s, person_found) -> tuple[list[Rep], list[str]]:
    """The holds with those the recording cannot time marked not counted (with why), and warnings
    for the person: a recording too coarse to time any hold, and each time they left the picture."""
    if len(timestamps_s) < 2:
        return holds, []
    warnings: list[str] = []
    fps = median_fps(timestamps_s)
    gone = absences(timestamps_s, person_found)
    for a, b in gone:
        warnings.append(f"you were out of the picture for {b - a:.0f} s (from {a:.1f} s): a hold then cannot be "
                        "timed; stay where the camera sees you from head to feet")
    if fps < HOLD_MIN_FPS:
        why = (f"{fps:.0f} frames a second is too few to time a hold (at least {HOLD_MIN_FPS:.0f} needed): "
               "record at the camera's normal frame rate")
        warnings.insert(0, why)
        return _renumber([replace(h, counted=False, reason=f"not timed: {why}") if h.counted else h
                          for h in holds]), warnings
    out = []
    for h in holds:
        lost = next(((a, b) for a, b in gone if h.counted and h.reason == LOST and a - 1.0 <= h.end_s <= b), None)
        if lost:
            a, b = lost
            h = replace(h, counted=False, reason=f"not timed: you left the picture for {b - a:.0f} s "
                                                 f"(from {a:.1f} s), so the end of this hold was not seen")
        out.append(h)
    return _renumber(out), warnings


def _renumber(holds: list[Rep]) -> list[Rep]:
    n, out = 0, []
    for h in holds:
        if h.counted:
            n += 1
            out.append(replace(h, index=n) if h.index != n else h)
        else:
            out.append(replace(h, index=0) if h.index else h)
    return out
