"""Physio: one session in detail. Video (or a skeleton replay from the stored landmarks), the rep
timeline where a click on a fault plays the video from just before it, the per-rep table, events,
test scores, and the control to leave the session out of trends and suggestions (kept, marked,
with who and why). Beside the sessions, in their own tabs: the patient's diary (by week, and
tiredness and pain by day) and the clips the patient recorded for the physio."""
from __future__ import annotations


import altair as alt
import pandas as pd
import streamlit as st

from coach import labels
from coach.app import charts, clip_view, diary_view, media, ui
from coach.app.analysis_view import rep_rows
from coach.app.user_text import plain
from exercises.fatigue import detail_words, from_detail
from exercises.faults import fault_info

SESSION_KEY = "review_session_id"
TIME_KEY = "review_time_s"
FAULT_AT_KEY = "review_fault_at_s"  # the moment of the fault jumped to (video time)
LEAD_IN_S = 1.5  # a fault jump starts this long before the fault, to see it coming


def session_label(s, tests=()) -> str:
    """The picker's line: a test by its name and score ("#6 ... Test: 30-second chair stand  12 stands")."""
    flag = "  [excluded]" if getattr(s, "excluded", False) else ""
    return (f"#{s.id}  {labels.when(s.started_at)}  {labels.session_what(s.exercise, tests)}  "
            f"{labels.session_result(s.reps, s.exercise, tests)}  ({labels.status(s.status)}){flag}")


def render() -> None:
    ui.title("Session review")
    store = ui.store()
    patient = ui.pick_patient(ui.PHYSIO_PATIENT_KEY, "Patient")
    if patient is None:
        st.info("No patients yet: add one on the Patients page.")
        return
    from coach.app import clinic_view

    clinic_view.audit_view_once(patient, "session review")
    entries = store.diary_entries(patient)
    clips = store.clips(patient)
    sessions_tab, diary_tab, clips_tab = st.tabs(
        ["Sessions", f"Diary ({len(entries)} day{'s' if len(entries) != 1 else ''})",
         f"Clips from the patient ({len(clips)})"])
    with sessions_tab:
        _sessions(store, patient)
        adherence_table(store, patient)  # under the session: its reps table stays the first on the page
    with diary_tab:
        diary_view.show_diary(entries, earlier=store.diary_history(patient))
    with clips_tab:
        clip_view.show_clips(store, clips, key=f"review_clips_{patient}")


def _sessions(store, patient: str) -> None:
    found = list(reversed(store.sessions(patient)))
    if not found:
        st.info(f"No sessions recorded for {plain(patient)} yet.")
        return
    ids = [s.id for s in found]
    from coach.app.pages.patients import tests_by_session

    tests = tests_by_session(store, patient, found)
    labels_by_id = {s.id: session_label(s, tests.get(s.id, ())) for s in found}
    current = st.session_state.get(SESSION_KEY)
    sid = st.selectbox("Session", ids, index=ids.index(current) if current in ids else 0,
                       format_func=labels_by_id.get, key="review_pick")
    if sid != current:
        st.session_state[SESSION_KEY] = sid
        st.session_state[TIME_KEY] = 0.0
        st.session_state.pop(FAULT_AT_KEY, None)
    _session(store, sid)


def _session(store, sid: int) -> None:
    record = store.load_session(sid)
    sm = record.summary
    named = record.tests if labels.is_test_session(record.settings) else ()  # a test is named by its test
    st.caption(f"{labels.session_what(sm.exercise, named)}, {labels.when(sm.started_at)}, "
               f"{labels.status(sm.status)}"
               + (f", source: {plain(labels.source(sm.source))}" if sm.source else ""))
    is_test = record.settings.get("mode") == "test"
    if record.tests:  # a validated test: its score first
        st.subheader("Test scores")
        for t in record.tests:
            st.markdown(test_line(t))
    if not is_test or sm.reps:
        c = st.columns(4)
        c[0].metric("Reps", sm.reps)
        c[1].metric("Not counted", sm.attempts)
        c[2].metric("Sets", sm.sets)
        c[3].metric("Faults", sm.faults)
    from coach.app import how_it_felt

    added = store.session_events(sid)  # events added after recording: read once for the lines below
    felt = how_it_felt.words(how_it_felt.ratings(added))
    if felt:
        st.markdown(f"**How it felt (the patient's rating):** {felt}", help="0-10, asked after the exercise")
    from coach import caregiver

    cared = caregiver.physio_words(caregiver.from_events(record.events, added))
    if cared:  # "Is someone with you?" and "Did they help?", asked before and after an exercise that needs spotting
        st.markdown(f"**Caregiver:** {plain(cared)}")
    _exclusion(store, sm)
    reps = [r for s in record.sets for r in s.reps] or list(record.reps)
    if is_test and not reps:
        st.caption("A guided test: the score above is what was kept.")
        return
    video, offset = _media(store, record)
    start = float(st.session_state.get(TIME_KEY, 0.0))
    if video is not None:
        media.show_video(video, start_s=max(0.0, start))
        if start:
            fault_at = st.session_state.get(FAULT_AT_KEY)
            st.caption(f"Playing from {start:.1f} s" + (
                f", {fault_at - start:.1f} s before the fault at {fault_at:.1f} s (the red line on the timeline)"
                if fault_at is not None and fault_at > start else ""))
    if reps:
        st.subheader("Rep timeline")
        chart = charts.rep_timeline(reps, offset, st.session_state.get(FAULT_AT_KEY))
        if any(r.faults for r in reps):  # a click on a fault diamond jumps the video there
            event = st.altair_chart(chart, on_select="rerun", key=f"timeline_{sid}", width="stretch")
            picked = charts.picked_time(event)
            if picked is not None and abs(max(0.0, picked - LEAD_IN_S) - start) > 0.05:
                _jump(picked)
        else:
            st.altair_chart(chart, width="stretch")
        _fault_buttons(record, video is not None, offset)
        st.subheader("Repetitions")
        st.dataframe(_rep_table(record, offset), hide_index=True, key=f"review_reps_{sid}")
        _sides(sm.exercise, reps, record.settings)
        _dual_task(store, record)
    else:
        st.info("No repetitions were counted in this session.")
    events = event_lines(record.events, added, offset)
    if events:
        st.subheader("Events")
        st.markdown("\n".join(events))
    _fatigue(record, offset)


def _sides(exercise: str, reps, settings: dict) -> None:
    """Each side of a sided exercise (issue 22): per leg, per lead leg or per foot, with the lines
    under it (symmetry, the target, cadence against the metronome, freezes)."""
    from coach.reports.per_side import physio_table

    table = physio_table(exercise, reps, settings)
    if table is None:
        return
    st.subheader("Each side")
    st.dataframe(pd.DataFrame(list(table.rows), columns=list(table.headers)), hide_index=True)
    if table.lines:
        st.markdown("\n".join(f"- {plain(line)}" for line in table.lines))


def _dual_task(store, record) -> None:
    """A session done with a thinking task: its cost against the same exercise without it that day."""
    from coach.reports.dual_task import HEADERS, NOTE, cost_for_record, cost_rows, task_label

    found = cost_for_record(store, record)
    if found is None:
        return
    st.subheader(f"Dual task: {task_label(found.task)}")
    if found.cost is None:
        st.caption(plain(found.reason[:1].upper() + found.reason[1:] + "."))
        return
    st.dataframe(pd.DataFrame(cost_rows(found.cost), columns=list(HEADERS)), hide_index=True,
                 key=f"review_dual_{record.summary.id}")
    st.caption(f"{NOTE} Without the task: session {found.single_session_id}.")


def _fatigue(record, offset: float) -> None:
    """Each fatigue finding with its evidence: the reps' times (or ranges), the trend, the numbers."""
    found = fatigue_findings(record.events)
    if not found:
        return
    st.subheader("Fatigue: the evidence")
    for t, text, finding in found:
        st.markdown(f"**At {t - offset:.1f} s**: {plain(text)}")
        st.altair_chart(fatigue_chart(finding), width="stretch")
        st.dataframe(fatigue_frame(finding), hide_index=True)
        st.caption(finding.summary)


def fatigue_findings(recorded) -> list:
    """(time, text, FatigueFinding) of the session's fatigue events that carry evidence (events of
    the retired rule have none and are listed as events only)."""
    out = []
    for e in recorded:
        if e.kind == "fatigue":
            text, finding = from_detail(e.detail)
            if finding is not None:
                out.append((e.time_s, text, finding))
    return out


def fatigue_frame(finding) -> pd.DataFrame:
    what = "Rep time (s)" if finding.reason == "slower" else "Range (deg)"
    return pd.DataFrame([{"Rep": rep, what: round(v, 2), "Trend": round(t, 2), "Part": part}
                         for rep, v, t, part in finding.rows()])


def fatigue_chart(finding):
    """The reps' values as points coloured by part, and the Theil-Sen trend as a line."""
    what = "Rep time (s)" if finding.reason == "slower" else "Range (deg)"
    df = pd.DataFrame([{"Rep": rep, "Value": v, "Trend": t, "Part": part} for rep, v, t, part in finding.rows()])
    points = alt.Chart(df).mark_circle(size=70).encode(
        x=alt.X("Rep:Q", axis=alt.Axis(tickMinStep=1)), y=alt.Y("Value:Q", title=what, scale=alt.Scale(zero=False)),
        color=alt.Color("Part:N", scale=alt.Scale(domain=["not judged", "before", "changed"],
                                                  range=["#999999", "#0072B2", "#D55E00"])),
        tooltip=["Rep", "Value", "Part"])
    return (points + alt.Chart(df).mark_line(strokeDash=[4, 3], color="#444444").encode(x="Rep:Q", y="Trend:Q")
            ).properties(height=180)


EVENT_WORDS = {"balance_loss": "Loss of balance", "fall_like": "Possible fall", "dual_task": "Thinking task"}
DETAIL_WORDS = {"step": "a sudden step", "drop": "a fall-like drop", "support": "hands to the support"}


def event_lines(recorded, added, offset: float) -> list[str]:
    """The recorder's events and those added to the session later (e.g. a balance loss during a
    hold), in time order, as markdown lines with their moment on the video's clock."""
    items = [(e.time_s, e.kind, e.detail) for e in recorded] + [(e.t_s, e.kind, e.detail) for e in added]
    lines = []
    for t, kind, detail in sorted(items, key=lambda x: x[0]):
        if kind in ("effort", "pain"):  # the patient's ratings: shown beside the reps, not as moments
            continue
        if kind == "fatigue":
            detail = detail_words(detail)  # the words; the evidence has its own table below
        what = EVENT_WORDS.get(kind, kind.replace("_", " ").capitalize())
        head, sep, rest = (detail or "").partition(":")  # e.g. "step: the free foot went down"
        how = DETAIL_WORDS[head.strip()] + sep + rest if head.strip() in DETAIL_WORDS else (detail or "")
        lines.append(f"- **{plain(what)}** at {t - offset:.1f} s" + (f": {plain(how)}" if how else ""))
    return lines


def _rep_table(record, offset: float) -> pd.DataFrame:
    parts = []
    for s in record.sets:
        if not s.reps:
            continue
        df = rep_rows(list(s.reps), offset)
        df.insert(0, "Set", s.set_no)
        parts.append(df)
    if not parts:
        return rep_rows(list(record.reps), offset)
    return pd.concat(parts, ignore_index=True).fillna("")


def test_line(t) -> str:
    """One test result in the physio's words (``TestResult``)."""
    name = labels.test(t.test)
    if t.value is None:
        why = getattr(t, "cannot_score", "") or t.interpretation
        return f"- **{plain(name)}**: not scored. {plain(why)}"
    lo, hi = t.norm_low, t.norm_high
    band = "" if lo is None and hi is None else \
        f" (usual range {labels.value(lo) if lo is not None else '…'}–{labels.value(hi) if hi is not None else '…'})"
    trust = getattr(t, "trust", "ok")
    u = getattr(t, "timing_uncertainty_s", None)
    trust_txt = f" Trust: {labels.trust(trust)}" + (f", timing ±{u:.1f} s" if u is not None else "") + "."
    return (f"- **{plain(name)}: {labels.value(t.value)} {plain(t.unit)}**{plain(band)}. "
            f"{plain(t.interpretation)}{plain(trust_txt)}")


def _exclusion(store, sm) -> None:
    if not hasattr(store, "exclude_session"):
        return
    if getattr(sm, "excluded", False):
        st.warning(f"Left out of trends and suggestions by {plain(sm.excluded_by or 'someone')}: "
                   f"{plain(sm.excluded_reason or 'no reason given')}", icon=":material/block:")
        if st.button("Count it again", key=f"include_{sm.id}"):
            store.include_session(sm.id)
            _audit("include", sm, "counted again")
            st.rerun()
        return
    with st.expander("Leave this session out of trends and suggestions"):
        st.caption("The session is kept and marked, with your name and reason.")
        with st.form(f"exclude_{sm.id}"):
            who = st.text_input("Your name or initials", key=f"exclude_by_{sm.id}")
            why = st.text_input("Why? (e.g. a visitor was counted, the wrong exercise)", key=f"exclude_why_{sm.id}")
            if st.form_submit_button("Leave it out"):
                if not who.strip() or not why.strip():
                    st.error("Please give your name and the reason.")
                else:
                    store.exclude_session(sm.id, who.strip(), why.strip())
                    _audit("exclude", sm, f"{who.strip()}: {why.strip()}")
                    st.rerun()


def adherence_table(store, patient: str, weeks: int = 6) -> None:
    """Sessions done against prescribed and repetitions against the target, week by week (issue 19)."""
    from datetime import date, timedelta

    import pandas as pd

    from coach.progress.adherence import load

    today = date.today()
    found = [w for w in load(store, patient, today - timedelta(weeks=weeks - 1), today)
             if w.sessions_prescribed or w.sessions_done]
    if not found:
        return
    pct = lambda v: "—" if v is None else f"{100 * v:.0f}%"  # noqa: E731
    st.markdown("**Adherence by week** (the programme's sessions and repetitions; this week so far)")
    st.dataframe(pd.DataFrame([{
        "Week of": f"{w.week_start:%a %d %b}", "Sessions": f"{w.sessions_done} of {w.sessions_prescribed}",
        "Sessions %": pct(w.sessions_share), "Repetitions": f"{w.reps_done} of {w.reps_target}",
        "Repetitions %": pct(w.reps_share)} for w in reversed(found)]), hide_index=True, key="adherence_table")


def _audit(action: str, sm, detail: str) -> None:
    from coach.app import clinic_view

    clinic_view.audit(action, sm.patient_id, f"session {sm.id}", detail)


def _fault_buttons(record, playable: bool, offset: float) -> None:
    faults = []
    for s in record.sets:
        numbers = dict(zip(map(id, s.reps), _numbers(s.reps)))
        faults += [(f, numbers[id(r)], s.set_no) for r in s.reps for f in r.faults]
    faults.sort(key=lambda x: (x[2], x[0].time_s))
    if not faults:
        st.caption("No faults in this session.")
        return
    if playable:
        st.caption("Click a fault to watch that moment.")
    several_sets = len(record.sets) > 1
    cols = st.columns(2 if len(faults) > 6 else 1)
    for i, (f, number, set_no) in enumerate(faults):
        where = (f"set {set_no}, " if several_sets else "") + (f"rep {number}" if number != "not counted" else "attempt")
        label = f"{f.time_s - offset:.1f} s ({where}): {fault_info(f.code).label.split(' (')[0]}"
        if cols[i % len(cols)].button(plain(label), key=f"fault_{i}_{f.time_s:.3f}", help=plain(f.detail) or None,
                                      disabled=not playable, width="stretch"):
            _jump(f.time_s - offset)


def _numbers(reps) -> list[str]:
    from coach.app.analysis_view import rep_numbers

    return rep_numbers(list(reps))


def _jump(t: float) -> None:
    st.session_state[TIME_KEY] = max(0.0, t - LEAD_IN_S)
    st.session_state[FAULT_AT_KEY] = t  # said in the caption and marked on the timeline
    st.rerun()


def _media(store, record):
    """(video path, offset) to play: the session's video, or a skeleton replay of its landmarks.
    ``offset`` is the session time at the video's first frame (times shown are video times)."""
    from pathlib import Path

    if record.video_path and Path(record.video_path).exists():
        return Path(record.video_path), 0.0
    first = store.track_start(record.summary.id)  # the track is decoded only to draw the replay
    if first is None:
        st.info("No video and no landmarks were kept for this session.")
        return None, 0.0
    from coach.app.replay import write_replay

    # the replay starts at the first rep when that began before the first kept landmarks, so video
    # time = session time - start for every rep (no negative times in the table)
    start = min([first] + [r.start_s for s in record.sets for r in s.reps])
    path = ui.settings().app_dir / "replays" / f"session-{record.summary.uuid}-{start:.2f}.mp4"
    if not path.exists():
        with st.spinner("Drawing the skeleton replay..."):
            write_replay(store.load_poses(record.summary.id), path, start_s=start)
    st.caption("No video was kept for this session: this is a replay of the tracked skeleton.")
    return path, start
