"""The guided validated test without a browser: the live coach fed the synthetic clip's true poses
(looping, like Chromium's fake camera), the test's stopwatch stops it by itself, the score is the
scorer's on the stands inside the 30 s after "Go", and the page stores and shows it."""
from __future__ import annotations

import pytest

from coach.app.webrtc_coach import build_coach
from coach.live.factory import LiveOptions
from exercises.validated_tests import TESTS
from tests.app.conftest import no_exception, run_page
from tests.app.test_webrtc_coach import TruthEstimator, _run


@pytest.fixture(scope="module")
def clip():
    from coach.synth import ClipSpec, generate

    # 5 s seated first: the coach's "Go" (set-up check and countdown, ~4 s) comes before the first rise
    return generate(ClipSpec(exercise="sit-to-stand", view="side", reps=4, start_rest_s=5.0))


def _looped_truth(clip, until_s: float):
    """The generator's reps as the looping camera plays them: (start, full standing, seated) times."""
    period = clip.poses[-1].timestamp_s + 1 / 30  # TruthEstimator's loop
    out, k = [], 0
    while k * period < until_s:
        out += [(k * period + r.start_s, k * period + r.stand_s, k * period + r.seated_s)
                for r in clip.truth.reps if r.counted]
        k += 1
    return out


def _test_coach(clip, test_id: str, patient=None, store=None):
    from coach.app import guided_test as gt

    p = TESTS[test_id]
    coach = build_coach(LiveOptions(p.exercise, side="both", sets=1, reps=gt.target(p), rest_s=0.0, model="lite",
                                    speech="none", patient=patient), store, estimator=TruthEstimator(clip.poses))
    coach.watch = gt.TestWatch(p, coach)
    coach.session.sinks.append(coach.watch)
    return coach, p


def test_chair_stand_stops_itself_after_30_s_and_scores_the_stands_in_time(app_env, clip):
    coach, p = _test_coach(clip, "chair-stand-30s")
    _run(coach, 80.0)
    watch = coach.watch
    assert coach.finished and coach.summary.status == "complete"  # the bell, not the patient, ended it
    assert watch.go_s is not None
    assert 30.0 <= watch.last_t - watch.go_s <= 30.0 + 1.5 + 0.2  # stopped at the bell (+ grace)
    bell = watch.go_s + 30.0
    truth = _looped_truth(clip, bell + 30.0)
    full = [s for s in truth if watch.go_s <= s[1] <= bell]
    halfway = [s for s in truth if s[0] < bell < s[1] and (bell - s[0]) / (s[1] - s[0]) > 0.5]
    assert all(abs(s[1] - bell) > 0.3 for s in truth)  # no true stand within the timing error of the bell
    result = watch.score(age=72, sex="female")
    assert result.test == "chair-stand-30s" and result.value is not None
    assert len(full) >= 5  # the clip loops: more than one pass of four stands in 30 s
    assert result.value == len(full) + (1 if halfway else 0)  # the generator's stands in the 30 s after Go
    # the true poses on every frame at 30 fps: a recording the score can be trusted on
    assert result.norm_low is not None and result.trust == "ok", (result.trust, result.interpretation)


def test_five_times_sts_stops_at_the_fifth_stand(app_env, clip):
    coach, p = _test_coach(clip, "five-times-sts")
    _run(coach, 80.0)
    assert coach.finished and coach.summary.status == "complete"
    assert coach.watch.counted == 5
    result = coach.watch.score(age=72)
    assert result.value is not None and result.unit == "s"
    truth = [s for s in _looped_truth(clip, 80.0) if s[0] >= coach.watch.go_s][:5]  # the five stands after Go
    # the generator's 5xSTS time: the first rise to seated after the fifth stand (exercises/test_exercises_synth
    # allows 0.8 s for the onset and re-seat detection; on the true poses it is within 0.1 s)
    assert result.value == pytest.approx(truth[-1][2] - truth[0][0], abs=0.5)
    assert result.trust == "ok", (result.trust, result.interpretation)


def test_stopping_the_test_early_is_not_complete(app_env, clip):
    coach, _ = _test_coach(clip, "chair-stand-30s")
    _run(coach, 12.0)
    coach.request("stop")
    coach.finish("stopped")
    assert coach.summary.status == "stopped"
    assert coach.watch.score().value is None or "ended before" in coach.watch.score().interpretation.lower() \
        or coach.watch.score().trust == "low"


def test_the_test_page_shows_the_score_and_stores_it(app_env, clip, monkeypatch):
    """The page after the bell: score, the patient's own words, trust, and one stored result for the physio
    (the norms are the physio's: not on the patient's page)."""
    from coach.app.pages import live
    from coach.store import Store

    with Store.open() as store:
        store.add_patient("P001", age=72, sex="female")
    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("test")
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "arms over your chest" in text and "30 seconds" in text  # the protocol in plain words
    at.radio(key="test_pick").set_value("chair-stand-30s").run()
    at.button(key="test_start").click().run()
    no_exception(at)
    coach = at.session_state["live_coach"]
    from coach.pipeline import Pipeline  # the page's coach, its pose model swapped for the true poses

    coach.session.pipeline = Pipeline.for_exercise(TruthEstimator(clip.poses), "sit-to-stand")
    _run(coach, 80.0)
    assert coach.finished
    at.run()
    no_exception(at)
    shown = [m.value for m in at.markdown if "test-value" in m.value]
    assert shown, [m.value for m in at.markdown]
    assert not any("Usual range" in m.value or "percentile" in m.value for m in at.markdown)
    assert any("You stood up" in m.value for m in at.markdown)
    assert any("test-trust" in m.value for m in at.markdown)
    assert any("Your score is saved" in s.value for s in at.success), [m.value for m in (*at.warning, *at.error)]
    with Store.open() as store:
        stored = store.test_results("P001")
    assert len(stored) == 1 and stored[0].result.test == "chair-stand-30s"
    with Store.open() as store:  # the test is a session of its own, never a training session
        sessions = store.sessions("P001")
        assert len(sessions) == 1 and store.load_session(sessions[0].id).settings.get("mode") == "test"
    assert f">{stored[0].result.value:g}<" in shown[0]
    at.run()  # a rerun does not store it twice
    with Store.open() as store:
        assert len(store.test_results("P001")) == 1


def test_timed_up_and_go_stops_when_seated_again_and_times_the_generator():
    """The TUG through the live coach: a wide side view (chair and 3 m path), seated through the
    long countdown so "Go" comes before the rise; truth from coach.synth.scripts.timed_up_and_go."""
    from coach.app import guided_test as gt
    from coach.synth.extended import generate_ext
    from coach.synth.scripts.timed_up_and_go import script

    tl, truth = script(start_rest_s=gt.TUG_COUNTDOWN_S + 3.0, end_rest_s=4.0)
    clip = generate_ext(tl, truth, "side", size=(960, 540), figure_scale=0.38, center_x=0.25)
    p = TESTS["timed-up-and-go"]
    coach = build_coach(LiveOptions(p.exercise, side="both", sets=1, reps=gt.target(p), rest_s=0.0, speech="none",
                                    setup_gate=False, countdown_s=gt.TUG_COUNTDOWN_S),
                        estimator=TruthEstimator(clip.poses))
    coach.watch = gt.make_watch(p, coach, walking_aid="stick")
    coach.session.sinks.append(coach.watch)
    _run(coach, truth["seated_s"] + 6.0)
    assert coach.finished and coach.summary.status == "complete"  # stopped by itself, seated again
    assert coach.watch.go_s == pytest.approx(gt.TUG_COUNTDOWN_S, abs=0.1)
    assert truth["seated_s"] + gt.TUG_SEATED_GRACE_S <= coach.watch.last_t <= truth["seated_s"] + 3.5
    result = coach.watch.score(age=72)
    assert result.test == "timed-up-and-go" and result.value is not None
    assert result.value == pytest.approx(truth["time_s"], abs=0.3)  # issue 12: within 0.3 s of the generator
    assert "walking_aid" in result.flags and result.details["walking_aid"] == "stick"
    assert set(result.details["phases"]) == {"stand_up", "walk_out", "turn", "walk_back", "sit_down"}  # kept
    assert gt.tug_phase_rows(result) == []  # but not shown: not checked against the truth (labels.TUG_PHASES_WHY)
    assert "Timed Up and Go" in coach.watch.counter_html()


def test_patient_words_are_plain_and_against_their_own_last_score():
    from coach.app import guided_test as gt
    from exercises.validated_tests import interpret

    now = interpret("chair-stand-30s", 11, 72, "female")
    words = " ".join(gt.patient_words(now))
    assert words.startswith("You stood up 11 times in 30 seconds.") and "first score" in words
    assert "better than last time" in " ".join(gt.patient_words(now, [interpret("chair-stand-30s", 9, 72, "female")]))
    assert "About the same" in " ".join(gt.patient_words(now, [interpret("chair-stand-30s", 11, 72, "female")]))
    tug = interpret("timed-up-and-go", 14.0, 72)
    words = " ".join(gt.patient_words(tug, [interpret("timed-up-and-go", 15.2, 72)]))
    assert "better than last time" in words and "Your best so far!" in words  # less time is better
    for w in (words, gt.patient_trust_words(now)):
        assert not any(x in w for x in ("percentile", "CI", "Rikli", "Bohannon", "normal range"))
