"""An analysis told to the patient in a few plain sentences, before any table."""
from __future__ import annotations

from coach import labels
from exercises import EXERCISES, is_timed_hold
from exercises.faults import cue as fault_cue

MAX_POINTS = 3


def summary(exercise: str, reps) -> list[str]:
    """["5 stands.", "On the 2nd you leaned far forward: keep your chest up.", ...]"""
    if is_timed_hold(exercise):
        return _holds(exercise, reps)
    counted = [r for r in reps if r.counted]
    lines = [labels.reps_phrase(exercise, len(counted)).capitalize() + "."]
    if not counted:
        lines.append("None were counted. Check that your whole body is on the video, from the side if you can.")
    told = set()
    for i, r in enumerate(counted, start=1):
        for code in r.fault_codes:
            if code in told or len(told) >= MAX_POINTS:
                continue
            told.add(code)
            cue = fault_cue(code, exercise)
            lines.append(f"On the {labels.ordinal(i)} {labels.patient_fault(code, exercise)}" + (f": {cue.lower()}." if cue else "."))
    attempts = len(reps) - len(counted)
    if attempts:
        lines.append(f"{attempts} more tr{'y was' if attempts == 1 else 'ies were'} not counted "
                     f"({labels.patient_fault(_why_not_counted(reps, exercise), exercise)}).")
    if counted and not told:
        lines.append("Good form throughout: well done.")
    return lines


def _holds(exercise: str, holds) -> list[str]:
    """["3 holds.", "Your longest: 12.4 seconds; 30.1 seconds in all."]"""
    times = [h.metrics.get("hold_s", 0.0) for h in holds if h.counted]
    lines = [labels.reps_phrase(exercise, len(times)).capitalize() + "."]
    if not times:
        lines.append("No hold was timed. Check that the video shows you from head to feet.")
        return lines
    lines.append(f"Your longest: {max(times):.1f} seconds; {sum(times):.1f} seconds in all.")
    return lines


def _why_not_counted(reps, exercise: str) -> str:
    """The first uncounted try's fault, else the exercise's own "short of the target" fault."""
    first = next((c for r in reps if not r.counted for c in r.fault_codes), None)
    if first:
        return first
    spec = EXERCISES.get(exercise)
    return spec.incomplete_fault if spec is not None and spec.incomplete_fault else "short_range"
