"""The Timed Up and Go scored from a recording's (smoothed) poses (timed by ``exercises.tug``), with
its timing uncertainty, the walking aid, and the recording checked over the test itself."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from exercises.validated_tests.catalogue import TestSpec
from exercises.validated_tests.interpretation import interpret_tug, tug_uncertainty_s
from exercises.validated_tests.quality import PERSON_ABSENT_MAX_S, recording_problem, recording_quality
from exercises.validated_tests.result import TestResult, cannot_score

EVENT_GAP_WINDOW_S = 0.5  # frames without the patient this close to the start or the seat contact


def _event_gap_s(poses, events: tuple[float, ...]) -> float:
    """The longest stretch without the patient within ``EVENT_GAP_WINDOW_S`` of any of ``events``."""
    seen = np.array([p.timestamp_s for p in poses if p.has_person])
    frame = float(np.median(np.diff(seen))) if len(seen) > 1 else 0.0
    worst = 0.0
    for e in events:
        near = seen[np.abs(seen - e) <= EVENT_GAP_WINDOW_S]
        edges = np.sort(np.concatenate([[e - EVENT_GAP_WINDOW_S], near, [e + EVENT_GAP_WINDOW_S]]))
        worst = max(worst, float(np.diff(edges).max()) - frame)
    return worst if worst > 2 * frame else 0.0  # a dropped frame or two is the frame timing's part


def timed_up_and_go(poses, age: int | None = None, walking_aid: str = "",
                    frame_uncertainty_s: float | None = None) -> TestResult:
    """The TUG from a recording's (smoothed) poses (``exercises.tug``): the time from rising to
    sitting back, its phases in ``details``. ``walking_aid`` ("" none, "stick", "frame", ...) is
    recorded as given and flagged: the norms are for people walking without one.
    ``timing_uncertainty_s`` is ``tug_uncertainty_s`` (frame timing from ``frame_uncertainty_s`` or
    the poses' own frame interval): the fall-risk flag is given only when the time is clear of the
    cut-off by more than that, otherwise the words say the recording cannot classify it."""
    from exercises.tug import time_up_and_go

    poses = list(poses)
    timing = time_up_and_go(poses)
    timing.walking_aid = walking_aid
    details = {k: v for k, v in timing.to_dict().items() if k not in ("time_s", "problem")}
    if timing.time_s is None:
        return cannot_score("timed-up-and-go", timing.problem, details)
    if frame_uncertainty_s is None:  # two moments, each placed to within the longest frame step
        ts = np.array([p.timestamp_s for p in poses])
        inside = (ts[1:] >= timing.start_s) & (ts[1:] <= timing.seated_s)
        frame_uncertainty_s = 2 * float(np.max(np.diff(ts)[inside], initial=0.0))
    uncertainty = tug_uncertainty_s(frame_uncertainty_s, _event_gap_s(poses, (timing.start_s, timing.seated_s)))
    result = interpret_tug(timing.time_s, age, uncertainty)
    details.update(result.details)
    flags = result.flags + (("walking_aid",) if walking_aid else ())
    if walking_aid:
        details["note"] = f"walked with a {walking_aid}: the norms are for people walking without an aid"
    # Part of the walk out of view: the total is still timed (rise and sit are seen), the turn is not.
    return replace(result, flags=flags, details=details, trust="low" if timing.unseen_s > 0 else "ok",
                 timing_uncertainty_s=uncertainty)



def tug_checked(poses, age, walking_aid, timestamps_s, person_found, spec: TestSpec) -> TestResult:
    result = timed_up_and_go(poses, age, walking_aid)
    if result.cannot_score or timestamps_s is None or person_found is None:
        return result if result.cannot_score else replace(result, trust="low")
    d = result.details
    # Frame rate and timestamps over the test itself; the person may leave the picture at the
    # turn (the time is still read from the rise and the sit), so only the frame timing is checked.
    quality = recording_quality(timestamps_s, np.ones(len(timestamps_s), bool), (d["start_s"], d["seated_s"]))
    why = recording_problem(spec, quality)
    if why:
        return cannot_score(spec.id, why, {"fps": quality.fps})
    # A short absence at the far end (the turn at the picture's edge) is tolerated; a walk that
    # leaves the picture for seconds was not seen, so neither its 3 m nor its turn is known.
    seen = recording_quality(timestamps_s, person_found, (d["start_s"], d["seated_s"]))
    if seen.longest_absent_s > PERSON_ABSENT_MAX_S:
        return cannot_score(spec.id, f"you left the picture for {seen.longest_absent_s:.0f} s during the test: "
                                     "the camera must see the chair, the whole 3 m walk and the turn "
                                     "(put it further back)", {"fps": quality.fps,
                                                               "absent_s": round(seen.longest_absent_s, 2)})
    result = timed_up_and_go(poses, age, walking_aid, frame_uncertainty_s=quality.uncertainty_s(events=2))
    return replace(result, details={**result.details, "fps": quality.fps})
