"""The one codec of a rep: Rep <-> JSON (journals, bundles, summary.json, report exports, work
results) and Rep <-> row, robust to ``Rep`` growing new fields.

JSON: every field of ``exercises.base.Rep``, lists for its tuples and each fault as
``{"code", "time_s", "detail"}``. ``rep_from_json`` also reads the older report shape (fault codes
in ``faults``, the faults themselves in ``fault_events``) and leaves out fields it does not know.
Rows: the fields reports query get their own columns; any other field (present or added later,
e.g. ``skipped_checks``) goes into the ``extra`` JSON column, so nothing an exercise reports is
dropped on the way to the database.
"""
from __future__ import annotations

from dataclasses import asdict, fields

from exercises.base import Fault, Rep

COLUMN_FIELDS = ("index", "start_s", "end_s", "counted", "metrics", "faults", "confidence", "side", "view")
_REP_FIELDS = tuple(f.name for f in fields(Rep))  # in their order: JSON keys come out in it


def rep_to_json(rep: Rep) -> dict:
    d = {f: _plain(getattr(rep, f)) for f in _REP_FIELDS}
    d["faults"] = [asdict(f) for f in rep.faults]
    return d


def rep_from_json(d: dict) -> Rep:
    faults = d["fault_events"] if "fault_events" in d else d["faults"]
    return _build({**d, "faults": tuple(Fault(**f) for f in faults)})


def rep_columns(rep: Rep) -> dict:
    """Values for the ``reps`` table (faults go to their own table)."""
    extra = {f: _plain(getattr(rep, f)) for f in _REP_FIELDS if f not in COLUMN_FIELDS}
    return {"rep_index": rep.index, "start_s": float(rep.start_s), "end_s": float(rep.end_s),
            "counted": bool(rep.counted), "confidence": rep.confidence, "side": rep.side,
            "view": getattr(rep, "view", ""), "metrics": {k: float(v) for k, v in rep.metrics.items()},
            "extra": extra}


def rep_from_row(row, faults: list[Fault]) -> Rep:
    values = {"index": row["rep_index"], "start_s": row["start_s"], "end_s": row["end_s"],
              "counted": bool(row["counted"]), "confidence": row["confidence"], "side": row["side"],
              "metrics": dict(row["metrics"]), "faults": tuple(faults), "view": row["view"]}
    values.update(row["extra"] or {})
    return _build(values)


def _build(values: dict) -> Rep:
    # Keep only fields this version of Rep knows; JSON lists back to the tuples Rep uses.
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items() if k in _REP_FIELDS}
    return Rep(**kwargs)


def _plain(v):
    return list(v) if isinstance(v, tuple) else v
