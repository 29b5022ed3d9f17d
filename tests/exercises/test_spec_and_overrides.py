"""The declarative exercise layer: one spec per exercise that everything reads, and the physio's
threshold overrides reaching the exercise in every mode (file, live, browser)."""
from __future__ import annotations

import numpy as np
import pytest

from coach.pipeline import Pipeline
from coach.programme import model as programme_model
from coach.smoothing import PoseSmoother
from coach.sources import TimedFrame
from coach.synth import ClipSpec, generate
from exercises import EXERCISE_NAMES, EXERCISES, create_exercise
from exercises.faults import FAULTS
from tests.live.conftest import TruthEstimator

STRICT_LIMIT = {"trunk_flexion_limit_deg": 10.0}  # a clean rise leans 30-45 deg: every rep breaks 10


@pytest.fixture(scope="module")
def sts_clip():
    return generate(ClipSpec(exercise="sit-to-stand", view="side", reps=3, seed=11))


def _faults(ex, code: str) -> int:
    return sum(code in r.fault_codes for r in ex.reps if r.counted)


def _run(ex, clip):
    smoother = PoseSmoother()
    for pose in clip.poses:
        ex.update(smoother.apply(pose))
    ex.finish(clip.poses[-1].timestamp_s)
    return ex


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_every_threshold_has_a_unit_and_a_reason(name):
    spec = EXERCISES[name]
    described = spec.params.describe()
    assert described, name
    for d in described:
        assert d["unit"] and len(d["why"]) > 10, (name, d["name"])
    assert set(spec.faults) <= set(FAULTS), set(spec.faults) - set(FAULTS)
    assert spec.incomplete_fault in spec.faults or (spec.timed_hold and not spec.incomplete_fault)


def test_every_list_of_exercises_comes_from_the_registry():
    from coach.live.setup_check import needs_for
    from coach.synth.spec import EXERCISES as SYNTH_EXERCISES

    assert tuple(programme_model.EXERCISES) == EXERCISE_NAMES
    assert tuple(SYNTH_EXERCISES) == EXERCISE_NAMES
    for name, spec in EXERCISES.items():
        assert programme_model.VARIANTS[name] == spec.variants
        assert needs_for(name) == spec.setup


def test_unknown_override_names_the_valid_ones():
    with pytest.raises(ValueError) as err:
        create_exercise("sit-to-stand", overrides={"trunk_flexion_deg": 50})
    assert "trunk_flexion_deg" in str(err.value) and "trunk_flexion_limit_deg" in str(err.value)
    with pytest.raises(ValueError):
        create_exercise("squat", overrides={"min_depth": "deep"})


def test_programme_rejects_a_threshold_the_exercise_does_not_have():
    raw = {"patient": "P001", "exercise": [{"name": "squat", "thresholds": {"trunk_flexion_deg": 55}}]}
    with pytest.raises(programme_model.ProgrammeError, match="trunk_flexion_limit_deg"):
        programme_model.from_dict(raw)


def test_override_changes_the_verdict_directly(sts_clip):
    default = _run(create_exercise("sit-to-stand"), sts_clip)
    strict = _run(create_exercise("sit-to-stand", overrides=STRICT_LIMIT), sts_clip)
    assert sum(r.counted for r in default.reps) == sum(r.counted for r in strict.reps) == 3
    assert _faults(default, "trunk_flexion") == 0
    assert _faults(strict, "trunk_flexion") == 3


def test_override_reaches_file_mode(sts_clip):
    """File mode: the pipeline's two passes both use the override."""
    results = {}
    for key, overrides in (("default", None), ("strict", STRICT_LIMIT)):
        pipe = Pipeline.for_exercise(TruthEstimator(sts_clip.poses, sts_clip.fps), "sit-to-stand",
                                     overrides=overrides, two_pass=True)
        for i, pose in enumerate(sts_clip.poses):
            pipe.process_pose(TimedFrame(i, pose.timestamp_s, np.zeros((2, 2, 3), np.uint8)), pose)
        pipe.finish()
        assert pipe.first_pass is not None and pipe.exercise is not pipe.first_pass
        results[key] = _faults(pipe.exercise, "trunk_flexion")
    assert results == {"default": 0, "strict": 3}


def test_override_reaches_live_cli(sts_clip):
    from coach.live.factory import LiveOptions, build_session

    opts = LiveOptions(exercise="sit-to-stand", window=False, speech="none", overrides=dict(STRICT_LIMIT))
    session = build_session(opts, TruthEstimator(sts_clip.poses, sts_clip.fps))
    ex = _run(session.pipeline.exercise, sts_clip)
    assert ex.params.trunk_flexion_limit_deg == 10.0 and _faults(ex, "trunk_flexion") == 3


def test_programme_thresholds_reach_the_browser_coach(sts_clip, tmp_path, monkeypatch):
    from coach.app.webrtc_coach import build_coach
    from coach.live.factory import LiveOptions
    from coach.programme.model import Programme, ProgrammeExercise
    from coach.store import Store

    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    with Store.open(f"sqlite:///{tmp_path / 'coach.db'}") as store:
        store.add_patient("P001")
        store.save_programme(Programme("P001", (ProgrammeExercise("sit-to-stand", thresholds=dict(STRICT_LIMIT)),)))
        coach = build_coach(LiveOptions("sit-to-stand", speech="none", patient="P001"), store,
                            estimator=TruthEstimator(sts_clip.poses, sts_clip.fps))
        ex = _run(coach.session.pipeline.exercise, sts_clip)
        coach.session.sinks.clear()
    assert ex.params.trunk_flexion_limit_deg == 10.0 and _faults(ex, "trunk_flexion") == 3


def test_exercise_layer_is_pure():
    """exercises/ imports nothing from the camera, MediaPipe or UI layers (checked in a fresh process)."""
    import subprocess
    import sys

    code = ("import sys, exercises, exercises.registry, exercises.validated_tests; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'cv2', 'mediapipe', 'streamlit', 'sqlalchemy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
