"""Routines: tying an exercise to something the patient already does every day.

Habit research behind home programmes (and the seeds' advice) says a new exercise sticks best when
it hangs on an existing daily cue: a meal, brushing teeth, the kettle. The physio writes the routine
in the patient's words; the common ones below come with usual times of day, so "before each meal"
alone already means three reminders (08:00, 12:30, 18:00). The physio's own ``times`` always win.

Pure: no clock, no store.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Routine:
    text: str  # as the physio picks it, lower case: "before each meal"
    times: tuple[str, ...] = ()  # usual local times ("HH:MM"); () when it has no fixed time
    names: tuple[str, ...] = ()  # one per time, what the patient calls that moment ("Before breakfast")


# Suggestions for the programme editor, in the order of a day.
ROUTINES: tuple[Routine, ...] = (
    Routine("before breakfast", ("08:00",)),
    Routine("before each meal", ("08:00", "12:30", "18:00"),
            ("Before breakfast", "Before lunch", "Before dinner")),
    Routine("after each meal", ("09:00", "13:30", "19:00"),
            ("After breakfast", "After lunch", "After dinner")),
    Routine("while brushing teeth", ("07:30", "21:30"),
            ("While brushing teeth in the morning", "While brushing teeth at night")),
    Routine("morning", ("09:00",)),
    Routine("before lunch", ("12:30",)),
    Routine("while the kettle boils"),
    Routine("afternoon", ("15:00",)),
    Routine("during the TV adverts"),
    Routine("before dinner", ("18:00",)),
    Routine("evening", ("19:00",)),
    Routine("before bed", ("21:00",)),
)
SUGGESTIONS: tuple[str, ...] = tuple(r.text for r in ROUTINES)
_BY_TEXT = {r.text: r for r in ROUTINES}


def find(routine: str) -> Routine | None:
    """The known routine written as ``routine`` (case and spacing ignored), or None."""
    return _BY_TEXT.get(" ".join((routine or "").lower().split()))


def implied_times(routine: str) -> tuple[str, ...]:
    known = find(routine)
    return known.times if known else ()


def occasion(routine: str, at: str | None, times: tuple[str, ...] = ()) -> str:
    """What the patient reads as a heading: "Before lunch (12:30)", "Evening (19:00)",
    "While the kettle boils", "At 10:00", or "Any time today".

    A known routine whose usual times are the ones used gets its per-time name ("before each
    meal" at 12:30 is "Before lunch"); otherwise the routine's own words.
    """
    known = find(routine)
    name = ""
    if known and known.names and at in known.times and (not times or set(times) == set(known.times)):
        name = known.names[known.times.index(at)]
    elif routine:
        name = routine[0].upper() + routine[1:]
    if name and at:
        return f"{name} ({at})"
    if name:
        return name
    return f"At {at}" if at else "Any time today"
