"""The caregiver on the patient's laptop (issue 22 item 6), through the pages (AppTest): the day's plan
with "Stand beside them: spotting needed" where the exercise says so, caregiver mode kept in the
address, "Is someone with you?" before a set that needs spotting (and not before one that does not),
"Did they help?" after it, the red banner for the caregiver, and both answers in the physio's review
and the report."""
from __future__ import annotations

import pytest

from coach import caregiver as care
from exercises.validated_tests import TESTS
from tests.app.conftest import no_exception, run_page


@pytest.fixture
def patient_home(app_env, monkeypatch):
    from coach.programme.model import Programme, ProgrammeExercise
    from coach.store import Store

    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    with Store.open() as store:
        store.add_patient("P001", age=74, sex="female", condition="stroke", affected_side="right")
        store.save_programme(Programme("P001", (
            ProgrammeExercise("sit-to-stand", sets=2, reps=8),
            ProgrammeExercise("single-leg-stance", sets=1, reps=3, hold_s=20),
            ProgrammeExercise("step-up", sets=1, reps=6))))
        yield store


def _html(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_the_caregiver_page_shows_the_day_and_where_to_stand_beside_them(patient_home):
    at = run_page("caregiver")
    no_exception(at)
    page = _html(at)
    items = page.split("data-testid='caregiver-item'")[1:]
    spotted = {i.split("<h3>")[1].split("</h3>")[0]: "data-spotting='yes'" in i[:40] for i in items}
    assert spotted == {"Sit to stand": False, "Standing on one leg": True, "Step-ups": True}, spotted
    tests = [t for t in TESTS.values() if t.needs_spotting]
    assert page.count(care.SPOTTING_NEEDED) == 2 + len(tests)  # two exercises, and each test that needs it
    assert "Timed Up and Go" in page and all(t.label in page for t in tests)
    assert not at.toggle(key="caregiver_mode").value
    at.toggle(key="caregiver_mode").set_value(True).run()
    no_exception(at)
    assert at.query_params.get("caregiver") in ("on", ["on"])
    assert "caregiver-mode-on" in _html(at) and "calls you at once" in _html(at)


def test_someone_with_you_is_asked_before_a_hold_and_kept_with_the_plan(patient_home, monkeypatch):
    from coach.app.pages import live

    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("today")
    no_exception(at)
    assert "Have someone stand beside you" in _html(at)
    at.button(key="start_single-leg-stance").click().run()
    no_exception(at)
    assert "caregiver-ask" in _html(at) and "live_coach" not in at.session_state  # asked first, camera still off
    at.button(key="live_caregiver_present").click().run()
    no_exception(at)
    assert at.session_state["live_caregiver"] == "present" and "live_coach" in at.session_state
    at.button(key="live_stop").click().run()
    at.button(key="live_done").click().run()
    assert "live_caregiver" not in at.session_state  # asked again next time
    at.button(key="start_sit-to-stand").click().run()  # needs no spotting: straight to the coach
    no_exception(at)
    assert "caregiver-ask" not in _html(at) and "live_coach" in at.session_state
    at.button(key="live_stop").click().run()


def test_alone_the_patient_is_told_to_hold_a_support(patient_home, monkeypatch):
    from coach.app.pages import live

    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("today")
    at.button(key="start_step-up").click().run()
    at.button(key="live_caregiver_absent").click().run()
    no_exception(at)
    assert at.session_state["live_caregiver"] == "absent"
    assert "hold on to a steady support" in _html(at)
    at.button(key="live_stop").click().run()


BANNER = """
import streamlit as st
from coach.app.pages import live
from coach.app.webrtc_coach import LiveStatus
from coach.live.holds import BALANCE_LOSS_CUE
live._show(st.empty(), LiveStatus(phase="paused", alert=BALANCE_LOSS_CUE, pause_reason="balance_loss"), True,
           None, st.session_state.get("alarm", False))
live._show(st.empty(), LiveStatus(phase="paused", pause_reason="fall"), True, None, st.session_state.get("alarm", False))
"""


@pytest.mark.parametrize("alarm", [True, False])
def test_the_caregiver_banner_shows_at_a_loss_of_balance_only_in_caregiver_mode(app_env, alarm):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(BANNER, default_timeout=30)
    at.session_state["alarm"] = alarm
    at.run()
    no_exception(at)
    banners = [m.value for m in at.markdown if "caregiver-alert" in m.value]
    assert len(banners) == (2 if alarm else 0)  # a loss of balance in a hold, and a possible fall
    assert all(care.ALERT in b and "#b3261e" in b for b in banners)


HELP = """
import streamlit as st
from coach.app import ui
from coach.app.pages.caregiver import ask_help
ask_help(ui.store(), st.session_state["sid"], 12.0, "care")
"""


def test_did_they_help_is_kept_and_the_physio_reads_both_answers(seeded_store):
    from streamlit.testing.v1 import AppTest

    from coach.reports import collect
    from coach.reports.tables import build
    from coach.store import Store

    sid = seeded_store["replay_session"]
    with Store.open() as store:
        store.add_session_event(sid, 0.0, care.PRESENT_KIND, "present")
    at = AppTest.from_string(HELP, default_timeout=30)
    at.session_state["sid"] = sid
    at.run()
    assert "caregiver-help-ask" in _html(at)
    at.button(key=f"care_lifted_{sid}").click().run()
    no_exception(at)
    with Store.open() as store:
        assert [(e.kind, e.detail, e.t_s) for e in store.session_events(sid) if e.kind == care.HELP_KIND] == \
            [(care.HELP_KIND, "lifted", 12.0)]
        sections = build(collect(store, "P001"), [])
    section = next(s for s in sections if s.title.startswith(f"Session {sid}:"))
    assert "Caregiver: Caregiver present; they had to hold the patient up" in section.lines
    review = run_page("review", {"physio_patient_id": "P001", "review_session_id": sid}, timeout=60)
    no_exception(review)
    assert any("**Caregiver:** Caregiver present; they had to hold the patient up" in m.value for m in review.markdown)


def test_a_test_that_needs_spotting_asks_too_and_one_that_does_not_does_not(patient_home, monkeypatch):
    from coach.app.pages import live

    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("test")
    at.radio(key="test_pick").set_value("timed-up-and-go").run()
    at.button(key="test_start").click().run()
    no_exception(at)
    assert "caregiver-ask" in _html(at) and "live_coach" not in at.session_state
    at.button(key="live_caregiver_present").click().run()
    no_exception(at)
    assert "live_coach" in at.session_state
    at.button(key="live_stop").click().run()
    at.button(key="test_done").click().run()
    assert "live_caregiver" not in at.session_state
    at.radio(key="test_pick").set_value("chair-stand-30s").run()
    at.button(key="test_start").click().run()
    no_exception(at)
    assert "caregiver-ask" not in _html(at) and "live_coach" in at.session_state
    at.button(key="live_stop").click().run()


def test_in_caregiver_mode_the_caregiver_is_taken_as_present_without_asking(patient_home, monkeypatch):
    from coach.app.pages import live

    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("today", {"caregiver_mode": True})
    at.button(key="start_single-leg-stance").click().run()
    no_exception(at)
    assert "caregiver-ask" not in _html(at) and at.session_state["live_caregiver"] == "present"
    coach = at.session_state["live_coach"]
    assert type(coach.session.pipeline.estimator).__name__ == "FollowingEstimator"  # the patient, not the caregiver
    at.button(key="live_stop").click().run()
