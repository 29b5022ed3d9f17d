"""Everything in a patient's history as CSV files (one per record type; ``reps.csv`` is the one per-rep
table of ``coach.csv_text``) or one JSON document."""
from __future__ import annotations

import json
from pathlib import Path

from coach.csv_text import csv_text, reps_csv
from coach.reports.data import PatientHistory
from coach.store.diary import weekly_counts
from coach.store.paths import write_private

CSV_FILES = ("sessions.csv", "reps.csv", "faults.csv", "events.csv", "tests.csv")


def to_json(h: PatientHistory) -> dict:
    p = h.patient
    return {
        "format": "rehab-coach-report/1",
        "patient": {"id": p.id, "age": p.age, "sex": p.sex, "condition": p.condition,
                    "affected_side": p.affected_side, "notes": p.notes, "video_opt_in": p.video_opt_in},
        "programme": ({**h.programme.to_dict(), "version": h.programme.version} if h.programme else None),
        "suggestions": [{"exercise": s.exercise, "kind": s.kind, "change": s.change, "reason": s.reason,
                         "sessions": list(s.session_ids)} for s in h.suggestions],
        "sessions": [{**s.record.to_dict(), "added_events": [{"time_s": t, "kind": k, "detail": d}
                                                             for t, k, d in h.added_events.get(s.record.summary.id, ())]}
                     for s in h.sessions],
        "diary": [e.to_dict() for e in h.diary],
        "diary_weeks": [w.to_dict() for w in weekly_counts(h.diary)],
    }


def write_json(h: PatientHistory, path: str | Path) -> None:
    write_private(path, json.dumps(to_json(h), indent=1, default=str))


def write_csv(h: PatientHistory, directory: str | Path) -> list[Path]:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    sessions, reps, faults, events, tests = [], [], [], [], []
    for s in h.sessions:
        rec = s.record
        sm = rec.summary
        sessions.append([sm.id, sm.uuid, sm.patient_id, sm.exercise, sm.status, sm.started_at.isoformat(),
                         sm.ended_at.isoformat() if sm.ended_at else "", sm.sets, sm.reps, sm.attempts,
                         sm.faults, sm.source, rec.app_version, rec.algorithm_version, rec.schema_version,
                         rec.programme_version or "", json.dumps(rec.settings)])
        for st in rec.sets:
            for seq, r in enumerate(st.reps, start=1):
                reps.append((sm.id, st.set_no, seq, r))
                faults.extend([sm.id, st.set_no, seq, f.code, f.time_s, f.detail] for f in r.faults)
        events.extend([sm.id, e.kind, e.time_s, e.detail] for e in rec.events)
        tests.extend([sm.id, sm.started_at.isoformat(), t.test, t.value, t.unit,
                      "" if t.norm_low is None else t.norm_low, "" if t.norm_high is None else t.norm_high,
                      t.interpretation, t.norm_source] for t in rec.tests)
    texts = {
        "sessions.csv": csv_text(["session", "uuid", "patient", "exercise", "status", "started_at", "ended_at",
                                  "sets", "reps", "attempts", "faults", "source", "app_version",
                                  "algorithm_version", "schema_version", "programme_version", "settings"], sessions),
        "reps.csv": reps_csv(reps),
        "faults.csv": csv_text(["session", "set", "seq", "code", "time_s", "detail"], faults),
        "events.csv": csv_text(["session", "kind", "time_s", "detail"], events),
        "tests.csv": csv_text(["session", "date", "test", "value", "unit", "norm_low", "norm_high",
                               "interpretation", "source"], tests),
    }
    return [write_private(d / name, texts[name]) for name in CSV_FILES]


def write_csv_rows(path: str | Path, header: list, rows) -> Path:
    """A CSV file (0600) whose text cells cannot run as spreadsheet formulas (``csv_text``)."""
    return write_private(path, csv_text(header, rows))
