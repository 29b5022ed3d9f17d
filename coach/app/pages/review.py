"""Physio: one session in detail. Video (or a skeleton replay from the stored landmarks), the rep
timeline where a click on a fault jumps the video there, the per-rep table, events and tests."""
from __future__ import annotations

import streamlit as st

from coach.app import charts, ui
from coach.app.analysis_view import rep_rows
from exercises.faults import fault_info

SESSION_KEY = "review_session_id"
TIME_KEY = "review_time_s"


def render() -> None:
    ui.title("Session review")
    store = ui.store()
    patient = ui.pick_patient(ui.PHYSIO_PATIENT_KEY, "Patient")
    if patient is None:
        st.info("No patients yet: add one on the Patients page.")
        return
    found = list(reversed(store.sessions(patient)))
    if not found:
        st.info(f"No sessions recorded for {patient} yet.")
        return
    ids = [s.id for s in found]
    labels = {s.id: f"#{s.id}  {s.started_at.astimezone():%Y-%m-%d %H:%M}  {ui.exercise_label(s.exercise)}  "
                     f"{s.reps} reps  ({s.status})" for s in found}
    current = st.session_state.get(SESSION_KEY)
    sid = st.selectbox("Session", ids, index=ids.index(current) if current in ids else 0,
                       format_func=labels.get, key="review_pick")
    if sid != current:
        st.session_state[SESSION_KEY] = sid
        st.session_state[TIME_KEY] = 0.0
    _session(store, sid)


def _session(store, sid: int) -> None:
    record = store.load_session(sid)
    sm = record.summary
    c = st.columns(4)
    c[0].metric("Counted reps", sm.reps)
    c[1].metric("Not counted", sm.attempts)
    c[2].metric("Sets", sm.sets)
    c[3].metric("Faults", sm.faults)
    video, offset = _media(store, record)
    start = float(st.session_state.get(TIME_KEY, 0.0))
    if video is not None:
        st.video(str(video), start_time=max(0, int(start - offset)))
        if start:
            st.caption(f"Playing from {start:.1f} s")
    reps = record.reps
    st.subheader("Rep timeline")
    if reps:
        chart = charts.rep_timeline(reps, 0.0)
        if any(r.faults for r in reps):  # a click on a fault diamond jumps the video there
            event = st.altair_chart(chart, on_select="rerun", key=f"timeline_{sid}", width="stretch")
            picked = charts.picked_time(event)
            if picked is not None and abs(max(0.0, picked - 1.0) - start) > 0.05:
                _jump(picked)
        else:
            st.altair_chart(chart, width="stretch")
        _fault_buttons(record, video is not None)
    st.subheader("Repetitions")
    if reps:
        table = rep_rows(reps)
        table.insert(0, "Set", [s.set_no for s in record.sets for _ in s.reps])
        st.dataframe(table, hide_index=True, key=f"review_reps_{sid}")
    if record.events:
        st.subheader("Events")
        for e in record.events:
            st.markdown(f"- **{e.kind.replace('_', ' ')}** at {e.time_s:.1f} s {e.detail}")
    if record.tests:
        st.subheader("Test scores")
        for t in record.tests:
            band = "" if t.norm_low is None and t.norm_high is None else \
                f" (norm {t.norm_low if t.norm_low is not None else '...'}-{t.norm_high if t.norm_high is not None else '...'})"
            st.markdown(f"- **{t.test}**: {t.value if t.value is not None else 'not scored'} {t.unit}{band}. "
                        f"{t.interpretation}")


def _fault_buttons(record, playable: bool) -> None:
    faults = sorted(((f, r, s.set_no) for s in record.sets for r in s.reps for f in r.faults),
                    key=lambda x: (x[2], x[0].time_s))
    if not faults:
        st.caption("No faults in this session.")
        return
    if playable:
        st.caption("Click a fault to watch that moment.")
    several_sets = len(record.sets) > 1
    cols = st.columns(2 if len(faults) > 6 else 1)
    for i, (f, r, set_no) in enumerate(faults):
        where = (f"set {set_no}, " if several_sets else "") + (f"rep {r.index}" if r.counted else "attempt")
        label = f"{f.time_s:.1f} s ({where}): {fault_info(f.code).label.split(' (')[0]}"
        if cols[i % len(cols)].button(label, key=f"fault_{i}_{f.time_s:.3f}", help=f.detail or None,
                              disabled=not playable, width="stretch"):
            _jump(f.time_s)


def _jump(t: float) -> None:
    st.session_state[TIME_KEY] = max(0.0, t - 1.0)  # a second before, to see it coming
    st.rerun()


def _media(store, record):
    """(video path, offset) to play: the session's video, or a skeleton replay of its landmarks."""
    from pathlib import Path

    if record.video_path and Path(record.video_path).exists():
        return Path(record.video_path), 0.0
    series = store.load_poses(record.summary.id)
    if len(series) == 0:
        st.info("No video and no landmarks were kept for this session.")
        return None, 0.0
    from coach.app.replay import write_replay

    path = ui.settings().app_dir / "replays" / f"session-{record.summary.uuid}.mp4"
    if not path.exists():
        with st.spinner("Drawing the skeleton replay..."):
            write_replay(series, path)
    st.caption("No video was kept for this session: this is a replay of the tracked skeleton.")
    return path, float(series.timestamps_s[0])
