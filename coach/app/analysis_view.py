"""The per-rep table in the physio's words (labels from ``coach.labels``). Shared by the upload
page and review. Reps are numbered as the patient counted them: the first counted rep of a set is
rep 1, whatever the counter's internal index was."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from coach import labels
from exercises.base import Rep
from exercises.faults import fault_info


def rep_numbers(reps: list[Rep]) -> list[str]:
    out, n = [], 0
    for r in reps:
        if r.counted:
            n += 1
            out.append(str(n))
        else:
            out.append("not counted")
    return out


def rep_rows(reps: list[Rep], offset_s: float = 0.0) -> pd.DataFrame:
    """One row per rep and per uncounted attempt; times from ``offset_s`` (the video's start)."""
    rows = []
    for number, r in zip(rep_numbers(reps), reps):
        row = {"Rep": number, "Start (s)": round(r.start_s - offset_s, 1),
               "Duration (s)": round(r.end_s - r.start_s, 1),
               "Faults": "; ".join(fault_info(c).label for c in r.fault_codes) or "none",
               "Tracking": labels.confidence(r.confidence)}
        for k, v in r.metrics.items():
            row[labels.metric(k)] = labels.value(v) if isinstance(v, float) else v
        rows.append(row)
    return pd.DataFrame(rows)


def rep_table(reps: list[Rep], key: str | None = None) -> None:
    if not reps:
        st.info("No repetitions were found.")
        return
    st.dataframe(rep_rows(reps), hide_index=True, key=key)
