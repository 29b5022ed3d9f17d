"""Gait speed as a guided test in the app, without a browser: the live coach fed the generator's
true poses of the walk at 20 frames a second (standing through a short countdown, so "Go" comes
before the first step; the page's own countdown is longer, the watch does not depend on it),
the watch stops by itself once both walks are timed, and scores them against the generator."""
from __future__ import annotations

import pytest

from coach.app.webrtc_coach import build_coach
from coach.live.factory import LiveOptions
from exercises.validated_tests import TESTS, interpret
from tests.app.conftest import app_env  # noqa: F401  (the app test fixture: its own data folder)
from tests.app.test_webrtc_coach import TruthEstimator, _run


def test_gait_speed_stops_after_the_fast_walk_and_times_both_against_the_generator():
    from coach.app import guided_test as gt
    from coach.synth.gait import gait_clip

    countdown = 3
    clip = gait_clip(fps=30.0, start_rest_s=countdown + 2.0)  # TruthEstimator plays 30 fps poses
    truth = clip.truth
    p = TESTS["gait-speed"]
    coach = build_coach(LiveOptions(p.exercise, side="both", sets=1, reps=gt.target(p), rest_s=0.0, speech="none",
                                    setup_gate=False, countdown_s=countdown),
                        estimator=TruthEstimator(clip.poses))
    coach.watch = gt.make_watch(p, coach, walking_aid="stick", height_cm=100 * truth["height_m"])
    coach.session.sinks.append(coach.watch)
    usual, fast = truth["passes"]
    _run(coach, fast["cross_s"][1] + 6.0, fps=20.0)
    assert coach.finished and coach.summary.status == "complete"  # stopped by itself after the fast walk
    assert fast["cross_s"][1] + gt.GAIT_STILL_S <= coach.watch.last_t <= fast["cross_s"][1] + gt.GAIT_STILL_S + 1.5
    result = coach.watch.score(age=72, sex="female")
    assert result.value == pytest.approx(usual["speed_m_s"], abs=0.02)
    assert result.details["fast_speed_m_s"] == pytest.approx(fast["speed_m_s"], abs=0.02)
    assert "walking_aid" in result.flags
    words = " ".join(gt.patient_words(result))
    assert words.startswith("You walked 1.2 metres a second at your usual pace.")
    assert "Bohannon" not in words and "Walk past the far mark" in coach.watch.counter_html()


def test_without_a_height_the_guided_walk_is_not_scored_and_a_small_change_is_about_the_same():
    from coach.app import guided_test as gt

    watch = gt.GaitWatch(TESTS["gait-speed"], coach=None)
    watch.go_s = 0.0
    assert "height was not given" in watch.score().cannot_score
    now, before = interpret("gait-speed", 1.02, 72, "f"), interpret("gait-speed", 0.99, 72, "f")
    assert "About the same" in " ".join(gt.patient_words(now, [before]))  # within Perera's 0.05 m/s
    assert "better than last time" in " ".join(gt.patient_words(now, [interpret("gait-speed", 0.9, 72, "f")]))


def test_the_test_page_asks_the_height_before_the_walk_can_start(app_env, monkeypatch):
    from coach.app import guided_test as gt
    from coach.app.pages import live
    from coach.store import Store
    from tests.app.conftest import no_exception, run_page

    with Store.open() as store:
        store.add_patient("P001", age=72, sex="female")
    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("test")
    at.radio(key="test_pick").set_value("gait-speed").run()
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "4 metres apart" in text and "as fast as you safely can" in text  # the protocol in plain words
    assert at.button(key="test_start").disabled  # no height yet: the walk's distance would be unknown
    at.number_input(key="test_height_cm").set_value(170).run()
    assert not at.button(key="test_start").disabled
    at.button(key="test_start").click().run()
    no_exception(at)
    assert at.session_state["guided_test"] == "gait-speed"
    watch = at.session_state[live.EXTRA_SINK_KEY](None)  # the stopwatch the live coach will get
    assert isinstance(watch, gt.GaitWatch) and watch.height_cm == 170
