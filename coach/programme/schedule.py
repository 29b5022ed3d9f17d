"""What is due today: the programme's exercises for this weekday, less the sets already done;
and the same day laid out by routine and time of day ("Before lunch (12:30)").

An item with several times (or a routine that implies several, like "before each meal") is
prescribed in full at each of them: 2 x 10 before each meal is 6 sets a day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from coach.programme.model import WEEKDAYS, Programme, ProgrammeExercise
from coach.programme.routines import occasion
from coach.store.records import SessionSummary


@dataclass(frozen=True)
class DueItem:
    item: ProgrammeExercise
    sets_done: int
    due_today: bool  # False on the exercise's rest days

    @property
    def sets_per_day(self) -> int:
        return self.item.sets * max(len(self.item.effective_times), 1)

    @property
    def sets_left(self) -> int:
        return max(self.sets_per_day - self.sets_done, 0) if self.due_today else 0

    def describe(self) -> str:
        e = self.item
        what = f"{e.exercise}: {e.sets} x {e.reps}"
        extras = [x for x in (e.side if e.side != "both" else "", e.effective_variant,
                              f"support: {e.support}" if e.support != "none" else "",
                              f"hold {e.hold_s:g} s" if e.hold_s else "",
                              f"tempo {e.tempo_text}" if e.tempo else "",
                              f"rest {e.rest_s:g} s",
                              e.routine,
                              f"at {', '.join(e.effective_times)}" if e.effective_times else "") if x]
        what += f" ({', '.join(extras)})"
        if not self.due_today:
            return f"{what} - rest day (on {', '.join(e.days)})"
        if self.sets_left == 0:
            return f"{what} - done today"
        return f"{what} - {self.sets_left} set(s) to do" + (f", {self.sets_done} done" if self.sets_done else "")


@dataclass(frozen=True)
class DueSlot:
    """One exercise at one time of day."""

    item: ProgrammeExercise
    at: str | None  # "HH:MM", None: any time of the day
    sets_done: int

    @property
    def sets_left(self) -> int:
        return max(self.item.sets - self.sets_done, 0)

    @property
    def done(self) -> bool:
        return self.sets_left == 0


@dataclass(frozen=True)
class DueGroup:
    """What is due at one occasion: "Before breakfast (08:00)" and its exercises."""

    heading: str
    at: str | None
    slots: tuple[DueSlot, ...]

    @property
    def done(self) -> bool:
        return all(s.done for s in self.slots)


def due(programme: Programme, sessions: list[SessionSummary], today: date) -> list[DueItem]:
    """Sets count as done when they were recorded today with at least one counted rep."""
    weekday = WEEKDAYS[today.weekday()]
    out = []
    for item in programme.exercises:
        done = sum(s.sets for s in _done_today(item, sessions, today))
        out.append(DueItem(item, done, weekday in item.days))
    return out


def due_by_routine(programme: Programme, sessions: list[SessionSummary], today: date) -> list[DueGroup]:
    """Today's exercises grouped by occasion, in the order of the day (occasions without a time
    last); rest-day items are left out (``due`` has them)."""
    weekday = WEEKDAYS[today.weekday()]
    groups: dict[tuple[str | None, str], list[DueSlot]] = {}
    for item in programme.exercises:
        if weekday not in item.days:
            continue
        times = item.effective_times
        done = _fill(item.sets, times, _done_today(item, sessions, today))
        for at, n in zip(times or (None,), done):
            heading = occasion(item.routine, at, item.times)
            groups.setdefault((at, heading), []).append(DueSlot(item, at, n))
    for at, heading in list(groups):  # an item with a time but no routine joins a routine at that time
        named = [k for k in groups if k[0] == at and k[1] != heading]
        if at is not None and heading == occasion("", at) and named:
            groups[named[0]].extend(groups.pop((at, heading)))
    order = sorted(groups, key=lambda k: (k[0] is None, k[0] or ""))  # stable: programme order within a time
    return [DueGroup(heading, at, tuple(groups[(at, heading)])) for at, heading in order]


def _done_today(item: ProgrammeExercise, sessions: list[SessionSummary], today: date) -> list[SessionSummary]:
    return sorted((s for s in sessions if s.exercise == item.exercise and _local_date(s.started_at) == today
                   and s.reps > 0), key=lambda s: s.started_at)


def _fill(sets: int, times: tuple[str, ...], sessions: list[SessionSummary]) -> list[int]:
    """Sets done per time of day. A session counts for the earliest unfinished time whose window
    has opened (each window opens halfway from the time before it), so the breakfast set done late
    at 11:00 still ticks off breakfast, and three sessions at 08:00 do not tick off dinner."""
    if not times:
        return [sum(s.sets for s in sessions)]
    minutes = [int(t[:2]) * 60 + int(t[3:]) for t in times]
    opens = [0] + [(a + b) // 2 for a, b in zip(minutes, minutes[1:])]
    done = [0] * len(times)
    for s in sessions:
        local = s.started_at.astimezone()
        now = local.hour * 60 + local.minute
        left = s.sets
        for k in range(len(times)):
            if left == 0 or opens[k] > now:
                break
            take = min(left, sets - done[k])
            done[k] += take
            left -= take
    return done


def _local_date(t: datetime) -> date:
    return t.astimezone().date()
