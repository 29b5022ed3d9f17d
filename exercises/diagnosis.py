"""Never a silent zero: plain words for why movement was seen but not counted.

Read from a finished exercise (its reps, uncounted attempts with their reasons, and which sides
moved), so the summary, the live screen and the physio's review all say the same thing.
"""
from __future__ import annotations

from collections import Counter


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def explain(exercise) -> list[str]:
    reps = exercise.reps
    counted = [r for r in reps if r.counted]
    attempts = [r for r in reps if not r.counted]
    reasons = list(getattr(exercise, "_attempt_reasons", []))
    out: list[str] = []
    moving = getattr(exercise, "_moving_seen", set())
    if getattr(exercise, "sided", False):
        out += _side_notes(exercise, counted, moving)
    if counted:
        if attempts:
            why = Counter(r.reason for r in attempts if r.reason).most_common(1)
            out.append(f"{_plural(len(attempts), 'movement')} not counted"
                       + (f" (most often: {why[0][0]})" if why else ""))
        return out
    if not moving and not reasons:
        out.append("No movement large enough to be a repetition was seen")
        return out
    if attempts:
        fault = exercise.incomplete_fault.replace("_", " ")
        why = Counter(r.reason for r in attempts if r.reason).most_common(1)
        out.append(f"{_plural(len(attempts), 'movement')}, none counted ({fault}"
                   + (f"; {why[0][0]}" if why else "") + ")")
    elif reasons:
        why = Counter(reasons).most_common(1)[0]
        out.append(f"{_plural(len(reasons), 'movement')}, none counted: {why[0]}")
    else:
        out.append("Movement was seen but no complete repetition (out and back) was found")
    return out


def _side_notes(exercise, counted, moving: set[str]) -> list[str]:
    side = exercise.side
    limb = getattr(exercise, "limb", "arm")
    sides = {s for s in moving if s in ("left", "right")}
    if side == "both" and len(sides) == 1:
        (only,) = sides
        return [f"Only your {only} {limb} moved: both were expected"]
    if side in ("left", "right") and side not in sides and sides:
        (other,) = tuple(sides)[:1]
        return [f"Your {side} {limb} did not move; your {other} {limb} did"]
    if side == "auto" and counted:
        by = Counter(r.side for r in counted)
        if len(sides) == 1:
            (only,) = sides
            return [f"Counted with the {only} {limb} only; the other {limb} stayed still"]
        if by.get("left") or by.get("right"):
            parts = ", ".join(f"{k} {v}" for k, v in sorted(by.items()) if k)
            return [f"Reps per side: {parts}"]
    return []
