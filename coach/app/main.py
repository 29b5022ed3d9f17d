"""The app's entry: page setup, the login gate, and navigation between patient and physio pages."""
from __future__ import annotations

import streamlit as st

from coach.app import auth, ui


def pages() -> dict[str, list]:
    from coach.app.pages import patients, programme, progress, review, today, upload

    return {
        "Patient": [st.Page(today.render, title="Today's exercises", icon=":material/directions_run:",
                            url_path="today", default=True),
                    st.Page(upload.render, title="Upload a video", icon=":material/upload:",
                            url_path="upload")],
        "Physiotherapist": [st.Page(patients.render, title="Patients", icon=":material/group:", url_path="patients"),
                            st.Page(review.render, title="Session review", icon=":material/play_circle:",
                                    url_path="review"),
                            st.Page(progress.render, title="Progress and reports", icon=":material/monitoring:",
                                    url_path="progress"),
                            st.Page(programme.render, title="Programme", icon=":material/edit_note:",
                                    url_path="programme")],
    }


def run() -> None:
    st.set_page_config(page_title="Exercise coach", page_icon=":material/accessibility_new:", layout="wide")
    ui.apply_style()
    if not auth.gate(ui.settings()):
        st.stop()
    try:
        ui.store()
    except Exception as exc:  # noqa: BLE001 - e.g. data folder not writable
        st.error(f"The session store could not be opened: {exc}")
        st.stop()
    page = st.navigation(pages(), position="sidebar", expanded=True)
    st.set_page_config(page_title=f"{page.title} - Exercise coach", layout="wide")  # navigation resets it
    page.run()
