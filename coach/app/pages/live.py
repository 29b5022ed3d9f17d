"""Patient: set-up check, then live coaching from the browser's camera (streamlit-webrtc).

The camera frames are processed on streamlit-webrtc's worker thread by ``BrowserCoach`` (the
same ``LiveSession`` as ``coach live``); this page only reads its queue and shows the big counter,
the phase, the cue and the buttons. With no STUN/TURN servers configured, nothing leaves the
machine: the browser and the server meet on localhost.
"""
from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from coach.app import ui
from coach.app.live_factory import LivePlan, build_coach
from coach.app.webrtc_coach import BrowserCoach, LiveStatus

COACH_KEY = "live_coach"
NO_EXTERNAL_SERVERS = {"iceServers": []}  # localhost needs none; never contact a public STUN server
CHECKLIST = {
    "sit-to-stand": "A firm chair without wheels, its back against a wall",
    "squat": "Something steady to hold on to (a counter or chair back)",
    "heel-raise": "A counter or chair back to hold on to",
    "reach": "Space in front of you to reach forward",
    "arm-raise": "Space around you to lift your arms",
}
ENCOURAGEMENT = ("Well done! Every session makes a difference.", "Great work today. Rest and drink some water.")


def render(plan: LivePlan, patient: str | None) -> None:
    ui.title(ui.exercise_label(plan.exercise))
    coach: BrowserCoach | None = st.session_state.get(COACH_KEY)
    if (coach is None or not coach.finished) and st.button("Back to today's list", key="live_back"):
        leave()
    if coach is None:
        _setup_check(plan, patient)
        return
    if coach.finished:
        _summary(coach)
        return
    _coaching(coach)


def leave() -> None:
    coach = st.session_state.pop(COACH_KEY, None)
    if coach is not None:
        coach.finish("stopped")
    st.session_state.pop("live_plan", None)
    st.rerun()


def _setup_check(plan: LivePlan, patient: str | None) -> None:
    st.markdown(f"<p class='coach-big'>{plan.sets} set{'s' if plan.sets != 1 else ''} of {plan.reps}</p>",
                unsafe_allow_html=True)
    st.markdown("### Before you start")
    items = [CHECKLIST.get(plan.exercise, "Space around you"),
             "Stand the laptop 2 to 3 metres away, so your whole body is on the screen",
             "Turn on the lights; no bright window behind you",
             "Stop at once if you feel dizzy, short of breath or in pain"]
    st.markdown("\n".join(f"- {i}" for i in items))
    if patient is None:
        st.caption("Practice mode: this session is not saved.")
    if st.button("I'm ready: turn on the camera", type="primary", width="stretch", key="live_ready"):
        settings = ui.settings()
        try:
            ui.model_file(settings.model)
            coach = build_coach(plan, settings.model, patient, ui.store() if patient else None, voice=settings.voice)
        except Exception as exc:  # noqa: BLE001 - model or store problem: say what to do
            st.error(f"The coach could not start: {exc}")
            return
        st.session_state[COACH_KEY] = coach
        st.rerun()


def camera(coach: BrowserCoach) -> Callable[[], bool]:
    """The browser camera (streamlit-webrtc), frames to ``coach.callback``; returns "is it playing?".

    Replaced in AppTest runs, which cannot host the WebRTC component (the browser test covers it)."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    ctx = webrtc_streamer(
        key="coach-live", mode=WebRtcMode.SENDRECV, video_frame_callback=coach.callback,
        rtc_configuration=NO_EXTERNAL_SERVERS,
        media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
        async_processing=True, translations={"start": "Turn on the camera", "stop": "Turn off the camera"})
    return lambda: ctx.state.playing


def _coaching(coach: BrowserCoach) -> None:
    left, right = st.columns([3, 2])
    with left:
        playing = camera(coach)
        st.caption("Press **Turn on the camera** and allow the camera when the browser asks.")
    with right:
        board = st.empty()
    c1, c2, c3 = st.columns(3)
    if c1.button("Start now", key="live_go", width="stretch", help="Skip the countdown or end the rest"):
        coach.request("go")
    if c2.button("Rest now", key="live_rest", width="stretch", help="End this set and rest"):
        coach.request("rest")
    if c3.button("Finish", key="live_stop", type="primary", width="stretch", help="End today's session"):
        coach.request("stop")
        coach.finish("stopped")
        st.rerun()
    _show(board, coach.last_status)
    if not playing():
        if coach.started:  # the camera was turned off mid-session: keep what was done
            coach.finish("stopped")
            st.rerun()
        return
    while playing():
        status = coach.latest(timeout_s=0.5)
        if status is None:
            continue
        _show(board, status)
        if status.finished or status.error:
            break
    if coach.finished:
        st.rerun()


def _show(board, status: LiveStatus) -> None:
    with board.container():
        if status.error:
            st.error(status.error)
        st.markdown(ui.counter_html(status.set_reps, status.target_reps, status.set_no, status.sets_total),
                    unsafe_allow_html=True)
        st.markdown(ui.phase_html(status.phase, status.time_left_s, status.pause_reason), unsafe_allow_html=True)
        cue = status.cue_text or (status.setup_instruction if status.phase == "setup" else "")
        st.markdown(ui.cue_html(cue, status.cue_kind or "setup") or "&nbsp;", unsafe_allow_html=True)
        st.markdown(f"<p class='coach-big' data-testid='coach-total'>Total today: "
                    f"<span id='coach-total-reps'>{status.total_reps}</span></p>", unsafe_allow_html=True)


def _summary(coach: BrowserCoach) -> None:
    s = coach.summary
    st.balloons()
    st.markdown(ui.counter_html(s.reps, sum(x.target for x in s.sets) or s.reps, len(s.sets) or 1,
                                len(s.sets) or 1), unsafe_allow_html=True)
    st.markdown(f"<h2 data-testid='coach-summary'>You did {s.reps} repetition{'s' if s.reps != 1 else ''}"
                f"{' in ' + str(len(s.sets)) + ' sets' if len(s.sets) > 1 else ''}.</h2>", unsafe_allow_html=True)
    st.markdown(f"<p class='coach-big'>{html.escape(ENCOURAGEMENT[s.reps % 2])}</p>", unsafe_allow_html=True)
    for x in s.sets:
        st.markdown(f"- Set {x.set_no}: {x.reps} of {x.target}" + (f" ({html.escape(x.fatigue)})" if x.fatigue else ""))
    if s.status == "stopped":
        st.info("You stopped early. That is fine: listen to your body.")
    if st.button("Back to today's list", type="primary", width="stretch", key="live_done"):
        leave()
