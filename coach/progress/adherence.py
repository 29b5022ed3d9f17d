"""Adherence per week: sessions done against prescribed, repetitions against the target.

Pure: the patient's programme versions and their training sessions in, one ``WeekAdherence`` per
Monday-to-Sunday week out. The prescription of a day is the programme version current at the end of
that day (so a change mid-week counts from its day on); each exercise is prescribed on its ``days``,
``max(1, times a day)`` times, each time ``sets`` x ``reps`` (for balance holds: that many holds).
Days before the first programme, and days after ``today`` in the current week, prescribe nothing.

Done: training sessions (not tests, not left out by the physio) of that week with at least one counted repetition or hold, and
their counted repetitions. Sessions of exercises outside the programme still count as done: the
patient exercised; the physio sees the numbers side by side, never a score of the patient.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from coach.programme.model import WEEKDAYS, Programme


@dataclass(frozen=True)
class Done:
    """One training session as adherence sees it."""

    day: date  # the patient's local day
    exercise: str
    reps: int  # counted


@dataclass(frozen=True)
class WeekAdherence:
    week_start: date  # a Monday
    days: int  # days of the week looked at (7, or fewer for the current week)
    sessions_done: int
    sessions_prescribed: int
    reps_done: int
    reps_target: int
    by_exercise: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # done, prescribed, reps, target

    @property
    def sessions_share(self) -> float | None:
        return self.sessions_done / self.sessions_prescribed if self.sessions_prescribed else None

    @property
    def reps_share(self) -> float | None:
        return self.reps_done / self.reps_target if self.reps_target else None

    def words(self) -> str:
        """"4 of 6 sessions, 38 of 60 repetitions" (or what was done when nothing was prescribed)."""
        if not self.sessions_prescribed:
            return f"{self.sessions_done} session(s), {self.reps_done} repetition(s); nothing prescribed"
        return (f"{self.sessions_done} of {self.sessions_prescribed} sessions, "
                f"{self.reps_done} of {self.reps_target} repetitions")


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _current(history: Sequence[Programme], day: date) -> Programme | None:
    """The version in force at the end of ``day`` (versions without a time count from the start)."""
    end = datetime.combine(day, time.max).astimezone()
    found = None
    for p in sorted(history, key=lambda p: p.version or 0):
        if p.created_at is None or p.created_at <= end:
            found = p
    return found


def weekly(history: Sequence[Programme], done: Sequence[Done], first: date, today: date) -> list[WeekAdherence]:
    """One entry per week from the week of ``first`` to the week of ``today``, oldest first."""
    out = []
    week = monday(first)
    while week <= today:
        out.append(_week(history, done, week, today))
        week += timedelta(days=7)
    return out


def _week(history, done, week: date, today: date) -> WeekAdherence:
    by: dict[str, list[int]] = {}
    days = 0
    for k in range(7):
        day = week + timedelta(days=k)
        if day > today:
            break
        days += 1
        programme = _current(history, day)
        if programme is None:
            continue
        for item in programme.exercises:
            if WEEKDAYS[day.weekday()] not in item.days:
                continue
            times = max(1, len(item.effective_times))
            row = by.setdefault(item.exercise, [0, 0, 0, 0])
            row[1] += times
            row[3] += times * item.sets * item.reps
    for d in done:
        if week <= d.day <= min(week + timedelta(days=6), today) and d.reps > 0:
            row = by.setdefault(d.exercise, [0, 0, 0, 0])
            row[0] += 1
            row[2] += d.reps
    totals = [sum(r[i] for r in by.values()) for i in range(4)]
    return WeekAdherence(week, days, totals[0], totals[1], totals[2], totals[3],
                         {k: tuple(v) for k, v in by.items()})


def load(store, patient_id: str, first: date, today: date) -> list[WeekAdherence]:
    """``weekly`` from the store: programme history and the training sessions (tests left out)."""
    from sqlalchemy import select

    from coach.store import schema as t
    from coach.store.queries import as_utc

    since = datetime.combine(monday(first), time.min).astimezone()
    with store.engine.connect() as conn:
        modes = dict(conn.execute(select(t.sessions.c.id, t.sessions.c.settings)  # the weeks' sessions only
                                  .where(t.sessions.c.patient_id == patient_id,
                                         t.sessions.c.started_at >= since)).all())
    done = [Done(as_utc(s.started_at).astimezone().date(), s.exercise, s.reps)
            for s in store.sessions(patient_id, since=since)
            if ((modes.get(s.id) or {}).get("mode") != "test") and s.status != "recording" and not s.excluded]
    return weekly(store.programme_history(patient_id), done, first, today)
