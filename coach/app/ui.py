"""Shared page pieces: the store, the patient picker, large high-contrast styles, the big counter.

Patients read this from across the room, often tired or with poor sight: large type, strong
contrast, one thing to do at a time, big buttons (the CSS below widens and enlarges them).
"""
from __future__ import annotations

import html

import streamlit as st

from coach.app.settings import AppSettings

PATIENT_KEY = "patient_id"  # the patient using the patient pages
PHYSIO_PATIENT_KEY = "physio_patient_id"  # the patient a physio is looking at

CSS = """
<style>
[data-testid="stAppViewContainer"] p, [data-testid="stAppViewContainer"] li { font-size: 1.15rem; line-height: 1.5; }
.stButton > button, .stDownloadButton > button, [data-testid="stFormSubmitButton"] > button {
  font-size: 1.3rem; font-weight: 700; min-height: 3.2rem; padding: 0.4rem 1.4rem; border-width: 2px; }
.coach-counter { background:#000; color:#fff; border-radius:18px; padding:0.6rem 1rem; text-align:center; }
.coach-counter .num { font-size:6.5rem; font-weight:800; line-height:1; }
.coach-counter .of { font-size:1.6rem; }
.coach-phase { font-size:2rem; font-weight:800; text-align:center; padding:0.4rem; border-radius:12px; }
.coach-cue { font-size:2.2rem; font-weight:800; text-align:center; padding:0.8rem; border-radius:14px;
  background:#ffd500; color:#000; border:4px solid #000; }
.coach-cue.setup, .coach-cue.announce { background:#0b3d91; color:#fff; }
.coach-cue.count, .coach-cue.praise { background:#1b7a1b; color:#fff; }
.coach-cue.safety { background:#b00020; color:#fff; }
[data-testid="stAppViewContainer"] .coach-big { font-size:1.8rem; font-weight:700; line-height:1.3; }
.coach-headline { font-size:2.2rem; font-weight:800; margin:0.6rem 0; }
.coach-need { font-size:1.3rem; font-weight:700; margin-bottom:0.4rem; }
@media (max-width: 1000px) {
  section[data-testid="stSidebar"] { width: 270px !important; min-width: 270px !important; }
  [data-testid="stSidebarNav"] a span, [data-testid="stSidebarNavLink"] span {
    font-size: 0.95rem !important; white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; }
  /* live coaching on a tablet: the video full width, the counter and buttons under it */
  .st-key-coach_live [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  .st-key-coach_live [data-testid="stColumn"] { min-width: 100% !important; }
  .coach-counter .num { font-size:5rem; }
  .coach-cue { font-size:1.7rem; }
  [data-testid="stAppViewContainer"] .coach-big { font-size:1.5rem; }
  /* the physio's charts on a tablet: one a row, so their legends and axes are not cut */
  .st-key-progress_charts [data-testid="stHorizontalBlock"], .st-key-progress_exports [data-testid="stHorizontalBlock"] {
    flex-wrap: wrap; }
  .st-key-progress_charts [data-testid="stColumn"], .st-key-progress_exports [data-testid="stColumn"] {
    min-width: 100% !important; }
}
/* The coaching screen: counter, clock and the patient's video in one screen (a tablet's 800x1000
   included): less empty space above the title, and the zero-height script blocks take no gap. */
[data-testid="stMainBlockContainer"]:has(.st-key-coach_live) { padding-top: 3rem; }
[data-testid="stMainBlockContainer"]:has(.st-key-coach_live) h1 { padding: 0 0 0.4rem 0; }
[data-testid="stElementContainer"]:has(iframe[srcdoc][height="0"]) { display: none; }
@media (max-width: 1000px) {
  [data-testid="stMainBlockContainer"]:has(.st-key-coach_live) h1 { font-size: 2rem !important; }
}
.coach-card { border:3px solid #222; border-radius:16px; padding:0.8rem 1.2rem; margin-bottom:0.6rem; }
.coach-card h3 { margin:0 0 0.3rem 0; font-size:1.9rem; }
</style>
"""

PHASE_TEXT = {
    "starting": ("Starting the camera", "#0b3d91"), "setup": ("Getting ready", "#0b3d91"), "countdown": ("Get ready...", "#0b3d91"),
    "active": ("Go!", "#1b7a1b"), "rest": ("Rest", "#444"), "paused": ("Paused", "#b00020"),
    "done": ("All done", "#1b7a1b"),
}


def apply_style() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


# Accessibility settings (the patient's sidebar, "Easier to see"): larger text and high contrast. Kept
# for the browser session and in the address (?text=large&contrast=high), so a bookmark or a reload
# keeps them.
LARGER_TEXT_CSS = """<style>
html { font-size: 20px; }
[data-testid="stAppViewContainer"] p, [data-testid="stAppViewContainer"] li { font-size: 1.3rem; }
</style>"""
HIGH_CONTRAST_CSS = """<style>
[data-testid="stAppViewContainer"], [data-testid="stSidebar"] { background: #fff; }
[data-testid="stAppViewContainer"] p, [data-testid="stAppViewContainer"] li, [data-testid="stCaptionContainer"],
[data-testid="stSidebarNav"] span, .coach-later, .coach-hint, .coach-when { color: #000 !important; }
.stButton > button, .stDownloadButton > button { border: 3px solid #000 !important; }
.stButton > button[kind="primary"] { background: #000 !important; color: #fff !important; }
.stButton > button[kind="primary"] p, .stButton > button[kind="primary"] span { color: #fff !important; }
.coach-card { border-width: 4px; border-color: #000; }
:focus-visible { outline: 4px solid #ffd500 !important; outline-offset: 2px; }
</style>"""
A11Y = (("a11y_larger_text", "Larger text", "text", "large", LARGER_TEXT_CSS),
        ("a11y_high_contrast", "High contrast", "contrast", "high", HIGH_CONTRAST_CSS))


def accessibility() -> None:
    """The "Easier to see" switches in the sidebar, and their styles on every page."""
    with st.sidebar:
        st.markdown("**Easier to see**")
        for key, label, param, on, css in A11Y:
            if key not in st.session_state:
                st.session_state[key] = st.query_params.get(param) == on
            if st.toggle(label, key=key):
                st.query_params[param] = on
                st.markdown(css, unsafe_allow_html=True)
            elif param in st.query_params:
                del st.query_params[param]


def settings() -> AppSettings:
    return AppSettings.from_env()


@st.cache_resource(show_spinner=False)
def _open_store(url: str | None, data_dir: str):
    from coach.store import Store

    return Store.open(url)


def store():
    """The session store (opened once per database and shared; SQLAlchemy pools connections)."""
    s = settings()
    return _open_store(s.database_url, str(s.data_dir))


@st.cache_resource(show_spinner=False)
def model_file(model: str) -> str:
    """The pose model file, checked once per process (raises ModelError with the fix if missing).

    The landmarker itself keeps per-stream tracking state, so each analysis and each live
    session gets its own instance; only this lookup and check are shared."""
    from coach.pose.model_files import model_path

    return str(model_path(model))


STALE_CHECK_EVERY_S = 15.0


@st.cache_resource(show_spinner=False)
def _stale_watcher(url: str | None, data_dir: str):
    """One thread per server: sessions whose tab went away are ended as ``interrupted`` within a
    minute (``Store.mark_stale``), even when nobody opens a page afterwards."""
    import threading

    the_store = _open_store(url, data_dir)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(STALE_CHECK_EVERY_S):
            try:
                the_store.mark_stale()
            except Exception:  # noqa: BLE001 - a busy database: try again next time
                continue

    if hasattr(the_store, "mark_stale"):
        threading.Thread(target=loop, name="coach-stale-sessions", daemon=True).start()
    return stop


def end_abandoned_sessions() -> None:
    s = settings()
    _stale_watcher(s.database_url, str(s.data_dir))


def home_patient() -> str | None:
    """The patient whose computer this is: ``coach app --patient`` / COACH_APP_PATIENT, or the only
    patient in the store. Never a choice from a list: the patient pages show nobody else's code."""
    s = settings()
    ids = [p.id for p in store().patients()]
    if s.patient_id:
        return s.patient_id if s.patient_id in ids else None
    return ids[0] if len(ids) == 1 else None


def not_set_up_note() -> str:
    s = settings()
    if s.patient_id:
        return (f"This computer is set up for patient code {s.patient_id}, but that code is not in the "
                "records here. Please ask your physiotherapist.")
    return ("This computer is not set up for you yet, so nothing is saved. Please ask your "
            "physiotherapist to set it up.")


def title(text: str) -> None:
    st.markdown(f"<h1 style='font-size:2.6rem'>{html.escape(text, quote=False)}</h1>", unsafe_allow_html=True)


def exercise_label(name: str) -> str:
    from coach import labels

    return labels.exercise(name)


def pick_patient(key: str, label: str = "Who is exercising?") -> str | None:
    """A patient id chosen from the store (the only one is chosen by itself), or None."""
    patients = [p.id for p in store().patients()]
    if not patients:
        return None
    current = st.session_state.get(key)
    if len(patients) == 1:
        st.session_state[key] = patients[0]
        return patients[0]
    index = patients.index(current) if current in patients else 0
    chosen = st.selectbox(label, patients, index=index, key=f"{key}_select")
    st.session_state[key] = chosen
    return chosen


def counter_html(reps: int, target: int, set_no: int, sets_total: int) -> str:
    return (f"<div class='coach-counter' data-testid='coach-rep-counter'>"
            f"<div class='of'>Set {set_no} of {sets_total}</div>"
            f"<div class='num' id='coach-reps'>{reps}</div>"
            f"<div class='of'>of {target} repetitions</div></div>")


def test_counter_html(reps: int, protocol, seconds_left: float | None) -> str:
    from coach import labels

    noun = labels.reps_phrase(protocol.exercise, reps).split(" ", 1)[1]
    if protocol.duration_s is not None:
        clock = f"{seconds_left:.0f} s left" if seconds_left is not None else f"{protocol.duration_s:.0f} seconds"
    else:
        clock = f"of {protocol.stop_after}"
    return (f"<div class='coach-counter' data-testid='coach-test-counter'><div class='of'>{html.escape(protocol.label)}</div>"
            f"<div class='num' id='coach-reps'>{reps}</div>"
            f"<div class='of'>{html.escape(noun)}, <span id='coach-clock'>{html.escape(clock)}</span></div></div>")


def phase_html(phase: str, seconds_left: float = 0.0, pause_reason: str = "") -> str:
    text, colour = PHASE_TEXT.get(phase, (phase.capitalize(), "#333"))
    if phase in ("rest", "countdown") and seconds_left > 0:
        text += f" {round(seconds_left)} s"
    if phase == "paused" and pause_reason:
        text += {"fall": ": are you all right?", "out_of_view": ": step back into view",
                 "camera_lost": ": camera stopped"}.get(pause_reason, "")
    return f"<div class='coach-phase' style='background:{colour};color:#fff'>{html.escape(text)}</div>"


def cue_html(text: str, kind: str = "") -> str:
    if not text:
        return ""
    return f"<div class='coach-cue {html.escape(kind)}'>{html.escape(text)}</div>"
