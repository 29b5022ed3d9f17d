"""A programme item in the patient's words: "Sit to stand 2 x 10, metronome 15 a minute".

One place for the phrasing that ``coach today``, the Today page and the calendar reminders share.
"""
from __future__ import annotations

from coach import labels
from coach.programme.model import ProgrammeExercise

SUPPORT_WORDS = {"two-hands": "hold on with both hands", "one-hand": "hold on with one hand",
                 "fingertips": "fingertips on the support", "none": ""}


def dosage(item: ProgrammeExercise) -> str:
    """Sets and reps (or holds and their target time), then side, support and tempo."""
    if item.is_hold:
        holds = f"{item.reps} hold{'s' if item.reps != 1 else ''}"
        what = f"{holds} of {item.hold_s:g} s" if item.hold_s else f"{holds}, as long as you safely can"
        if item.sets > 1:
            what = f"{item.sets} x {what}"
    else:
        what = f"{item.sets} x {item.reps}"
    extras = [f"{item.side} side" if item.side in ("left", "right") else "",
              SUPPORT_WORDS.get(item.support, item.support)]
    if item.tempo is not None:
        extras.append(f"metronome {item.tempo.per_min:.3g} a minute"
                      + (f" (one every {item.tempo_s:g} s)" if item.tempo_s else ""))
    return ", ".join([what, *[x for x in extras if x]])


def line(item: ProgrammeExercise) -> str:
    """The exercise's label and its dosage: "Sit to stand 2 x 10, metronome 15 a minute (one every 4 s)"."""
    return f"{labels.exercise(item.exercise)} {dosage(item)}"
