"""Patient: "Record a clip for my physio": a short video of a problem moment (freezing at a
doorway, a tremor, a wobble when turning) with a note, up to 30 s, one press to start.

The note comes first (typed, or one tap on a common problem); "Record" asks the browser for the
camera and starts at once; recording stops at 30 s, on "Stop and save", or when the camera stops
(another page opened: what was recorded is saved on coming back; a closed tab keeps nothing). The
clip is stored with
its landmark track (``coach.app.clip_recorder``). Without the patient's consent to video, only the
landmark track (a moving stick figure) is kept, and the page says so before anything is recorded.
"""
from __future__ import annotations

import html
import time

import streamlit as st

from coach import labels
from coach.app import ui
from coach.app.user_text import plain
from coach.app.clip_recorder import MAX_CLIP_S, ClipRecorder, save_recording

RECORDER_KEY = "clip_recorder"
SAVED_KEY = "clip_saved"
NOTE_KEY = "clip_note"  # the text box (its state goes when the box is off the page)
KEPT_NOTE_KEY = "clip_note_kept"  # the note, kept while recording
STYLE = """<style>
/* a tap on a common problem, and the note box: large for tired or shaky hands and poor sight */
.st-key-clip_before [data-testid="stWidgetLabel"] p { font-size:1.35rem; font-weight:700; }
.st-key-clip_before [data-testid="stButtonGroup"] button { min-height:3rem; padding:0 1rem; }
.st-key-clip_before [data-testid="stButtonGroup"] button p { font-size:1.25rem; }
.st-key-clip_before [data-testid="stButtonGroup"] button[aria-checked="true"] { background:#0b3d91; border-color:#0b3d91; }
.st-key-clip_before [data-testid="stButtonGroup"] button[aria-checked="true"] p { color:#fff; }
.st-key-clip_before input { font-size:1.35rem; min-height:3rem; }
</style>"""
QUICK_NOTES = ("Freezing at a doorway", "Freezing when turning", "Tremor", "Unsteady when walking",
               "Trouble getting up")


def render() -> None:
    ui.title("Record a clip for my physio")
    patient = ui.home_patient()
    if patient is None:
        st.info(ui.not_set_up_note())
        return
    store = ui.store()
    consent = store.patient(patient).video_opt_in
    recorder: ClipRecorder | None = st.session_state.get(RECORDER_KEY)
    if recorder is not None and recorder.finished and not recorder.started:  # the camera never gave a picture
        st.session_state.pop(RECORDER_KEY, None)
        recorder = None
        st.warning("The camera did not start, so nothing was recorded. Check that no other program is using it, "
                   "and press Allow if the browser asks.")
    if recorder is None:
        st.markdown(STYLE, unsafe_allow_html=True)
        with st.container(key="clip_before"):
            _before(consent)
    elif recorder.finished:
        _save(store, patient, recorder)
    else:
        _recording(recorder)
    if recorder is None:
        _my_clips(store, patient)


def _before(consent: bool) -> None:
    saved = st.session_state.get(SAVED_KEY)
    if saved:
        st.success(saved, icon=":material/check_circle:")
    st.markdown("<p class='coach-big'>Show your physiotherapist a problem moment: freezing, a tremor, "
                f"a wobble. Up to {MAX_CLIP_S:.0f} seconds.</p>", unsafe_allow_html=True)
    if consent:
        st.caption("The video and the movement of your body are kept on this computer until you share them.")
    else:
        st.info("You have not agreed to keep videos, so no picture is kept: only the movement of your body "
                "(a moving stick figure) and your note. Ask your physiotherapist if you want to change this.",
                icon=":material/visibility_off:")
    picked = st.pills("What happens?", QUICK_NOTES, key="clip_quick")
    if picked and not st.session_state.get(NOTE_KEY):
        st.session_state[NOTE_KEY] = picked
    st.text_input("A few words for your physiotherapist (optional)", key=NOTE_KEY, max_chars=300,
                  placeholder="For example: freezing at the kitchen doorway")
    st.markdown("<p class='coach-hint' style='font-size:1.2rem'>Put the laptop where it can see you, press "
                "Record, then do what you want to show.</p>", unsafe_allow_html=True)
    if st.button(f"Record (up to {MAX_CLIP_S:.0f} seconds)", type="primary", width="stretch", key="clip_start",
                 icon=":material/videocam:"):
        st.session_state.pop(SAVED_KEY, None)
        st.session_state[KEPT_NOTE_KEY] = (st.session_state.get(NOTE_KEY) or "").strip()
        st.session_state[RECORDER_KEY] = ClipRecorder()
        st.rerun()


def _recording(recorder: ClipRecorder) -> None:
    left, right = st.columns([3, 2], gap="medium")
    with left:
        playing = _camera(recorder)
    with right:
        board = st.empty()
        if st.button("Stop and save", type="primary", width="stretch", key="clip_stop", icon=":material/stop_circle:"):
            recorder.stop()
            st.rerun()
        if st.button("Cancel: keep nothing", width="stretch", key="clip_cancel"):
            st.session_state.pop(RECORDER_KEY, None)
            st.rerun()
        note = st.session_state.get(KEPT_NOTE_KEY) or ""
        if note:
            st.markdown(f"<p class='coach-big'>Note: {html.escape(note)}</p>", unsafe_allow_html=True)
    _show(board, recorder)
    while playing() and not recorder.finished:
        _show(board, recorder)
        time.sleep(0.3)
    if recorder.finished:
        st.rerun()


def _show(board, recorder: ClipRecorder) -> None:
    with board.container():
        if not recorder.started:
            text, colour = "Starting the camera... If the browser asks, press Allow.", "#0b3d91"
        else:
            text, colour = f"Recording: {recorder.elapsed_s:.0f} of {MAX_CLIP_S:.0f} seconds", "#b00020"
        st.markdown(f"<div class='coach-phase' data-testid='clip-status' style='background:{colour};color:#fff'>"
                    f"{html.escape(text)}</div>", unsafe_allow_html=True)


def _camera(recorder: ClipRecorder):
    """The browser camera, frames to the recorder, started for the patient (one press in all)."""
    from coach.app.live_camera import browser_camera

    # on_ended: the camera stopped or the page was left: keep what was recorded
    return browser_camera("clip-recorder", recorder.callback, on_ended=recorder.stop,
                          waiting=lambda: not recorder.started)


def _save(store, patient: str, recorder: ClipRecorder) -> None:
    if st.session_state.get("clip_give_up"):  # "Keep nothing" after a failed save: no further try
        st.session_state.pop(RECORDER_KEY, None)
        st.rerun()
    recording = recorder.recording()
    note = st.session_state.get(KEPT_NOTE_KEY) or ""
    st.markdown("<p class='coach-big'>Saving your clip...</p>", unsafe_allow_html=True)
    bar = st.progress(0.0, text="Finding the movement of your body in each picture")
    try:
        clip = save_recording(store, patient, recording, note, model=ui.settings().model,
                              progress=lambda f: bar.progress(min(1.0, f), text="Finding the movement of your body"))
    except Exception as exc:  # noqa: BLE001 - say what went wrong; the recording is kept for another try
        bar.empty()
        st.error(f"The clip could not be saved: {plain(exc)}")
        if st.button("Try saving again", type="primary", width="stretch", key="clip_retry"):
            st.rerun()
        st.button("Keep nothing", width="stretch", key="clip_give_up")
        return
    for key in (RECORDER_KEY, NOTE_KEY, KEPT_NOTE_KEY, "clip_quick"):
        st.session_state.pop(key, None)
    kept = "the video and the movement" if clip.has_video else "the movement of your body (no picture)"
    st.session_state[SAVED_KEY] = (f"Saved: {clip.duration_s:.0f} seconds, {kept}. It goes to your "
                                   "physiotherapist with your next shared file.")
    st.rerun()


def _my_clips(store, patient: str) -> None:
    clips = store.clips(patient)
    if not clips:
        return
    st.subheader("My clips")
    for c in clips:
        cols = st.columns([3, 1])
        what = "video" if c.has_video else "movement only"
        cols[0].markdown(f"<p style='font-size:1.25rem' data-testid='my-clip'><b>{labels.when(c.recorded_at)}</b>, "
                         f"{c.duration_s:.0f} s ({what}): {html.escape(c.note or 'no note')}</p>", unsafe_allow_html=True)
        with cols[1].popover("Delete", width="stretch"):
            st.write("Delete this clip? Your physiotherapist will not see it.")
            if st.button("Yes, delete it", key=f"clip_delete_{c.id}", type="primary"):
                store.discard_clip(c.id)
                st.rerun()
