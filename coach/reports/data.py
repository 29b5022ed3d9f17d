"""The numbers a report shows, gathered once from the store: per-session statistics over time.

Range of motion is read from rep metrics whose name contains "rom" (e.g. ``rom_deg``, ``rom_cm``);
left/right symmetry from reps whose ``side`` is "left" or "right".
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean

from coach.programme.model import Programme
from coach.programme.progression import Suggestion, suggest
from coach.store import Patient, SessionRecord, Store
from coach.store.diary import DiaryEntry


@dataclass(frozen=True)
class SessionStats:
    record: SessionRecord
    reps: int  # counted
    attempts: int
    mean_rep_s: float | None
    rom: dict[str, float]  # metric name -> mean over counted reps
    rom_by_side: dict[str, float]  # "left"/"right" -> mean of the first rom metric
    faults: Counter  # code -> count
    low_confidence: int  # reps seen with poor visibility

    @property
    def excluded(self) -> bool:
        """Left out of trends and suggestions by the physio (still listed, marked)."""
        return self.record.summary.excluded

    @property
    def in_trends(self) -> bool:
        """Counts in trend charts: not excluded, not interrupted, at least one counted rep or a test."""
        s = self.record.summary
        return not s.excluded and s.status != "interrupted" and (self.reps > 0 or bool(self.record.tests))

    @property
    def started_at(self) -> datetime:
        return self.record.summary.started_at

    @property
    def symmetry(self) -> float | None:
        """Smaller side over larger side (1.0 = symmetric), when both sides were done."""
        left, right = self.rom_by_side.get("left"), self.rom_by_side.get("right")
        if not left or not right:
            return None
        return min(left, right) / max(left, right)


@dataclass(frozen=True)
class PatientHistory:
    patient: Patient
    programme: Programme | None
    sessions: tuple[SessionStats, ...]
    suggestions: tuple[Suggestion, ...]
    since: datetime | None
    until: datetime | None
    diary: tuple[DiaryEntry, ...] = ()
    # Events added to a session after it was recorded (``Store.add_session_event``: a balance loss
    # during a hold), by session id, as (seconds into the session, kind, detail).
    added_events: dict[int, tuple[tuple[float, str, str], ...]] = field(default_factory=dict)
    adherence: tuple = ()  # coach.progress.adherence.WeekAdherence per week of the period

    @property
    def tests(self):
        """(time, TestResult) for every test in time order (excluded sessions left out)."""
        return [(s.started_at, t) for s in self.sessions if not s.excluded for t in s.record.tests]

    @property
    def trend_sessions(self) -> tuple[SessionStats, ...]:
        """The sessions trend charts should plot (see ``SessionStats.in_trends``)."""
        return tuple(s for s in self.sessions if s.in_trends)


def rom_metrics(record: SessionRecord) -> list[str]:
    names = {k for r in record.reps for k in r.metrics}
    return sorted(k for k in names if "rom" in k.lower())


def session_stats(record: SessionRecord) -> SessionStats:
    counted = [r for r in record.reps if r.counted]
    rom_names = rom_metrics(record)
    rom = {k: mean(vals) for k in rom_names if (vals := [r.metrics[k] for r in counted if k in r.metrics])}
    by_side = {}
    if rom_names:
        key = rom_names[0]
        for side in ("left", "right"):
            vals = [r.metrics[key] for r in counted if r.side == side and key in r.metrics]
            if vals:
                by_side[side] = mean(vals)
    faults = Counter(f.code for r in record.reps for f in r.faults)
    return SessionStats(record, len(counted), len(record.reps) - len(counted),
                        mean(r.end_s - r.start_s for r in counted) if counted else None,
                        rom, by_side, faults, sum(1 for r in record.reps if r.confidence != "ok"))


def collect(store: Store, patient_id: str, since: datetime | None = None,
            until: datetime | None = None) -> PatientHistory:
    patient = store.patient(patient_id)
    records = store.load_sessions(store.sessions(patient_id, since, until))
    programme = store.programme(patient_id)
    suggestions = tuple(suggest(programme, records)) if programme else ()
    diary = tuple(store.diary_entries(patient_id, since.date() if since else None, until.date() if until else None))
    events = store.sessions_events([r.summary.id for r in records])
    added = {sid: tuple((e.t_s, e.kind, e.detail) for e in found) for sid, found in events.items() if found}
    return PatientHistory(patient, programme, tuple(session_stats(r) for r in records), suggestions, since, until,
                          diary, added, _adherence(store, patient_id, records, since, until))


def _adherence(store, patient_id: str, records, since, until) -> tuple:
    """Week by week from the period's start (else the first session) to its end (else today)."""
    from datetime import date

    from coach.progress.adherence import load

    last = until.astimezone().date() if until else date.today()
    first = since.astimezone().date() if since else min(
        (r.summary.started_at.astimezone().date() for r in records), default=None)
    if first is None or first > last:
        return ()
    return tuple(load(store, patient_id, first, min(last, date.today())))
