"""Patient: live coaching from the browser's camera (streamlit-webrtc), started by one press.

The "Start" press on the today card (or the test page) builds the coach and asks the browser for
the camera at once; the set-up check runs on the video itself (its instruction is the caption).
The camera frames are processed on streamlit-webrtc's worker thread by ``BrowserCoach`` (the same
``LiveSession`` as ``coach live``); this page only reads its queue and shows the big counter, the
phase, the cue and the buttons. A tab closed or reloaded mid-session ends it as ``interrupted`` (the
stream's end), never ``complete``. The camera component is ``coach.app.live_camera``, the page's
sentences ``coach.app.live_words``; the coach is built by ``coach.app.webrtc_coach.build_coach``.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from coach.app import live_panels, ui
from coach.app.discard import discard_control
from coach.app.live_camera import browser_camera
from coach.app.live_words import caption, checklist, hold_summary_lines, set_line, summary_lines
from coach.app.webrtc_coach import BrowserCoach, LiveStatus, build_coach
from coach.caregiver import ALONE_ADVICE
from coach.live.factory import LiveOptions
from coach.live.holds import BALANCE_LOSS_CUE

COACH_KEY = "live_coach"
CAREGIVER_KEY = "live_caregiver"  # "Is someone with you?": "present" / "absent" (coach.app.pages.caregiver)
EXTRA_SINK_KEY = "live_extra_sink"  # a factory for one more sink (the guided test's stopwatch)
DUAL_TASK_KEY = "live_dual_task"  # "With a thinking task?": a task name, or "" (exercises.dual_task)


def render(plan: LiveOptions, patient: str | None, title: str | None = None, on_summary=None,
           record: bool = True, spotting: str | None = None) -> None:
    """``record`` False: the coach keeps no session of its own (a guided test stores its score as
    a test session instead, so it never counts as a training session in trends or suggestions)."""
    coach: BrowserCoach | None = st.session_state.get(COACH_KEY)
    ui.title(title or ui.exercise_label(plan.exercise))
    if coach is None:
        plan = _with_caregiver(plan, spotting)
        if plan is None:  # waiting for "Is someone with you?"
            return
        coach = _build(plan, patient if record else None)
        if coach is None:
            if st.button("Back", key="live_back_error", width="stretch"):
                leave()
            return
        st.rerun()  # a clean page for the camera: a component moved mid-handshake restarts it
    if coach.finished:
        (on_summary or _summary)(coach)
        return
    _coaching(coach, plan)


def leave() -> None:
    coach = st.session_state.pop(COACH_KEY, None)
    if coach is not None:
        coach.finish("stopped")
    for key in ("live_plan", EXTRA_SINK_KEY, CAREGIVER_KEY, DUAL_TASK_KEY):
        st.session_state.pop(key, None)
    st.rerun()


def _with_caregiver(plan: LiveOptions, spotting: str | None = None) -> LiveOptions | None:
    """The plan with the caregiver's answer: "Is someone with you?" is asked once before an exercise
    (or a test: its ``spotting``) that needs spotting (None until answered); caregiver mode (or someone
    with them) calls the caregiver aloud at a loss of balance."""
    from coach.app.pages import caregiver
    from coach.caregiver import exercise_spotting

    mode = caregiver.mode_on()
    if not (exercise_spotting(plan.exercise) if spotting is None else spotting):
        return replace(plan, caregiver_mode=mode)
    # In caregiver mode the caregiver has said they are beside them: not asked again.
    answer = st.session_state.get(CAREGIVER_KEY) or ("present" if mode else caregiver.ask_present("live_caregiver"))
    if answer is None:
        return None
    st.session_state[CAREGIVER_KEY] = answer
    return replace(plan, caregiver=answer, caregiver_mode=mode or answer == "present")


def _caregiver_alarm() -> bool:
    from coach.app.pages import caregiver

    return caregiver.mode_on() or st.session_state.get(CAREGIVER_KEY) == "present"


def _build(plan: LiveOptions, patient: str | None) -> BrowserCoach | None:
    settings = ui.settings()
    try:
        with st.spinner("Starting the coach..."):
            ui.model_file(settings.model)
            coach = build_coach(replace(plan, model=settings.model, speech=settings.voice, patient=patient),
                                ui.store() if patient else None)
    except Exception as exc:  # noqa: BLE001 - model or store problem: say what to do
        st.error(f"The coach could not start: {exc}")
        return None
    extra = st.session_state.get(EXTRA_SINK_KEY)
    if extra is not None:
        coach.watch = extra(coach)
        coach.session.sinks.append(coach.watch)
    st.session_state[COACH_KEY] = coach
    return coach


def camera(coach: BrowserCoach) -> Callable[[], bool]:
    """The browser camera, frames to ``coach.callback``, asked for at once; returns "is it
    playing?". When the stream ends without the page having finished the session (tab closed,
    reloaded, camera unplugged), the session ends as ``interrupted``.

    Replaced in AppTest runs, which cannot host the WebRTC component (the browser test covers it)."""
    return browser_camera("coach-live", coach.callback, on_ended=lambda: coach.finish("interrupted"),
                          waiting=lambda: not coach.started and not coach.finished, coaching_screen=True)


def _coaching(coach: BrowserCoach, plan: LiveOptions) -> None:
    with st.container(key="coach_live"):
        _coaching_layout(coach, plan)


def _coaching_layout(coach: BrowserCoach, plan: LiveOptions) -> None:
    left, right = st.columns([3, 2], gap="medium")
    with left:
        playing = camera(coach)
    with right:
        board = st.empty()
        pacer = coach.session.pacer
        if pacer is not None:  # the beat, heard and seen in the browser (see coach.app.live_panels)
            import streamlit.components.v1 as components

            components.html(live_panels.metronome_html(pacer.tempo.period_s), height=110)
        testing = coach.watch is not None
        if not testing:
            c1, c2 = st.columns(2)
            if c1.button("Start now", key="live_go", width="stretch", help="Skip the countdown or end the rest"):
                coach.request("go")
            if c2.button("Rest now", key="live_rest", width="stretch", help="End this set and rest"):
                coach.request("rest")
        if st.button("Stop the test" if testing else "Finish", key="live_stop", type="primary", width="stretch",
                     help="Stop now" if testing else "End today's session"):
            coach.request("stop")
            coach.finish("stopped")
            st.rerun()
        with st.expander("Before you start", expanded=True):
            protocol = coach.watch.protocol if testing else None
            alone = [ALONE_ADVICE] if st.session_state.get(CAREGIVER_KEY) == "absent" else []
            st.markdown("\n".join(f"- {html.escape(i)}" for i in [*alone, *checklist(plan.exercise, protocol)]))
            if not testing:
                _thinking_task(coach)
    watch = coach.watch
    alarm = _caregiver_alarm()
    _show(board, coach.last_status, coach.started, watch, alarm)
    if not playing():
        return
    while playing():
        status = coach.latest(timeout_s=0.5)
        if status is None:
            continue
        _show(board, status, True, watch, alarm)
        if status.finished or status.error:
            break
    if coach.finished:
        st.rerun()


def _thinking_task(coach: BrowserCoach) -> None:
    """"With a thinking task": before the first set, the patient may choose one (dual-task practice);
    the coach says it at each set's start and shows it. They answer aloud; nothing is recorded."""
    from coach.live.dual_task import attach
    from exercises.dual_task import TASKS

    if coach.session.sets.results:  # a set has begun: the choice is made
        return
    names = ["", *(t.name for t in TASKS)]
    words = {"": "No, just the exercise", **{t.name: t.choice for t in TASKS}}
    chosen = st.selectbox("With a thinking task?", names, format_func=words.get, key=DUAL_TASK_KEY,
                          help="Practise moving while you think: say the answers out loud. Nothing is recorded.")
    current = coach.session.dual_task.task.name if coach.session.dual_task is not None else ""
    if chosen != current:
        attach(coach.session, chosen)


def _show(board, status: LiveStatus, started: bool, watch=None, caregiver_alarm: bool = False) -> None:
    with board.container():
        if caregiver_alarm and (status.alert or status.pause_reason == "fall"):  # the caregiver: at once
            from coach.app.pages.caregiver import alert_html

            st.markdown(alert_html(), unsafe_allow_html=True)
        if status.error:
            st.error(status.error)
        if watch is not None and hasattr(watch, "counter_html"):  # a test with its own clock (the TUG)
            st.markdown(watch.counter_html(), unsafe_allow_html=True)
        elif watch is not None:
            st.markdown(ui.test_counter_html(status.set_reps, watch.protocol, watch.seconds_left()),
                        unsafe_allow_html=True)
        elif status.hold_target_s > 0:
            st.markdown(live_panels.hold_counter_html(status.holding, status.hold_s, status.hold_target_s,
                                                      status.best_hold_s, status.set_reps, status.target_reps,
                                                      status.set_no, status.sets_total), unsafe_allow_html=True)
        else:
            st.markdown(ui.counter_html(status.set_reps, status.target_reps, status.set_no, status.sets_total),
                        unsafe_allow_html=True)
        st.markdown(ui.phase_html(status.phase if started else "starting", status.time_left_s, status.pause_reason),
                    unsafe_allow_html=True)
        if status.alert:
            st.markdown(live_panels.alert_html(status.alert), unsafe_allow_html=True)
        else:
            text = caption(status, started)
            kind = status.cue_kind if status.cue_text and status.phase != "setup" else "setup"
            st.markdown(ui.cue_html(text, kind) or "&nbsp;", unsafe_allow_html=True)
        if status.task_text and status.phase == "active":  # dual-task practice: the task, big
            st.markdown(f"<p class='coach-big' data-testid='coach-task' style='background:#7a2a78;color:#fff;"
                        f"padding:0.3em'>{html.escape(status.task_text)}</p>", unsafe_allow_html=True)
        if status.beat_period_s > 0:
            st.markdown(live_panels.beat_marker_html(status.phase == "active"), unsafe_allow_html=True)
        if watch is None and status.hold_target_s <= 0:
            st.markdown(f"<p class='coach-big' data-testid='coach-total'>Total today: "
                        f"<span id='coach-total-reps'>{status.total_reps}</span></p>", unsafe_allow_html=True)


def _summary(coach: BrowserCoach) -> None:
    s = coach.summary
    holds = coach.session.holds  # a timed hold's coach (None for repetitions)
    if holds is None:
        st.markdown(ui.counter_html(s.reps, sum(x.target for x in s.sets) or s.reps, len(s.sets) or 1,
                                    len(s.sets) or 1), unsafe_allow_html=True)
        head, words = summary_lines(s.reps, s.sets, s.status)
    else:
        head, words = hold_summary_lines(s.sets, s.status, holds.target_s)
    if any(e.kind == "balance_loss" for e in s.events):
        if _caregiver_alarm():
            from coach.app.pages.caregiver import alert_html

            st.markdown(alert_html(), unsafe_allow_html=True)
        st.markdown(live_panels.alert_html(BALANCE_LOSS_CUE), unsafe_allow_html=True)
    st.markdown(f"<div class='coach-headline' data-testid='coach-summary'>{html.escape(head)}</div>",
                unsafe_allow_html=True)
    st.markdown(f"<p class='coach-big'>{html.escape(words)}</p>", unsafe_allow_html=True)
    for x in s.sets:  # big enough to read from the exercise spot
        st.markdown(f"<p class='coach-big'>{html.escape(set_line(x).removeprefix('- '))}</p>", unsafe_allow_html=True)
    sides = live_panels.side_lines(coach)
    if sides:  # each side of a sided exercise (issue 22): steps per leg, shifts per foot
        st.markdown("<div data-testid='coach-sides'>" + "".join(f"<p class='coach-big'>{html.escape(line)}</p>"
                                                                  for line in sides) + "</div>", unsafe_allow_html=True)
    for w in s.warnings:
        st.warning(w)
    from coach.app import how_it_felt

    how_it_felt.ask(ui.store(), recorded_session_id(coach), "live_felt")
    if st.session_state.get(CAREGIVER_KEY) == "present":  # "Did they help?"
        from coach.app.pages.caregiver import ask_help

        ask_help(ui.store(), recorded_session_id(coach), s.duration_s, "live_care")
    _discard(coach)
    if st.button("Back to today's list", type="primary", width="stretch", key="live_done"):
        leave()


def recorded_session_id(coach: BrowserCoach) -> int | None:
    """The stored session this coach wrote to (None: practice, or nothing was recorded)."""
    sid = coach.recorder.session_id if coach.recorder is not None else None
    return sid if isinstance(sid, int) else None


def _discard(coach: BrowserCoach) -> None:
    discard_control(recorded_session_id(coach), "live_discard")
