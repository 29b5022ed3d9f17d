"""Patient (or physio): analyse a recorded video. Choose the exercise, choose the file: the
analysis starts by itself, with a progress bar, then shows the annotated video and the reps."""
from __future__ import annotations

import html
import shutil

import streamlit as st

from coach.app import ui, uploads
from coach.app.analysis_view import rep_table
from exercises import EXERCISE_NAMES

RESULT_KEY = "upload_result"
DONE_KEY = "upload_done_ids"


def render() -> None:
    ui.title("Check a recorded video")
    settings = ui.settings()
    patient = ui.pick_patient(ui.PATIENT_KEY, "Whose video is it?")
    exercise = st.selectbox("Which exercise is in the video?", _exercises(patient), format_func=ui.exercise_label,
                            key="upload_exercise")
    side = st.radio("Which side works?", ("both", "left", "right"), horizontal=True, key="upload_side")
    limit_mb = max(1, int(settings.max_upload_mb))
    uploaded = st.file_uploader(f"Choose a video (up to {limit_mb} MB)", key="upload_file",
                                max_upload_size=limit_mb)
    if uploaded is not None and uploaded.file_id not in st.session_state.get(DONE_KEY, ()):
        st.session_state.setdefault(DONE_KEY, set()).add(uploaded.file_id)
        _analyse(uploaded, exercise, side, patient, settings)
    result = st.session_state.get(RESULT_KEY)
    if result is not None:
        _show(result)


def _exercises(patient: str | None) -> list[str]:
    programme = ui.store().programme(patient) if patient else None
    first = [e.exercise for e in programme.exercises] if programme else []
    return first + [e for e in EXERCISE_NAMES if e not in first]


def _analyse(uploaded, exercise: str, side: str, patient: str | None, settings) -> None:
    from coach.analysis import analyze_video

    st.session_state.pop(RESULT_KEY, None)
    try:
        saved = uploads.save(uploaded, settings.app_dir / "uploads", settings.max_upload_bytes)
    except uploads.UploadRejected as exc:
        st.error(str(exc))
        return
    bar = st.progress(0.0, text="Watching the video...")
    last = [-1]

    def progress(done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 0
        if pct != last[0]:
            last[0] = pct
            bar.progress(min(pct, 100) / 100, text=f"Watching the video... {pct}%")

    try:
        ui.model_file(settings.model)
        result = analyze_video(saved.path, exercise, side=side, model=settings.model,
                               annotated_path=saved.folder / "annotated.mp4", progress=progress)
    except Exception as exc:  # noqa: BLE001 - decoder, model or encoder trouble: a message, not a trace
        shutil.rmtree(saved.folder, ignore_errors=True)
        bar.empty()
        st.error(f"The video could not be analysed: {_plain(exc, saved)}")
        return
    finally:
        saved.path.unlink(missing_ok=True)  # the original is not kept; the annotated copy is shown
    bar.empty()
    session_id = None
    if patient:
        from coach.store.from_analysis import save_analysis

        try:
            session_id = save_analysis(ui.store(), patient, result, saved.display_name)
        except Exception as exc:  # noqa: BLE001 - still show the result
            st.warning(f"The result could not be saved to the record: {exc}")
    st.session_state[RESULT_KEY] = {"result": result, "name": saved.display_name, "session_id": session_id}


def _plain(exc: Exception, saved) -> str:
    return str(exc).replace(str(saved.path), saved.display_name).replace(str(saved.folder), "")


def _show(entry: dict) -> None:
    result = entry["result"]
    n = len(result.counted)
    st.markdown(f"<div class='coach-counter' data-testid='upload-rep-count'><div class='num' id='upload-reps'>{n}</div>"
                f"<div class='of'>repetition{'s' if n != 1 else ''} of {html.escape(ui.exercise_label(result.exercise))}"
                f"</div></div>", unsafe_allow_html=True)
    st.caption(f"{html.escape(entry['name'])}: {result.duration_s:.0f} s, person seen in {result.pose_coverage:.0%} "
               f"of the video")
    for w in result.warnings:
        st.warning(w)
    if entry.get("session_id"):
        st.success("Saved to your record.")
    if result.annotated_video is not None and result.annotated_video.exists():
        st.video(str(result.annotated_video))
    st.subheader("Repetitions")
    rep_table(result.reps, key="upload_reps_table")
