"""The dual-task cost of stored sessions: a session done with a thinking task (its settings'
``dual_task``) against the same patient's same exercise done without one the same day.

One answer for every reader: ``coach analyze --dual-task`` (with ``--patient``), the physio's review
page and the PDF report ask ``cost_for_session``; the maths is ``exercises.dual_task``.

"The same day" is the calendar day of the session's start in this computer's time zone. Of that
day's sessions of the exercise without a task (not left out of trends by the physio, not still
recording, with enough counted reps to measure), the one that started nearest in time is the
comparison.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from exercises import EXERCISES
from exercises.dual_task import (TASK_NAMES, DualTaskCost, SetMeasures, amplitude_unit, dual_task_cost, get_task,
                                 measure_sets)

SETTING = "dual_task"  # the session settings' key: the thinking task's name


def task_of(settings: dict | None, events=()) -> str:
    """The thinking task a session was done with ("" for none): its settings' ``dual_task``, else
    the task of its first "dual_task" event ("<task name>: <words said>"; a task chosen on the
    browser's page after the recording began)."""
    value = (settings or {}).get(SETTING) or ""
    if isinstance(value, str) and value:
        return value
    for e in events:
        if e.kind == SETTING and ":" in e.detail:
            name = e.detail.split(":", 1)[0].strip()
            if name in TASK_NAMES:
                return name
    return ""


def task_label(name: str) -> str:
    try:
        return get_task(name).label
    except ValueError:
        return name


def measures_of(exercise: str, sets) -> SetMeasures | None:
    """Pace, amplitude and rhythm of ``sets`` (each a sequence of reps); None for a timed hold, an
    exercise this coach does not know, or too few reps."""
    spec = EXERCISES.get(exercise)
    if spec is None or spec.timed_hold:
        return None
    return measure_sets(sets, spec.amplitude_metric)


def cost_between(exercise: str, task: str, dual: SetMeasures, single: SetMeasures) -> DualTaskCost:
    return dual_task_cost(dual, single, task, amplitude_unit=amplitude_unit(EXERCISES[exercise].amplitude_metric))


@dataclass(frozen=True)
class SessionCost:
    """A dual-task session's cost, or why there is none (``cost`` None, ``reason`` said)."""

    session_id: int | None
    task: str
    single_session_id: int | None = None
    cost: DualTaskCost | None = None
    reason: str = ""

    def to_dict(self) -> dict:
        out = {"task": self.task, "task_label": task_label(self.task), "session_id": self.session_id,
               "single_task_session_id": self.single_session_id}
        if self.cost is not None:
            out.update(self.cost.to_dict())
            out["words"] = self.cost.words()
        else:
            out["reason"] = self.reason
        return out


def day_bounds(started_at: datetime) -> tuple[datetime, datetime]:
    local = started_at.astimezone()
    start = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    return start, start + timedelta(days=1)


def nearest_single(records, patient_id: str, exercise: str, started_at: datetime, exclude_id: int | None = None):
    """Of ``records``, the session of ``exercise`` by ``patient_id`` without a task on the day of
    ``started_at`` nearest to it in time, with its measures: (record, measures), or None."""
    day = day_bounds(started_at)
    best = None
    for record in records:
        s = record.summary
        if (s.id == exclude_id or s.patient_id != patient_id or s.exercise != exercise or s.excluded
                or s.status == "recording" or not day[0] <= s.started_at < day[1]
                or task_of(record.settings, record.events)):
            continue
        m = measures_of(exercise, [x.reps for x in record.sets])
        if m is None:
            continue
        gap = abs((s.started_at - started_at).total_seconds())
        if best is None or gap < best[0]:
            best = (gap, record, m)
    return None if best is None else best[1:]


def single_task_partner(store, patient_id: str, exercise: str, started_at: datetime,
                        exclude_id: int | None = None):
    """``nearest_single`` among the store's sessions of that patient, exercise and day."""
    since, until = day_bounds(started_at)
    chosen = [s for s in store.sessions(patient_id, since=since, until=until, exercise=exercise)
              if s.id != exclude_id and not s.excluded and s.status != "recording"]
    return nearest_single(store.load_sessions(chosen), patient_id, exercise, started_at, exclude_id)


def cost_among(record, records) -> SessionCost | None:
    """The cost of a session done with a task against its partner among ``records`` (a report's
    sessions); None for a session without a task."""
    return _cost(record, lambda info: nearest_single(records, info.patient_id, info.exercise, info.started_at, info.id))


def cost_for_record(store, record) -> SessionCost | None:
    """The cost of a stored session done with a task; None for a session without one."""
    return _cost(record, lambda info: single_task_partner(store, info.patient_id, info.exercise, info.started_at,
                                                          exclude_id=info.id))


def _cost(record, find_partner) -> SessionCost | None:
    task = task_of(record.settings, record.events)
    if not task:
        return None
    info = record.summary
    dual = measures_of(info.exercise, [s.reps for s in record.sets])
    if dual is None:
        return SessionCost(info.id, task, reason="too few counted reps with the task to measure "
                           "(or a timed hold, which has no pace)")
    partner = find_partner(info)
    if partner is None:
        return SessionCost(info.id, task, reason="no session of this exercise without the task that day to compare with")
    single_record, single = partner
    return SessionCost(info.id, task, single_record.summary.id, cost_between(info.exercise, task, dual, single))


HEADERS = ("Measure", "Without the task", "With the task", "Change", "Cost", "Beyond own variation")


def cost_rows(cost: DualTaskCost) -> list[tuple[str, ...]]:
    """One row per measure (the review's table and the report's)."""
    rows = []
    for c in cost.costs:
        if c.measure == "rhythm":
            what, single, dual = "Rhythm (rep-time CV)", f"{c.single:.0%}", f"{c.dual:.0%}"
        else:
            what = "Pace" if c.measure == "pace" else "Amplitude"
            unit = f" {c.unit}" if c.unit else ""
            single, dual = f"{c.single:.1f}{unit}", f"{c.dual:.1f}{unit}"
        rows.append((what, single, dual, f"{c.change_pct:+.0f}%", f"{c.cost_pct:+.0f}%", "yes" if c.clear else "no"))
    return rows


NOTE = ("Dual-task cost: (with - without) / without, signed so that a positive cost is worse with the task "
        "(slower, smaller, less regular). Compared with the same exercise without the task the same day.")


def sections(history) -> list:
    """The report's "Dual-task practice" section (empty list when no session had a task)."""
    from coach import labels
    from coach.reports.tables import Section, Table

    records = [s.record for s in history.sessions]
    tables, lines = [], []
    for record in records:
        found = cost_among(record, records)
        if found is None:
            continue
        head = (f"Session {record.summary.id}, {labels.when(record.summary.started_at)}: "
                f"{labels.exercise(record.summary.exercise)} with {task_label(found.task).lower()}")
        if found.cost is None:
            lines.append(f"{head}: {found.reason}.")
            continue
        tables.append(Table(f"{head} (against session {found.single_session_id})", HEADERS,
                            tuple(cost_rows(found.cost))))
    if not tables and not lines:
        return []
    return [Section("Dual-task practice", (NOTE, *lines), tuple(tables))]


def cost_for_session(store, session_id: int) -> SessionCost | None:
    return cost_for_record(store, store.load_session(session_id))
