"""Every bad input named in the foundation issue: one clear line, non-zero exit, no traceback."""
from __future__ import annotations

import json
import subprocess
import sys

import cv2
import pytest

from tests.conftest import write_noise_video


def run_coach(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coach.cli", *args], capture_output=True, text=True, timeout=timeout)


def assert_clean_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("coach: error:")]
    assert len(errors) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in errors[0]


def _zero_frame_video(directory):
    path = directory / "zero.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 48))
    writer.release()  # header only, no frames
    return path


@pytest.mark.parametrize("make, fragments", [
    (lambda d: d / "missing.mp4", ("no such file",)),
    (lambda d: ((d / "notes.mp4").write_text("patient notes, not a video\n" * 100), d / "notes.mp4")[1],
     ("not a readable video",)),
    (_zero_frame_video, ()),
])
def test_unreadable_inputs(tmp_path, make, fragments):
    proc = run_coach("analyze", str(make(tmp_path)), "--exercise", "sit-to-stand", "--out", str(tmp_path / "out"))
    assert_clean_error(proc, *fragments)


def test_unknown_exercise(tmp_path, empty_room_video):
    proc = run_coach("analyze", str(empty_room_video), "--exercise", "jumping-jacks")
    assert_clean_error(proc, "unknown exercise 'jumping-jacks'", "sit-to-stand")


def test_unknown_model(empty_room_video):
    assert_clean_error(run_coach("analyze", str(empty_room_video), "-e", "reach", "--model", "huge"), "unknown model")


def test_truncated_video_saves_what_it_read_and_fails(tmp_path):
    video = write_noise_video(tmp_path / "full.mp4", frames=60)
    cut = tmp_path / "cut.mp4"
    data = video.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.85)])
    out = tmp_path / "out"
    proc = run_coach("analyze", str(cut), "-e", "heel-raise", "--model", "lite", "--out", str(out), "--json")
    assert_clean_error(proc, "truncated")
    summary = json.loads(proc.stdout)
    assert 0 < summary["frames"] < 60
    assert (out / "summary.json").exists() and (out / "reps.csv").exists()


def test_nobody_in_view_gives_zero_reps_and_a_warning(tmp_path, empty_room_video):
    proc = run_coach("analyze", str(empty_room_video), "-e", "sit-to-stand", "--model", "lite",
                     "--out", str(tmp_path / "out"), "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["reps"] == 0
    assert summary["pose_coverage"] == 0
    assert any("nobody" in w for w in summary["warnings"])
    assert "coach: warning: nobody" in proc.stderr


def test_missing_model_names_the_fix(tmp_path, empty_room_video, monkeypatch):
    monkeypatch.setenv("COACH_MODEL_DIR", str(tmp_path))
    proc = run_coach("analyze", str(empty_room_video), "-e", "reach", "--model", "lite")
    assert_clean_error(proc, "models/build_models.py")


def test_no_command_prints_help():
    proc = run_coach()
    assert proc.returncode == 2
    assert "analyze" in proc.stdout
