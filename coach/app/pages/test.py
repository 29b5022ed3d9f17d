"""Patient: a guided validated test. Choose it, read what to do, press Start: the camera comes on,
the coach counts down and says Go, stops by itself (30 s, or the fifth stand), then shows the score
in plain words against the patient's own last score, and how well the camera saw them, and stores it
for the physio (who gets the norms: ``coach.app.pages.progress``)."""
from __future__ import annotations

import html

import streamlit as st

from coach.app import guided_test as gt
from coach.app import ui
from coach.app.pages import live
from coach.live.factory import LiveOptions
from exercises.validated_tests import TESTS, TestSpec

TEST_KEY = "guided_test"
SAVED_KEY = "guided_test_saved"
SAVED_ID_KEY = "guided_test_session"  # the session this result was stored as


def render() -> None:
    patient = ui.home_patient()
    chosen = st.session_state.get(TEST_KEY)
    if chosen is not None:
        protocol = TESTS[chosen]
        # The TUG's camera stands far back to see the chair and the 3 m line: the set-up check's
        # "come closer" would never let it start; a long countdown gives time to sit down.
        # Gait speed's camera too stands back to see both marks; the countdown gives time to walk to the start.
        tug = chosen in ("timed-up-and-go", "gait-speed")
        plan = LiveOptions(protocol.exercise, side="both", sets=1, reps=gt.target(protocol), rest_s=0.0,
                           setup_gate=not tug, countdown_s=gt.TUG_COUNTDOWN_S if tug else 3)
        live.render(plan, patient, title=protocol.label, spotting=protocol.spotting,  # "Is someone with you?"
                    on_summary=lambda coach: _result(coach, protocol, patient), record=False)
        return
    ui.title("Take a test")
    if patient is None:
        st.info(ui.not_set_up_note() + " You can still try a test; the score will not be kept.")
    ids = list(TESTS)
    pick = st.radio("Which test?", ids, format_func=lambda t: TESTS[t].label, key="test_pick",
                    horizontal=True)
    p = TESTS[pick]
    st.markdown(f"<div class='coach-card'><h3>{html.escape(p.label)}</h3>"
                f"<div class='coach-need'>You need: {html.escape(p.needs)}</div><ol>"
                + "".join(f"<li>{html.escape(s)}</li>" for s in p.steps) + "</ol>"
                "<div>Someone should be nearby. Stop at once if you feel dizzy, short of breath or in pain.</div></div>",
                unsafe_allow_html=True)
    aid, height = "", None
    if pick in ("timed-up-and-go", "gait-speed"):
        aid = st.radio("Do you walk with an aid? Use it for the test if you do.", list(gt.WALKING_AIDS),
                       format_func=gt.WALKING_AIDS.get, key="test_walking_aid", horizontal=True)
    if pick == "gait-speed":  # the walk's distance in the picture comes from the person's height
        lo, hi = gt.HEIGHT_CM_RANGE
        height = st.number_input("How tall are you, in centimetres?", min_value=lo, max_value=hi, value=None,
                                 step=1, key="test_height_cm")
    ready = pick != "gait-speed" or height is not None
    if st.button(f"Start the test: {p.label}", type="primary", width="stretch", key="test_start", disabled=not ready):
        st.session_state[TEST_KEY] = pick
        st.session_state.pop(SAVED_KEY, None)
        st.session_state.pop(SAVED_ID_KEY, None)
        st.session_state[live.EXTRA_SINK_KEY] = lambda coach: gt.make_watch(p, coach, aid, height)
        st.rerun()


def score(coach, protocol: TestSpec, patient: str | None):
    """The test result of a finished guided test (None when the coach has no test watch)."""
    watch = getattr(coach, "watch", None)
    if watch is None:
        return None
    info = ui.store().patient(patient) if patient else None
    return watch.score(age=getattr(info, "age", None), sex=getattr(info, "sex", None),
                       condition=getattr(info, "condition", "") or "")


def _result(coach, protocol: TestSpec, patient: str | None) -> None:
    saved = st.session_state.get(SAVED_KEY)
    if saved is None:
        try:
            result = score(coach, protocol, patient)
        except Exception as exc:  # noqa: BLE001 - the scorer failed: say so, keep the page
            st.error(f"The test could not be scored: {exc}")
            _done_button()
            return
        stored = _store(result, patient)
        saved = st.session_state[SAVED_KEY] = (result, stored)
    result, stored = saved
    if result.value is None:
        st.markdown("<div class='coach-headline' data-testid='test-score'>No score this time</div>", unsafe_allow_html=True)
        st.markdown(f"<p class='coach-big'>{html.escape(result.cannot_score or result.interpretation)}</p>",
                    unsafe_allow_html=True)
    else:
        # One block: the score, the patient's own progress and how well the camera saw them arrive
        # together (a test waiting for the score never finds the rest still on its way).
        words = gt.patient_words(result, _earlier(patient, result))
        st.markdown(f"<div data-testid='test-result'><div class='coach-counter' data-testid='test-score'>"
                    f"<div class='of'>{html.escape(protocol.label)}</div><div class='num' id='test-value'>"
                    f"{result.value:g}</div><div class='of'>{html.escape(result.unit)}</div></div>"
                    + "".join(f"<p class='coach-big'>{html.escape(w)}</p>" for w in words)
                    + f"<p data-testid='test-trust'><b>{html.escape(gt.patient_trust_words(result))}</b></p></div>",
                    unsafe_allow_html=True)
        if "used_hands" in result.flags:
            st.warning("Your hands helped you up. Next time, keep your arms crossed on your chest.")
        if "walking_aid" in result.flags:
            st.info("You used a walking aid: your physiotherapist will compare like with like.")
    if stored == "saved":
        st.success("Your score is saved.")
        _delivery(patient)
    elif stored:
        st.warning(stored)
    if stored == "saved" and st.session_state.get(live.CAREGIVER_KEY) == "present":  # "Did they help?"
        from coach.app.pages.caregiver import ask_help

        ask_help(ui.store(), st.session_state.get(SAVED_ID_KEY), 0.0, "test_care")
    _done_button()


def _earlier(patient: str | None, result) -> list:
    """The patient's earlier scores of this test, oldest first (this one, once stored, left out)."""
    if patient is None or not hasattr(ui.store(), "test_results"):
        return []
    stored = [t for t in ui.store().test_results(patient) if t.result.test == result.test]
    mine = st.session_state.get(SAVED_ID_KEY)
    return [t.result for t in stored if t.session_id != mine]


def _store(result, patient: str | None) -> str:
    """"saved", "" (practice: nothing to save) or a message saying why it was not saved. The store
    makes the test its own session (mode "test"): never a training session in trends or suggestions."""
    if patient is None or result is None or result.value is None:
        return ""
    store = ui.store()
    if not hasattr(store, "save_test_result"):
        return "This version of the coach cannot keep test scores yet: please write your score down."
    try:
        st.session_state[SAVED_ID_KEY] = store.save_test_result(patient, result,
                                                                source="browser camera (guided test)")
        answer = st.session_state.get(live.CAREGIVER_KEY)  # "Is someone with you?", kept with the test
        if answer:
            from coach.caregiver import PRESENT_KIND

            store.add_session_event(st.session_state[SAVED_ID_KEY], 0.0, PRESENT_KIND, answer)
    except Exception as exc:  # noqa: BLE001 - database trouble: say so
        return f"The score could not be saved: {exc}"
    from coach.app import clinic_view

    clinic_view.sync_now()
    return "saved"


def _delivery(patient: str) -> None:
    """Whether the score has reached the physio, honestly (``coach.app.clinic_view``)."""
    from coach.app import clinic_view

    sid = st.session_state.get(SAVED_ID_KEY)
    if sid is None:
        return
    clinic_view.show_delivery(patient, "session", ui.store().load_session(sid).summary.uuid)


def _done_button() -> None:
    if st.button("Back to the tests", type="primary", width="stretch", key="test_done"):
        st.session_state.pop(TEST_KEY, None)
        st.session_state.pop(SAVED_KEY, None)
        st.session_state.pop(SAVED_ID_KEY, None)
        live.leave()
