"""Constructed store records (no database): session summaries and records, stored test results."""
from __future__ import annotations

from datetime import date, datetime, time

from coach.store.records import SessionRecord, SessionSummary, StoredSet, StoredTest
from exercises.base import Rep
from exercises.validated_tests import TestResult


def local(day: date, hh_mm: str = "10:00") -> datetime:
    """A time on the computer's own clock, as the store hands sessions back."""
    return datetime.combine(day, time(int(hh_mm[:2]), int(hh_mm[3:]))).astimezone()


def summary(exercise: str, day: date, at: str = "10:00", *, sets: int = 1, reps: int = 10, sid: int = 1,
            excluded: bool = False) -> SessionSummary:
    start = local(day, at)
    return SessionSummary(sid, f"uuid-{sid}", "P001", exercise, "camera:0", "complete", start, start, sets, reps, 0, 0,
                          excluded=excluded)


def record(exercise: str, day: date, reps: int = 10, *, holds_s: tuple[float, ...] = (), at: str = "10:00",
           sid: int = 1, excluded: bool = False) -> SessionRecord:
    """A session of ``reps`` counted reps, or of one counted hold per ``holds_s`` (with ``hold_s`` metrics)."""
    if holds_s:
        rep_list = tuple(Rep(i + 1, 10.0 * i, 10.0 * i + h, metrics={"hold_s": h}) for i, h in enumerate(holds_s))
    else:
        rep_list = tuple(Rep(i + 1, 3.0 * i, 3.0 * i + 2.0) for i in range(reps))
    s = summary(exercise, day, at, reps=len(rep_list), sid=sid, excluded=excluded)
    return SessionRecord(s, 3, "test", "test", {}, 1, None, "",
                         sets=(StoredSet(1, len(rep_list), "both", s.started_at, s.started_at, rep_list),))


def stored_test(test: str, value: float, day: date, unit: str, sid: int = 1) -> StoredTest:
    return StoredTest(sid, sid, "P001", local(day), TestResult(test, value, unit))
