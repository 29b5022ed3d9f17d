"""Patient: live coaching from the browser's camera (streamlit-webrtc), started by one press.

The "Start" press on the today card (or the test page) builds the coach and asks the browser for
the camera at once; the set-up check runs on the video itself (its instruction is the caption).
The camera frames are processed on streamlit-webrtc's worker thread by ``BrowserCoach`` (the same
``LiveSession`` as ``coach live``); this page only reads its queue and shows the big counter, the
phase, the cue and the buttons. With no STUN/TURN servers configured, nothing leaves the machine:
the browser and the server meet on localhost. A tab closed or reloaded mid-session ends it as
``interrupted`` (the stream's end), never ``complete``.
"""
from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from coach.app import live_panels, ui
from coach.app.live_factory import LivePlan, build_coach
from coach.app.webrtc_coach import BrowserCoach, LiveStatus
from exercises import EXERCISES

COACH_KEY = "live_coach"
EXTRA_SINK_KEY = "live_extra_sink"  # a factory for one more sink (the guided test's stopwatch)
AUTO_START_JS = """<script>
// One press: the patient's "Start" already asked for the camera, so press the camera component's
// own start button for them (same-origin iframe), once, as soon as it is there.
(function () {
  let tries = 0;
  const timer = setInterval(function () {
    tries += 1;
    try {
      const frame = [...window.parent.document.querySelectorAll("iframe")]
        .find(f => (f.title || "").includes("streamlit_webrtc"));
      const button = frame && frame.contentDocument && frame.contentDocument.querySelector("button");
      if (button && /start/i.test(button.innerText || "")) { button.click(); clearInterval(timer); }
    } catch (e) { /* not ready yet */ }
    if (tries > 120) clearInterval(timer);
  }, 250);
})();
</script>"""
# The coaching screen starts at its top: Streamlit keeps the scroll position of the page the "Start"
# was pressed on (a card low on Today), which left the counter and the video off-screen for someone
# standing 2-3 m away. And one stop button: the camera component's own "Stop the camera" is hidden
# (the page's "Finish" ends the session as the patient's choice; the component's ended the stream,
# which is recorded as cut off). Both kept up while the coach page is shown (React may redraw them).
SCREEN_JS = """<script>
(function () {
  const doc = window.parent.document, t0 = Date.now();
  function top() {
    for (const el of [doc.querySelector("[data-testid='stMain']"), doc.scrollingElement]) {
      if (el) el.scrollTop = 0;
    }
  }
  function hideStop() {
    for (const f of doc.querySelectorAll("iframe")) {
      if (!(f.title || "").includes("streamlit_webrtc")) continue;
      try {
        for (const b of f.contentDocument.querySelectorAll("button")) {
          if (/stop/i.test(b.innerText || "")) b.style.display = "none";
        }
      } catch (e) { /* not ready yet */ }
    }
  }
  const timer = setInterval(function () {
    if (Date.now() - t0 < 2500) top();
    hideStop();
  }, 150);
  window.addEventListener("unload", function () { clearInterval(timer); });
})();
</script>"""
NO_EXTERNAL_SERVERS = {"iceServers": []}  # localhost needs none; never contact a public STUN server


def checklist(exercise: str, protocol=None) -> list[str]:
    """What to have ready; a guided test's own needs (``coach.app.guided_test.Protocol``) first."""
    spec = EXERCISES.get(exercise)
    needs = protocol.needs if protocol is not None else (spec.equipment if spec is not None else "Space around you")
    where = ("The laptop to the side, seeing the chair and the line 3 metres away"
             if protocol is not None and protocol.test_id == "timed-up-and-go"
             else "The laptop 2 to 3 metres away, so your whole body is on the screen")
    return [needs, where, "Lights on; no bright window behind you",
            "Stop at once if you feel dizzy, short of breath or in pain"]


def render(plan: LivePlan, patient: str | None, title: str | None = None, on_summary=None,
           record: bool = True) -> None:
    """``record`` False: the coach keeps no session of its own (a guided test stores its score as
    a test session instead, so it never counts as a training session in trends or suggestions)."""
    coach: BrowserCoach | None = st.session_state.get(COACH_KEY)
    ui.title(title or ui.exercise_label(plan.exercise))
    if coach is None:
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
    for key in ("live_plan", EXTRA_SINK_KEY):
        st.session_state.pop(key, None)
    st.rerun()


def _build(plan: LivePlan, patient: str | None) -> BrowserCoach | None:
    settings = ui.settings()
    try:
        with st.spinner("Starting the coach..."):
            ui.model_file(settings.model)
            coach = build_coach(plan, settings.model, patient, ui.store() if patient else None, voice=settings.voice)
    except Exception as exc:  # noqa: BLE001 - model or store problem: say what to do
        st.error(f"The coach could not start: {exc}")
        return None
    extra = st.session_state.get(EXTRA_SINK_KEY)
    coach.watch = None
    if extra is not None:
        coach.watch = extra(coach)
        coach.session.sinks.append(coach.watch)
    st.session_state[COACH_KEY] = coach
    return coach


def camera(coach: BrowserCoach) -> Callable[[], bool]:
    """The browser camera (streamlit-webrtc), frames to ``coach.callback``, asked for at once;
    returns "is it playing?". When the stream ends without the page having finished the session
    (tab closed, reloaded, camera unplugged), the session ends as ``interrupted``.

    Replaced in AppTest runs, which cannot host the WebRTC component (the browser test covers it)."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    ctx = webrtc_streamer(
        key="coach-live", mode=WebRtcMode.SENDRECV, video_frame_callback=coach.callback,
        rtc_configuration=NO_EXTERNAL_SERVERS,
        on_video_ended=lambda: coach.finish("interrupted"),
        media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
        video_html_attrs={"autoPlay": True, "muted": True, "playsinline": True,
                          "style": {"width": "100%", "objectFit": "contain"}},
        async_processing=True, translations={"start": "Start the camera", "stop": "Stop the camera",
                                             "select_device": "Choose a camera"})
    import streamlit.components.v1 as components

    if not ctx.state.playing and not coach.started and not coach.finished:
        components.html(AUTO_START_JS, height=0)
    components.html(SCREEN_JS, height=0)
    return lambda: ctx.state.playing


def _coaching(coach: BrowserCoach, plan: LivePlan) -> None:
    with st.container(key="coach_live"):
        _coaching_layout(coach, plan)


def _coaching_layout(coach: BrowserCoach, plan: LivePlan) -> None:
    left, right = st.columns([3, 2], gap="medium")
    with left:
        playing = camera(coach)
    with right:
        board = st.empty()
        pacer = getattr(coach.session, "pacer", None)
        if pacer is not None:  # the beat, heard and seen in the browser (see coach.app.live_panels)
            import streamlit.components.v1 as components

            components.html(live_panels.metronome_html(pacer.tempo.period_s), height=110)
        testing = getattr(coach, "watch", None) is not None
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
            protocol = getattr(getattr(coach, "watch", None), "protocol", None)
            st.markdown("\n".join(f"- {html.escape(i)}" for i in checklist(plan.exercise, protocol)))
    watch = getattr(coach, "watch", None)
    _show(board, coach.last_status, coach.started, watch)
    if not playing():
        return
    while playing():
        status = coach.latest(timeout_s=0.5)
        if status is None:
            continue
        _show(board, status, True, watch)
        if status.finished or status.error:
            break
    if coach.finished:
        st.rerun()


def caption(status: LiveStatus, started: bool) -> str:
    """The line under the counter: what is happening now, in plain words."""
    if status.error:
        return status.error
    if not started:
        return "Starting the camera... If the browser asks, press Allow."
    if status.phase == "setup":
        return status.setup_instruction or "Checking that the camera can see you..."
    return status.cue_text


def _show(board, status: LiveStatus, started: bool, watch=None) -> None:
    with board.container():
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
        if status.beat_period_s > 0:
            st.markdown(live_panels.beat_marker_html(status.phase == "active"), unsafe_allow_html=True)
        if watch is None and status.hold_target_s <= 0:
            st.markdown(f"<p class='coach-big' data-testid='coach-total'>Total today: "
                        f"<span id='coach-total-reps'>{status.total_reps}</span></p>", unsafe_allow_html=True)


def summary_lines(reps: int, sets: list, status: str) -> tuple[str, str]:
    """(headline, encouragement): no praise for a session with nothing in it."""
    head = f"You did {reps} repetition{'s' if reps != 1 else ''}" + (f" in {len(sets)} sets." if len(sets) > 1 else ".")
    if reps == 0:
        return head, ("Nothing was counted this time. Check that the camera can see your whole body, "
                      "and try again when you are ready.")
    reached = bool(sets) and all(x.reps >= x.target for x in sets if x.target)  # "Finish" after the last rep
    if status in ("stopped", "interrupted") and not reached:
        return head, "You stopped early. That is fine: listen to your body."
    return head, "Well done! Every session makes a difference. Rest and drink some water."


def hold_summary_lines(sets: list, status: str, target_s: float | None = None) -> tuple[str, str]:
    """(headline, encouragement) of a balance-hold session; ``target_s`` each hold's target."""
    times = [x.holds for x in sets if x.holds]
    n = sum(h["holds"] for h in times)
    if not n:
        return "No hold was timed.", ("Nothing was timed this time. Check that the camera can see you from head to "
                                       "feet, and try again when you are ready.")
    best, total = max(h["best_s"] for h in times), sum(h["total_s"] for h in times)
    head = f"You held {n} time{'s' if n != 1 else ''}. Your best: {int(best)} seconds."
    if target_s:
        head += (f" You reached your {int(target_s)}-second target!" if best >= target_s
                 else f" Your target: {int(target_s)} seconds.")
    if any(x.ended_by == "balance_loss" for x in sets):
        return head, ("You lost your balance, so we stopped. Rest, and hold on to your support. "
                      "Your physiotherapist will see this.")
    if status in ("stopped", "interrupted"):
        return head, f"All together {int(total)} seconds. You stopped early. That is fine: listen to your body."
    return head, f"All together {int(total)} seconds. Well done! Rest and drink some water."


def _summary(coach: BrowserCoach) -> None:
    s = coach.summary
    holds = any(x.holds for x in s.sets) or getattr(coach.session, "holds", None) is not None
    if not holds:
        st.markdown(ui.counter_html(s.reps, sum(x.target for x in s.sets) or s.reps, len(s.sets) or 1,
                                    len(s.sets) or 1), unsafe_allow_html=True)
    coach_holds = getattr(coach.session, "holds", None)
    target = coach_holds.target_s if coach_holds is not None else None
    head, words = hold_summary_lines(s.sets, s.status, target) if holds else summary_lines(s.reps, s.sets, s.status)
    if any(e.kind == "balance_loss" for e in s.events):
        st.markdown(live_panels.alert_html("Stop. Hold on to your support."), unsafe_allow_html=True)
    st.markdown(f"<div class='coach-headline' data-testid='coach-summary'>{html.escape(head)}</div>",
                unsafe_allow_html=True)
    st.markdown(f"<p class='coach-big'>{html.escape(words)}</p>", unsafe_allow_html=True)
    for x in s.sets:
        if x.holds:
            line = (f"- Set {x.set_no}: {x.holds['holds']} hold{'s' if x.holds['holds'] != 1 else ''}, "
                    f"best {int(x.holds['best_s'])} s" + (" (stopped: loss of balance)" if x.ended_by else ""))
        else:
            line = f"- Set {x.set_no}: {x.reps} of {x.target}" + (f" ({html.escape(x.fatigue)})" if x.fatigue else "")
            if x.pacing:
                line += f". {html.escape(pacing_words(x.pacing))}"
        st.markdown(line)
    for w in s.warnings:
        st.warning(w)
    from coach.app import how_it_felt

    how_it_felt.ask(ui.store(), recorded_session_id(coach), "live_felt")
    _discard(coach)
    if st.button("Back to today's list", type="primary", width="stretch", key="live_done"):
        leave()


def recorded_session_id(coach: BrowserCoach) -> int | None:
    """The stored session this coach wrote to (None: practice, or nothing was recorded)."""
    for sink in coach.session.sinks:
        recorder = getattr(sink, "recorder", None)
        if recorder is not None:
            sid = getattr(recorder, "session_id", None)
            return sid if isinstance(sid, int) else None
    return None


def pacing_words(pacing: dict) -> str:
    """A set's pacing in plain words for the patient (the physio's numbers are in the review)."""
    err = pacing.get("mean_abs_error_s")
    words = "On the beat" if err is not None and err < 0.25 else "A little off the beat"
    if pacing.get("decrement"):
        words += "; your movements got smaller towards the end: think big"
    return words


def _discard(coach: BrowserCoach) -> None:
    discard_control(recorded_session_id(coach), "live_discard")


def discard_control(sid: int | None, key: str) -> None:
    """The patient's undo for a session made by mistake: removed from the record."""
    if sid is None:
        return
    store = ui.store()
    if not hasattr(store, "discard_session"):
        return
    done = f"discarded_{sid}"
    if st.session_state.get(done):
        st.info("This session was removed from your record.")
        return
    with st.expander("Made by mistake? Remove this session"):
        st.write("Your physiotherapist will not see it. This cannot be undone.")
        if st.button("Remove this session", key=key):
            try:
                store.discard_session(sid)
            except Exception as exc:  # noqa: BLE001 - say so, keep the page
                st.error(f"It could not be removed: {exc}")
                return
            st.session_state[done] = True
            st.rerun()
