"""Physio: trends across sessions (interactive), test scores against their norm bands, and the
report exports (PDF, CSV, JSON) made by ``coach.reports``."""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from coach.app import charts, ui
from coach.app.user_text import plain

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
        st.info(f"No sessions recorded for {plain(patient)} yet.")
    else:
        with st.container(key="progress_charts"):  # one chart a row on a tablet (ui.CSS): legends fit
            _trends(history)
            _tests(history)
    with st.container(key="progress_exports"):  # buttons one a row on a tablet: labels not cut
        _exports(history, patient)


def _trends(history) -> None:
    st.subheader("Trends")
    df = charts.session_trends(history)
    excluded = sum(1 for s in history.sessions if getattr(s.record.summary, "excluded", False))
    if excluded:
        st.caption(f"{excluded} session{'s' if excluded != 1 else ''} left out by the physio "
                   "(see Session review).")
    other = len(history.sessions) - len(df) - excluded
    if other > 0:
        st.caption(f"{other} session{'s' if other != 1 else ''} not plotted: cut off, nothing counted, or a test.")
    if df.empty:
        st.caption("No sessions to show.")
        return
    wanted = [("reps", "Counted reps per session", "reps", False),
              ("mean rep (s)", "Mean rep duration", "seconds", False),
              ("range of motion", "Range of motion (mean per session)", "degrees or cm", False),
              ("fault rate", "Share of reps with a fault", "share of reps", True)]
    shown = [w for w in wanted if df[w[0]].notna().any()]
    for i in range(0, len(shown), 2):  # filled pairs: no empty slot
        cols = st.columns(2)
        for col, (column, title, unit, percent) in zip(cols, shown[i:i + 2]):
            col.altair_chart(charts.trend_chart(df, column, title, percent=percent, unit=unit), width="stretch")


def _tests(history) -> None:
    df = charts.test_frame(history)
    st.subheader("Test scores")
    if df.empty:
        st.caption("No standardised test recorded yet.")
        return
    names = list(df["test"].unique())
    for i in range(0, len(names), 2):
        cols = st.columns(2)
        for col, name in zip(cols, names[i:i + 2]):
            col.altair_chart(charts.test_chart(df, name, name), width="stretch")
    st.dataframe(charts.test_table(df), hide_index=True, key="tests_table")
    from coach.reports.tables import condition_norms_table

    published = condition_norms_table([t for _, t in history.tests], history.patient.condition)
    if published is not None:  # the usual ranges are healthy older adults': the condition's own values
        st.markdown(f"**{published.title}**")
        st.dataframe(pd.DataFrame(list(published.rows), columns=list(published.headers)), hide_index=True,
                     key="condition_norms_table")
        st.caption(published.note)


def _exports(history, patient: str) -> None:
    from coach.reports import render_pdf
    from coach.reports.export import to_json, write_csv

    st.subheader("Export")
    c1, c2, c3 = st.columns(3)
    if c1.button("Make the PDF report", key="make_pdf"):
        with st.spinner("Drawing the report..."):
            st.session_state[PDF_KEY] = (patient, render_pdf(history))
        _audit_export(patient, "PDF report")
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
                       mime="application/zip", key="download_csv", on_click=_audit_export, args=(patient, "CSV"))
    c3.download_button("Download JSON", json.dumps(to_json(history), indent=1, default=str),
                       file_name=f"report-{patient}.json", mime="application/json", key="download_json",
                       on_click=_audit_export, args=(patient, "JSON"))


def _audit_export(patient: str, what: str) -> None:
    from coach.app import clinic_view

    clinic_view.audit("export", patient, what)
