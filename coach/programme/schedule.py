"""What is due today: the programme's exercises for this weekday, less the sets already done."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from coach.programme.model import WEEKDAYS, Programme, ProgrammeExercise
from coach.store.records import SessionSummary


@dataclass(frozen=True)
class DueItem:
    item: ProgrammeExercise
    sets_done: int
    due_today: bool  # False on the exercise's rest days

    @property
    def sets_left(self) -> int:
        return max(self.item.sets - self.sets_done, 0) if self.due_today else 0

    def describe(self) -> str:
        e = self.item
        what = f"{e.exercise}: {e.sets} x {e.reps}"
        extras = [x for x in (e.side if e.side != "both" else "", e.effective_variant,
                              f"support: {e.support}" if e.support != "none" else "",
                              f"{e.tempo_s:g} s per rep" if e.tempo_s else "",
                              f"rest {e.rest_s:g} s") if x]
        what += f" ({', '.join(extras)})"
        if not self.due_today:
            return f"{what} - rest day (on {', '.join(e.days)})"
        if self.sets_left == 0:
            return f"{what} - done today"
        return f"{what} - {self.sets_left} set(s) to do" + (f", {self.sets_done} done" if self.sets_done else "")


def due(programme: Programme, sessions: list[SessionSummary], today: date) -> list[DueItem]:
    """Sets count as done when they were recorded today with at least one counted rep."""
    weekday = WEEKDAYS[today.weekday()]
    out = []
    for item in programme.exercises:
        done = sum(s.sets for s in sessions
                   if s.exercise == item.exercise and _local_date(s.started_at) == today and s.reps > 0)
        out.append(DueItem(item, done, weekday in item.days))
    return out


def _local_date(t: datetime) -> date:
    return t.astimezone().date()
