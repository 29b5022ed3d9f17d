"""Physio: trends across sessions (interactive), test scores against their norm bands, and the
report exports (PDF, CSV, JSON) made by ``coach.reports``."""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from coach.app import charts, ui

PDF_KEY = "progress_pdf"
CHART_H = 260


def render() -> None:
    ui.title("Progress and reports")
    patient = ui.pick_patient(ui.PHYSIO_PATIENT_KEY, "Patient")
    if patient is None:
        st.info("No patients yet: add one on the Patients page.")
        return
    from coach.reports import collect

    history = collect(ui.store(), patient)
    if not history.sessions:
        st.info(f"No sessions recorded for {patient} yet.")
    else:
        _trends(history)
        _tests(history)
    _exports(history, patient)


def _trends(history) -> None:
    st.subheader("Trends")
    df = charts.session_trends(history)
    c1, c2 = st.columns(2)
    c1.altair_chart(charts.trend_chart(df, "reps", "Counted reps per session"), width="stretch", height=CHART_H)
    c2.altair_chart(charts.trend_chart(df, "mean rep (s)", "Mean rep duration (s)"), width="stretch", height=CHART_H)
    c3, c4 = st.columns(2)
    if df["range of motion"].notna().any():
        c3.altair_chart(charts.trend_chart(df, "range of motion", "Range of motion (mean per session)"),
                        width="stretch", height=CHART_H)
    if df["fault rate"].notna().any():
        c4.altair_chart(charts.trend_chart(df, "fault rate", "Share of reps with a fault", percent=True),
                        width="stretch", height=CHART_H)


def _tests(history) -> None:
    from coach.reports.norms import TESTS

    df = charts.test_frame(history)
    st.subheader("Test scores")
    if df.empty:
        st.caption("No standardised test recorded yet.")
        return
    for test in df["test"].unique():
        st.altair_chart(charts.test_chart(df, test, TESTS.get(test, test)), width="stretch", height=CHART_H)
    st.dataframe(df, hide_index=True, key="tests_table")


def _exports(history, patient: str) -> None:
    from coach.reports import render_pdf
    from coach.reports.export import to_json, write_csv

    st.subheader("Export")
    c1, c2, c3 = st.columns(3)
    if c1.button("Make the PDF report", key="make_pdf"):
        with st.spinner("Drawing the report..."):
            st.session_state[PDF_KEY] = (patient, render_pdf(history))
    made = st.session_state.get(PDF_KEY)
    if made and made[0] == patient:
        c1.download_button("Download PDF", made[1], file_name=f"report-{patient}.pdf", mime="application/pdf",
                           key="download_pdf", type="primary")
    with tempfile.TemporaryDirectory() as tmp:
        files = write_csv(history, tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                z.write(f, arcname=Path(f).name)
    c2.download_button("Download CSV (zip)", buffer.getvalue(), file_name=f"report-{patient}-csv.zip",
                       mime="application/zip", key="download_csv")
    c3.download_button("Download JSON", json.dumps(to_json(history), indent=1, default=str),
                       file_name=f"report-{patient}.json", mime="application/json", key="download_json")
