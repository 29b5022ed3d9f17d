"""Patient: check a recorded video. Choose the exercise and the weaker side, choose the file: the
analysis runs in the background (a reload or another tab does not stop it), then the result is told
in plain words first, the detailed table second. If the motion does not look like the chosen
exercise, the patient is asked before anything is saved."""
from __future__ import annotations

import html

import streamlit as st

from coach import labels
from coach.app import jobs as jobs_mod
from coach.app import media, plain_words, ui, uploads
from coach.app.analysis_view import rep_table
from coach.app.user_text import plain
from exercises import EXERCISE_NAMES

DONE_KEY = "upload_done_ids"
WEAKER = {"Neither / not sure": "both", "Left": "left", "Right": "right"}


def jobs():
    """This server's analyses (``coach.app.jobs``, one thread each) on a laptop; on a clinic's PostgreSQL,
    the shared queue that ``coach worker`` processes (``coach.work``)."""
    store = ui.store()
    from coach.work import queue

    if queue.enabled(store.engine):
        from coach.work.page_jobs import QueuedJobs

        return QueuedJobs(store, ui.settings().model)
    return _local_jobs()


@st.cache_resource(show_spinner=False)
def _local_jobs() -> jobs_mod.Jobs:
    return jobs_mod.Jobs()


jobs.clear = _local_jobs.clear  # forget this server's analyses (tests start each without any)


def owner(patient: str | None) -> str:
    return patient or "practice"


def render() -> None:
    ui.title("Check a recorded video")
    settings = ui.settings()
    patient = ui.home_patient()
    if patient is None:
        st.info(ui.not_set_up_note())
    job = jobs().get(owner(patient))
    if job is not None and (not job.finished or not job.seen):
        _job(job, patient)
        return
    exercise = st.selectbox("Which exercise is in the video?", _exercises(patient), format_func=ui.exercise_label,
                            key="upload_exercise")
    weaker = st.radio("Which side is weaker?", list(WEAKER), horizontal=True, key="upload_side",
                      index=_default_weaker(patient))
    limit_mb = max(1, int(settings.max_upload_mb))
    uploaded = st.file_uploader(f"Choose a video (up to {limit_mb} MB)", key="upload_file",
                                max_upload_size=limit_mb)
    st.markdown(f"<p data-testid='upload-limit'>Videos up to <b>{limit_mb} MB</b> (about "
                f"{max(1, limit_mb // 10)} minutes). A longer video will not upload: trim it first, or record "
                "just the exercise.</p>", unsafe_allow_html=True)
    if uploaded is not None and uploaded.file_id not in st.session_state.get(DONE_KEY, ()):
        st.session_state.setdefault(DONE_KEY, set()).add(uploaded.file_id)
        _start(uploaded, exercise, WEAKER[weaker], patient, settings)
    if job is not None and job.finished and job.seen:
        st.divider()
        _result(job)


def _default_weaker(patient: str | None) -> int:
    if not patient:
        return 0
    side = ui.store().patient(patient).affected_side
    return {"left": 1, "right": 2}.get(side, 0)


def _exercises(patient: str | None) -> list[str]:
    programme = ui.store().programme(patient) if patient else None
    first = [e.exercise for e in programme.exercises] if programme else []
    return first + [e for e in EXERCISE_NAMES if e not in first]


def _start(uploaded, exercise: str, side: str, patient: str | None, settings) -> None:
    try:
        saved = uploads.save(uploaded, settings.app_dir / "uploads", settings.max_upload_bytes)
    except uploads.UploadRejected as exc:
        st.error(str(exc))
        return
    finally:
        uploads.release(uploaded)  # on disk now (or refused): the server's memory copy goes
    job = jobs_mod.Job(owner(patient), saved.path, saved.folder, saved.display_name, exercise, side)
    _run(job, settings)
    st.rerun()


def _run(job: jobs_mod.Job, settings) -> None:
    model = settings.model

    def work(j: jobs_mod.Job) -> None:
        from coach.analysis import analyze_video
        from coach.app import recognise

        ui.model_file(model)

        def progress(done: int, total: int) -> None:
            j.progress = min(1.0, done / total) if total else 0.0

        j.result = analyze_video(j.video, j.exercise, side=j.side, model=model,
                                 annotated_path=j.folder / "annotated.mp4", progress=progress)
        j.guess = recognise.check(j.result.poses, j.exercise, counted=len(j.result.counted))

    jobs().start(job, work)


def _job(job: jobs_mod.Job, patient: str | None) -> None:
    if not job.finished:
        _progress(job)
        return
    if job.state == jobs_mod.FAILED:
        job.seen = True
        _drop_files(job)
        st.error(f"The video could not be checked: {plain(job.error)}")
        if st.button("Try another video", type="primary", key="upload_again"):
            st.rerun()
        return
    if job.guess is not None and job.session_id is None:
        _wrong_exercise(job, patient)
        return
    _save(job, patient)
    job.seen = True
    _result(job)


@st.fragment(run_every=1.0)
def _progress(job: jobs_mod.Job) -> None:
    job = job.refresh()  # a queued job is read again from the database
    st.markdown(f"<p class='coach-big'>Watching your video of {html.escape(ui.exercise_label(job.exercise).lower())}"
                "...</p>", unsafe_allow_html=True)
    st.progress(job.progress, text=f"{job.progress:.0%}")
    if getattr(job, "waiting", False):
        st.caption("Waiting for the clinic's analysis computer to start on it.")
    st.caption("You can leave this page: the result waits for you here.")
    if job.finished:
        st.rerun(scope="app")


def _wrong_exercise(job: jobs_mod.Job, patient: str | None) -> None:
    st.warning(job.guess.message(labels.exercise), icon=":material/help:")
    c1, c2 = st.columns(2)
    if c1.button(f"Check it as {ui.exercise_label(job.guess.likely).lower()}", type="primary", width="stretch",
                 key="upload_use_guess"):
        if hasattr(jobs(), "again"):  # queued: the video is in the database
            jobs().again(job, job.guess.likely)
        else:
            again = jobs_mod.Job(job.owner, job.video, job.folder, job.name, job.guess.likely, job.side)
            _run(again, ui.settings())
        st.rerun()
    if c2.button(f"It is {ui.exercise_label(job.exercise).lower()}: keep it", width="stretch", key="upload_keep"):
        if hasattr(job, "keep"):  # queued: the worker's held session is saved now
            job.keep()
        else:
            job.guess = None
        st.rerun()
    if st.button("Cancel: save nothing", key="upload_cancel"):
        _drop_files(job)
        jobs().drop(job.owner)
        st.rerun()


def _save(job: jobs_mod.Job, patient: str | None) -> None:
    if job.session_id is not None or not patient:
        _drop_original(job)
        return
    from coach.store.from_analysis import save_analysis

    try:
        job.session_id = save_analysis(ui.store(), patient, job.result, job.name)
    except Exception as exc:  # noqa: BLE001 - still show the result
        st.warning(f"The result could not be saved to your record: {exc}")
    _drop_original(job)


def _drop_original(job: jobs_mod.Job) -> None:
    job.video.unlink(missing_ok=True)  # the original is not kept; the annotated copy is shown


def _drop_files(job: jobs_mod.Job) -> None:
    import shutil

    shutil.rmtree(job.folder, ignore_errors=True)


def _result(job: jobs_mod.Job) -> None:
    result = job.result
    n = len(result.counted)
    lines = plain_words.summary(result.exercise, result.reps)
    st.markdown(f"<div class='coach-counter' data-testid='upload-rep-count'><div class='num' id='upload-reps'>{n}</div>"
                f"<div class='of'>{html.escape(labels.reps_phrase(result.exercise, n).split(' ', 1)[1])}</div></div>",
                unsafe_allow_html=True)
    st.markdown("<div data-testid='upload-words'>" + "".join(
        f"<p class='coach-big'>{html.escape(line)}</p>" for line in lines) + "</div>", unsafe_allow_html=True)
    for w in result.warnings:
        st.warning(w)
    if job.session_id:
        st.success("Saved to your record.")
        from coach.app.discard import discard_control

        discard_control(job.session_id, "upload_discard")
    if result.annotated_video is not None and result.annotated_video.exists():
        media.show_video(result.annotated_video)
    st.caption(f"{html.escape(job.name)}: {result.duration_s:.0f} s, person seen in {result.pose_coverage:.0%} "
               f"of the video")
    with st.expander("Details for each repetition"):
        rep_table(result.reps, key="upload_reps_table")
    if st.button("Check another video", key="upload_next"):
        jobs().drop(job.owner)
        st.rerun()
