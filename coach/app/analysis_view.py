"""Shows an analysis: annotated video, rep table, warnings. Shared by the upload page and review."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from exercises.base import Rep
from exercises.faults import fault_info


def rep_rows(reps: list[Rep]) -> pd.DataFrame:
    """One row per rep and per uncounted attempt, with faults in the physio's words."""
    rows = []
    for r in reps:
        row = {"Rep": r.index if r.counted else "-", "Counted": "yes" if r.counted else "no",
               "Start (s)": round(r.start_s, 2), "End (s)": round(r.end_s, 2),
               "Duration (s)": round(r.end_s - r.start_s, 2),
               "Faults": "; ".join(fault_info(c).label for c in r.fault_codes) or "none",
               "Tracking": r.confidence}
        for k, v in r.metrics.items():
            row[k] = round(v, 1) if isinstance(v, float) else v
        rows.append(row)
    return pd.DataFrame(rows)


def rep_table(reps: list[Rep], key: str | None = None) -> None:
    if not reps:
        st.info("No repetitions were found.")
        return
    st.dataframe(rep_rows(reps), hide_index=True, key=key)
