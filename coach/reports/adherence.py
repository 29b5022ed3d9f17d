"""The report's "Adherence by week" section: sessions done against prescribed and repetitions
against the target, per Monday-to-Sunday week (``coach.progress.adherence``)."""
from __future__ import annotations

from coach.reports.data import PatientHistory
from coach.reports.tables import Section, Table


def _pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:.0f}%"


def section(h: PatientHistory) -> Section | None:
    weeks = [w for w in h.adherence if w.sessions_prescribed or w.sessions_done]
    if not weeks:
        return None
    rows = tuple((f"{w.week_start:%Y-%m-%d}", f"{w.days}", f"{w.sessions_done}", f"{w.sessions_prescribed}",
                  _pct(w.sessions_share), f"{w.reps_done}", f"{w.reps_target}", _pct(w.reps_share)) for w in weeks)
    table = Table("Adherence by week", ("Week of (Monday)", "Days", "Sessions done", "Prescribed", "%",
                                        "Repetitions done", "Target", "%"), rows,
                  note="Prescribed: the programme version in force each day (its days, times of day, sets x reps). "
                       "Done: training sessions with a counted repetition (tests and sessions left out are not "
                       "counted). The last week may be under way.")
    return Section("Adherence", tables=(table,))
