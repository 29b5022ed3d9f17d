"""One live factory for ``coach live`` and the browser app (issue 21): the patient's programme lies
under the options on both (its thresholds merged with the overrides, an override winning per key),
both record one settings shape, and the screen names the exercise as people read it.

Truth: the generator's clean sit-to-stand leans the trunk 30-45 deg on every rise, so a trunk limit
of 10 deg flags every counted rep and the default 55 flags none."""
from __future__ import annotations

import numpy as np
import pytest

from coach.app.webrtc_coach import build_coach
from coach.live.factory import LiveOptions, build_session, open_recorder
from coach.programme.model import Programme, ProgrammeExercise
from coach.store import Store
from exercises import get_spec
from tests.live.conftest import TruthEstimator
from tests.live.test_recording import run_clip

PRESCRIBED = {"trunk_flexion_limit_deg": 10.0, "hand_on_thigh_min_s": 0.4}  # the physio's programme


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The data folder's own database: the one ``coach live --patient`` opens."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    with Store.open() as store:
        store.add_patient("P001")
        store.save_programme(Programme("P001", (ProgrammeExercise("sit-to-stand", thresholds=dict(PRESCRIBED)),)))
        yield store


def _trunk_faults(exercise) -> int:
    return sum("trunk_flexion" in r.fault_codes for r in exercise.reps if r.counted)


def _browser_run(coach, clip) -> None:
    coach.request("go")  # the page's "Start now": no set-up check or countdown
    image = np.full((240, 320, 3), 128, np.uint8)
    for pose in clip.poses:
        coach.process(image, pose.timestamp_s)
    coach.finish("stopped")


def _options(overrides: dict, **kw) -> LiveOptions:
    return LiveOptions("sit-to-stand", sets=1, reps=10, rest_s=0, speech="none", patient="P001",
                       overrides=dict(overrides), **kw)


@pytest.mark.parametrize("page, want_limit, faults_per_rep", [
    ({"hand_on_thigh_rise_share": 0.5}, 10.0, 1),  # another threshold on the page: the prescribed 10 deg stays
    ({"trunk_flexion_limit_deg": 55.0}, 55.0, 0),  # the same threshold: the page's wins
])
def test_a_page_override_keeps_the_programmes_other_thresholds(store, sts_clip, page, want_limit, faults_per_rep):
    coach = build_coach(_options(page), store, estimator=TruthEstimator(sts_clip.poses, sts_clip.fps))
    exercise = coach.session.pipeline.exercise
    _browser_run(coach, sts_clip)
    reps = sts_clip.truth.true_reps
    assert sum(r.counted for r in exercise.reps) == reps
    assert exercise.params.trunk_flexion_limit_deg == want_limit
    assert exercise.params.hand_on_thigh_min_s == PRESCRIBED["hand_on_thigh_min_s"]
    assert _trunk_faults(exercise) == faults_per_rep * reps
    stored = store.load_session(store.sessions("P001")[-1].id).settings
    assert stored["thresholds"] == {**PRESCRIBED, **page}


def test_the_app_and_the_cli_record_one_settings_shape(store, sts_clip):
    page = {"hand_on_thigh_rise_share": 0.5}
    coach = build_coach(_options(page), store, estimator=TruthEstimator(sts_clip.poses, sts_clip.fps))
    _browser_run(coach, sts_clip)
    opts, cli_store, recorder = open_recorder(_options(page, window=False))
    try:
        run_clip(build_session(opts, TruthEstimator(sts_clip.poses, sts_clip.fps), recorder=recorder), sts_clip)
    finally:
        cli_store.close()
    app, cli = (store.load_session(s.id).settings for s in sorted(store.sessions("P001"), key=lambda s: s.started_at))
    assert (app.pop("mode"), cli.pop("mode")) == ("live-browser", "live")
    assert app == cli and app["thresholds"] == {**PRESCRIBED, **page}


@pytest.mark.parametrize("exercise", ["sit-to-stand", "single-leg-stance"])
def test_the_screen_names_the_exercise_by_its_label(sts_clip, exercise):
    estimator = TruthEstimator(sts_clip.poses, sts_clip.fps)
    cli = build_session(LiveOptions(exercise, window=False, speech="none"), estimator)
    app = build_coach(LiveOptions(exercise, speech="none"), estimator=estimator)
    assert cli.renderer.exercise_label == app.session.renderer.exercise_label == get_spec(exercise).label
    app.finish("stopped")
