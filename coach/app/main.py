"""The app's entry: page setup, the login gate, and the pages of this server's role.

A patient-mode server (``coach app``) shows the patient's pages only; a physio-mode server
(``coach app --physio``) shows the physio's pages only, always behind the password. No server
shows both: a shared home laptop never offers the physio's views or a list of patient codes.
"""
from __future__ import annotations

import streamlit as st

from coach.app import auth, ui
from coach.app.user_text import plain


# (module in coach.app.pages, title, icon, url path); the first is the role's home page
PATIENT_PAGES = (("today", "Today's exercises", ":material/directions_run:", "today"),
                 ("test", "Take a test", ":material/timer:", "test"),
                 ("diary", "My diary", ":material/edit_calendar:", "diary"),
                 ("record", "Record a clip", ":material/videocam:", "record"),
                 ("upload", "Check a video", ":material/upload:", "upload"),
                 ("share", "Share with my physio", ":material/send:", "share"),
                 ("caregiver", "For the person helping", ":material/volunteer_activism:", "caregiver"))
PHYSIO_PAGES = (("patients", "Patients", ":material/group:", "patients"),
                ("review", "Session review", ":material/play_circle:", "review"),
                ("progress", "Progress and reports", ":material/monitoring:", "progress"),
                ("programme", "Programme", ":material/edit_note:", "programme"))


def page_table(settings) -> tuple:
    """The pages of this server's role: never both."""
    return PHYSIO_PAGES if settings.physio else PATIENT_PAGES


def pages(settings) -> list:
    import importlib

    return [st.Page(importlib.import_module(f"coach.app.pages.{module}").render, title=title, icon=icon,
                    url_path=url, default=(i == 0))
            for i, (module, title, icon, url) in enumerate(page_table(settings))]


# The browser-tab icon: an emoji, which Streamlit draws as an inline SVG. A ":material/...:" icon here (or a
# page's icon left to become the tab icon) makes every browser fetch it from Google: nothing is fetched
# from outside 127.0.0.1 (tests/app/test_browser_viewport.py fails on any such request).
PAGE_ICON = "🏃"


def run() -> None:
    st.set_page_config(page_title="Exercise coach", page_icon=PAGE_ICON, layout="wide")
    ui.apply_style()
    settings = ui.settings()
    if not auth.gate(settings):
        st.stop()
    try:
        ui.store()
    except Exception as exc:  # noqa: BLE001 - e.g. data folder not writable
        st.error(f"The session store could not be opened: {plain(exc)}")
        st.stop()
    ui.end_abandoned_sessions()
    if not settings.physio and not st.session_state.get("coach_synced_on_open"):
        from coach.app import clinic_view

        st.session_state["coach_synced_on_open"] = True
        clinic_view.sync_now()  # a paired laptop sends what is new and fetches the programme
    page = st.navigation(pages(settings), position="sidebar", expanded=True)
    if not settings.physio:
        ui.accessibility()  # larger text, high contrast: under the patient's menu
    st.set_page_config(page_title=f"{page.title} - Exercise coach", page_icon=PAGE_ICON,
                       layout="wide")  # navigation resets both to the page's own
    page.run()
