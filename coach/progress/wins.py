"""Weekly "small wins": this week against last week, in plain, encouraging words for the patient.

``small_wins(sessions, tests, today)`` is pure: stored session records and test results in, a few
short sentences out ("You did 42 sit-to-stands this week, 8 more than last week."). "This week" is
the last seven days up to ``today`` and "last week" the seven before, so a Monday is not compared
with a whole week. Only what got better is named, never what got worse: a patient with a bad week
is told, honestly, what they did do (effort and consistency), not what they did not.

Sessions the physio excluded are left out (they were marked as not a fair record).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from coach import labels
from coach.store.records import SessionRecord, StoredTest
from exercises import EXERCISES as SPECS
from exercises import is_timed_hold

LOWER_IS_BETTER = {"five-times-sts", "timed-up-and-go"}  # timed tests: faster is better
MIN_HOLD_GAIN_S = 0.5  # hold timing is good to about 0.2 s; a gain under this is not a win
MIN_STREAK_DAYS = 3
MAX_WINS = 5


@dataclass
class Week:
    """What one week held."""

    days: set[date] = field(default_factory=set)
    reps: dict[str, int] = field(default_factory=dict)  # counted reps per exercise (holds excluded)
    best_hold_s: dict[str, float] = field(default_factory=dict)


def small_wins(sessions: Sequence[SessionRecord], tests: Sequence[StoredTest], today: date,
               adherence=None) -> list[str]:
    """Up to ``MAX_WINS`` sentences; never empty. ``adherence``: this week's ``WeekAdherence``
    (``coach.progress.adherence``; ``this_week``), said first when something of it was done."""
    this_start = today - timedelta(days=6)
    last_start = today - timedelta(days=13)
    this, last = _week(sessions, this_start, today), _week(sessions, last_start, this_start - timedelta(days=1))
    wins = _test_wins(tests, this_start, today) + _hold_wins(this, last) + _rep_wins(this, last)
    days_win = _days_win(this, last)
    if days_win:
        wins.append(days_win)
    streak = _streak(sessions, today)
    if streak >= MIN_STREAK_DAYS:
        wins.append(f"You have exercised {streak} days in a row. Keep it going!")
    done = adherence_win(adherence)
    if done:
        wins.insert(0, done)
    if wins:
        return wins[:MAX_WINS]
    return [_effort(this, last)]


def adherence_win(week) -> str:
    """The week's sessions against the programme's, said only when some were done."""
    if week is None or not week.sessions_prescribed or not week.sessions_done:
        return ""
    if week.sessions_done >= week.sessions_prescribed:
        return f"You have done all {week.sessions_prescribed} of this week's sessions so far. Well done!"
    return f"You have done {week.sessions_done} of this week's {week.sessions_prescribed} sessions so far."


def this_week(store, patient_id: str, today: date):
    """This Monday-to-Sunday week's adherence (up to ``today``), or None without a programme."""
    from coach.progress.adherence import load

    weeks = load(store, patient_id, today, today)
    return weeks[-1] if weeks else None


def _week(sessions: Sequence[SessionRecord], first: date, last: date) -> Week:
    week = Week()
    for rec in sessions:
        s = rec.summary
        day = s.started_at.astimezone().date()
        if s.excluded or not first <= day <= last or s.reps <= 0 or labels.is_test_session(rec.settings, rec.tests):
            continue  # a test's stands are its score (its own win), not training reps
        week.days.add(day)
        if is_timed_hold(s.exercise):
            best = max((r.metrics.get("hold_s", 0.0) for r in rec.reps if r.counted), default=0.0)
            if best > week.best_hold_s.get(s.exercise, 0.0):
                week.best_hold_s[s.exercise] = best
        else:
            week.reps[s.exercise] = week.reps.get(s.exercise, 0) + s.reps
    return week


def _rep_wins(this: Week, last: Week) -> list[str]:
    out = []
    for exercise, n in sorted(this.reps.items(), key=lambda kv: -kv[1]):
        before = last.reps.get(exercise, 0)
        noun = _said_as(exercise)
        if before == 0:
            out.append(f"You did {n} {noun} this week.")
        elif n > before:
            out.append(f"You did {n} {noun} this week, {n - before} more than last week.")
    return out


def _hold_wins(this: Week, last: Week) -> list[str]:
    out = []
    for exercise, best in this.best_hold_s.items():
        name = _said_as(exercise)
        before = last.best_hold_s.get(exercise)
        if before is None:
            out.append(f"Your longest {name} this week: {best:.1f} seconds.")
        elif best - before >= MIN_HOLD_GAIN_S:
            out.append(f"Your longest {name} was {best:.1f} seconds, {best - before:.1f} seconds longer than last week.")
    return out


def _test_wins(tests: Sequence[StoredTest], first: date, today: date) -> list[str]:
    """The latest score of each test this week against the latest one before it (any time)."""
    scored = sorted((t for t in tests if t.result.value is not None), key=lambda t: t.recorded_at)
    out = []
    for test_id in dict.fromkeys(t.result.test for t in scored):
        mine = [t for t in scored if t.result.test == test_id]
        now = [t for t in mine if first <= t.recorded_at.astimezone().date() <= today]
        before = [t for t in mine if t.recorded_at.astimezone().date() < first]
        if not now:
            continue
        result = now[-1].result
        name = _in_sentence(labels.TESTS.get(test_id) or result.label)
        unit = "seconds" if result.unit == "s" else result.unit
        value = _fmt(result.value, result.unit)
        if not before:
            out.append(f"You did the {name} test: {value} {unit}.")
            continue
        old = before[-1].result.value
        if test_id in LOWER_IS_BETTER and result.value < old:
            out.append(f"Your {name} took {value} seconds, {_fmt(old - result.value, 's')} seconds faster than last time.")
        elif test_id not in LOWER_IS_BETTER and result.value > old:
            out.append(f"Your {name} went up from {_fmt(old, result.unit)} to {value} {unit}.")
    return out


def _days_win(this: Week, last: Week) -> str:
    n, before = len(this.days), len(last.days)
    if n > before > 0:
        return f"You exercised on {n} days this week, {n - before} more than last week."
    return ""


def _effort(this: Week, last: Week) -> str:
    """The honest encouragement when nothing went up."""
    n = len(this.days)
    if n == 0:
        return "A new week is a fresh start: even one short session counts."
    days = f"{n} day{'s' if n != 1 else ''}"
    if n == len(last.days):
        return f"You exercised on {days} this week, as steady as last week. Steady practice is what builds strength and balance."
    return f"You exercised on {days} this week. Every session counts: well done for keeping at it."


def _streak(sessions: Sequence[SessionRecord], today: date) -> int:
    """Days in a row with exercise, ending today (or yesterday: today is not over yet)."""
    days = {r.summary.started_at.astimezone().date() for r in sessions
            if not r.summary.excluded and r.summary.reps > 0}
    day = today if today in days else today - timedelta(days=1)
    n = 0
    while day in days:
        n += 1
        day -= timedelta(days=1)
    return n


def _said_as(exercise: str) -> str:
    """"You did 42 <sit-to-stands>", "Your longest <stand on one leg>": the spec's ``said_as``; an
    exercise this coach no longer knows (an old record) by its stored name."""
    spec = SPECS.get(exercise)
    return spec.said_as if spec is not None else labels.exercise(exercise).lower()


def _in_sentence(label: str) -> str:
    """"Five-times sit-to-stand" -> "five-times sit-to-stand"; a name in capitals ("Timed Up and Go") stays."""
    if any(w[:1].isupper() for w in label.split()[1:]):
        return label
    return label[:1].lower() + label[1:]


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1f}" if unit in ("s", "cm") else f"{value:g}"


def load_fortnight(store, patient_id: str, today: date) -> tuple[list[SessionRecord], list[StoredTest]]:
    """The store's records that ``small_wins`` needs (sessions of the last 14 days, all tests):
    the one impure helper here, shared by ``coach today`` and the Today page."""
    from datetime import datetime, time

    since = datetime.combine(today - timedelta(days=13), time()).astimezone()
    summaries = [s for s in store.sessions(patient_id, since=since) if s.reps > 0 and not s.excluded]
    return [store.load_session(s.id) for s in summaries], store.test_results(patient_id)
