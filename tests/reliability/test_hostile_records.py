"""Issue 17, the record's own gaps: the thresholds an analysed video was counted with are kept with
its session (before: `analyze --patient` and `test --patient` stored none, so a physio could not
tell why two sessions counted differently), and withdrawing consent to video deletes the videos
already kept (before: they stayed on disk and in the review)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.store import Store

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    from coach.synth import ClipSpec, generate, write_clip
    path = tmp_path_factory.mktemp("clip") / "arm.mp4"
    write_clip(generate(ClipSpec(exercise="arm-raise", view="front", reps=2, size=(320, 240), seed=3)), path)
    return path


def coach(*args, data: Path):
    env = {**os.environ, "COACH_DATA_DIR": str(data), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "coach.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=600)


def _store(data: Path) -> Store:
    return Store.open(f"sqlite:///{data / 'coach.db'}", backup_every=None)


def test_the_thresholds_an_analysis_ran_with_are_kept_with_its_session(tmp_path, clip):
    data = tmp_path / "data"
    assert coach("programme", "create", "P1", data=data).returncode == 0
    proc = coach("analyze", str(clip), "-e", "arm-raise", "--patient", "P1", "--no-video", "-q", "--model", "lite",
                 "--threshold", "elbow_bent_deg=140", "--out", str(tmp_path / "out"), data=data)
    assert proc.returncode == 0, proc.stderr
    with _store(data) as s:
        settings = s.load_session(s.sessions("P1")[0].id).settings
    assert settings["thresholds"]["elbow_bent_deg"] == 140.0


def test_withdrawing_consent_deletes_the_videos_already_kept(tmp_path, clip):
    data = tmp_path / "data"
    assert coach("programme", "create", "P1", "--video-opt-in", data=data).returncode == 0
    proc = coach("analyze", str(clip), "-e", "arm-raise", "--patient", "P1", "-q", "--model", "lite",
                 "--out", str(tmp_path / "out"), data=data)
    assert proc.returncode == 0, proc.stderr
    with _store(data) as s:
        session = s.load_session(s.sessions("P1")[0].id)
        video = Path(session.video_path)
        assert video.is_file()  # kept, with consent
    proc = coach("consent", "P1", "--video", "no", data=data)
    assert proc.returncode == 0 and "1 video(s) deleted" in proc.stdout, proc.stderr
    assert not video.exists() and not video.parent.exists()
    with _store(data) as s:
        after = s.load_session(session.summary.id)
        assert after.video_path is None and not s.patient("P1").video_opt_in
        assert after.summary.reps == 2 and len(s.load_poses(session.summary.id))  # the landmarks stay


@pytest.mark.parametrize("value", [-12345.0, float("nan"), float("inf"), 1e9])
def test_an_implausible_test_score_is_refused_by_every_store_write(tmp_path, value):
    from exercises.validated_tests import TestResult

    bad = TestResult("timed-up-and-go", value, "s")
    with _store(tmp_path / "data") as s:
        s.add_patient("P1")
        with pytest.raises(ValueError, match="outside 0-600 s"):
            s.save_test_result("P1", bad)  # a test of its own
        rec = s.start_session("P1", "sit-to-stand", lazy=False)
        with pytest.raises(ValueError, match="not stored"):
            rec.add_test_result(bad)  # the recorder the live coach and the app use
        rec.finish("complete")
        assert s.save_test_result("P1", TestResult("timed-up-and-go", 11.2, "s"))  # a real one still goes in
        assert [r.result.value for r in s.test_results("P1")] == [11.2]
