"""``coach test`` on the bundled 5xSTS sample: the time must match the generator's truth."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "sit_to_stand_side_5.mp4"
TRUTH = json.loads(SAMPLE.with_suffix(".json").read_text())
STS_TOLERANCE_S = 0.3  # the exercise issue's target for the 5xSTS time


def coach_test(*args: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach.cli", "test", *args, "--out", str(tmp_path / "out"), "-q"],
                          capture_output=True, text=True, timeout=600)


def test_five_times_sit_to_stand_time_and_norm(tmp_path):
    proc = coach_test("five-times-sts", str(SAMPLE), "--age", "72", "--json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["reps"] == TRUTH["true_reps"] == 5
    assert result["score"] == pytest.approx(TRUTH["test_time_s"], abs=STS_TOLERANCE_S)
    assert result["unit"] == "s"
    assert "12.6" in result["norm"]  # the 70-79 cut-off (Bohannon 2006)
    assert "below_norm" in result["flags"]  # ~15.5 s is slower than 12.6 s
    assert result["trust"] == "ok"


def test_chair_stand_on_a_short_recording_is_not_scored_or_stored(tmp_path, monkeypatch):
    """The ~20 s sample cannot be a 30-s test: no '5 stands, below norm', nothing stored, exit 1."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    from coach.store import Store
    with Store.open() as store:
        store.add_patient("P001", age=72, sex="female")
    proc = coach_test("chair-stand-30s", str(SAMPLE), "--patient", "P001", "--model", "lite", tmp_path=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "cannot score" in proc.stdout and "needs 30 s" in proc.stdout
    assert "nothing was stored" in proc.stderr and "Traceback" not in proc.stderr
    with Store.open() as store:
        assert store.test_results("P001") == [] and store.sessions("P001") == []


def test_five_times_sit_to_stand_is_stored_for_the_patient(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    from coach.store import Store
    with Store.open() as store:
        store.add_patient("P001", age=72, sex="female")
    proc = coach_test("five-times-sts", str(SAMPLE), "--patient", "P001", "--model", "lite", "--json",
                      tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)
    assert "12.6" in printed["norm"]  # the patient's age (72) picked the 70-79 norm
    assert printed["outputs"]["session"].startswith("session ")
    with Store.open() as store:
        [stored] = store.test_results("P001")
        assert stored.result.test == "five-times-sts"
        assert stored.result.value == printed["value"] and 10 < stored.result.value < 25  # what was shown is kept
        assert stored.result.timing_uncertainty_s is not None and stored.result.timing_uncertainty_s < 0.2
        record = store.load_session(stored.session_id)
        assert len(record.reps) >= 5 and len(store.load_poses(stored.session_id)) > 0  # reps and landmarks too


def test_dark_video_with_nobody_is_not_scored(tmp_path):
    import cv2
    import numpy as np
    dark = tmp_path / "dark.mp4"
    writer = cv2.VideoWriter(str(dark), cv2.VideoWriter_fourcc(*"mp4v"), 15, (320, 240))
    for _ in range(15 * 32):
        writer.write(np.full((240, 320, 3), 8, np.uint8))
    writer.release()
    proc = coach_test("chair-stand-30s", str(dark), "--age", "72", "--sex", "f", "--model", "lite", tmp_path=tmp_path)
    assert proc.returncode == 1
    # A picture at 8/255 is too dark to show anyone: that is the reason given (issue 17 case 16)
    assert "cannot score: the video is too dark" in proc.stdout and "0 stands" not in proc.stdout


def test_five_frames_per_second_is_not_scored(tmp_path):
    import cv2
    slow = tmp_path / "slow.mp4"
    cap = cv2.VideoCapture(str(SAMPLE))
    writer = cv2.VideoWriter(str(slow), cv2.VideoWriter_fourcc(*"mp4v"), 5, (int(cap.get(3)), int(cap.get(4))))
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i % 6 == 0:
            writer.write(frame)
        i += 1
    writer.release()
    proc = coach_test("five-times-sts", str(slow), "--age", "72", "--model", "lite", "--json", tmp_path=tmp_path)
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["value"] is None and "5 frames per second" in result["cannot_score"]


@pytest.mark.parametrize("args, message", [
    (("hop-test",), "unknown test 'hop-test'"),
    (("five-times-sts", "--sex", "x"), "--sex must be f or m"),
])
def test_bad_test_arguments(tmp_path, args, message):
    name, *rest = args
    proc = coach_test(name, str(SAMPLE), *rest, tmp_path=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
