"""Patient: "Share with my physio": one file with the sessions, landmarks, test scores, the diary
and the clips recorded for the physio (videos only when the patient agreed), to send to the
physio, whose app imports it (``coach.store.bundle``)."""
from __future__ import annotations

import html
import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from coach.app import ui
from coach.app.user_text import plain

BUNDLE_KEY = "share_bundle"


def bundle_api():
    """``coach.store.bundle`` or None when this version has no bundle export."""
    try:
        from coach.store import bundle
    except ImportError:
        return None
    return bundle if hasattr(bundle, "export_bundle") else None


def contents_line(sessions: int, days: int, clips: int) -> str:
    """What the file will hold, in one plain sentence."""
    plural = lambda n, word: f"{n} {word}{'s' if n != 1 else ''}"  # noqa: E731
    parts = ([f"your {plural(sessions, 'session')} and test scores"] if sessions else []) + \
        ([f"{plural(days, 'day')} of your diary"] if days else []) + ([plural(clips, "clip")] if clips else [])
    if not parts:
        return "There is nothing to share yet: your sessions, diary and clips will go in this file."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"This makes one file with {listed}. Send it to your physiotherapist (e-mail, USB stick, "
            "or as they told you).")


def render() -> None:
    ui.title("Share with my physio")
    patient = ui.home_patient()
    if patient is None:
        st.info(ui.not_set_up_note())
        return
    api = bundle_api()
    if api is None:
        st.warning("This version of the coach cannot make a file for your physiotherapist yet.")
        return
    store = ui.store()
    info = store.patient(patient)
    sessions = store.sessions(patient)
    days, clips = len(store.diary_entries(patient)), len(store.clips(patient))
    line = contents_line(len(sessions), days, clips)
    st.markdown(f"<p class='coach-big' data-testid='share-contents'>{html.escape(line)}</p>", unsafe_allow_html=True)
    video = False
    if info.video_opt_in:
        video = st.checkbox("Include the videos of my exercise sessions (the file gets much bigger)",
                            key="share_video")
        if clips:
            st.caption("Your clips for your physiotherapist always go with their video: you recorded them for that.")
    else:
        st.caption("Videos are not included: you have not agreed to share them.")
    if st.button("Make the file", type="primary", width="stretch", key="share_make"):
        with st.spinner("Making the file..."), tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"coach-{patient}-{date.today():%Y%m%d}.zip"
            try:
                api.export_bundle(store, patient, path, include_video=video)
                st.session_state[BUNDLE_KEY] = (patient, path.name, path.read_bytes())
            except Exception as exc:  # noqa: BLE001 - say what went wrong
                st.error(f"The file could not be made: {plain(exc)}")
    made = st.session_state.get(BUNDLE_KEY)
    if made and made[0] == patient:
        st.download_button(f"Save the file ({len(made[2]) / 2**20:.1f} MB)", made[2], file_name=made[1],
                           mime="application/zip", type="primary", width="stretch", key="share_download")
        st.caption("Keep the file private: it holds your health information.")
    from coach.app import clinic_view

    st.divider()
    clinic_view.pairing_form()  # or by itself, once this laptop is connected to the clinic (issue 19)
