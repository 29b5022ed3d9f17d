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


def test_chair_stand_on_a_short_recording_says_so(tmp_path):
    proc = coach_test("chair-stand-30s", str(SAMPLE), "--age", "72", "--sex", "f", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "5 stands in 30 s" in proc.stdout
    assert "below the normal range" in proc.stdout  # women 70-74: 10-15 (Rikli & Jones)
    assert "ended before 30 s" in proc.stdout


@pytest.mark.parametrize("args, message", [
    (("hop-test",), "unknown test 'hop-test'"),
    (("five-times-sts", "--sex", "x"), "--sex must be f or m"),
])
def test_bad_test_arguments(tmp_path, args, message):
    name, *rest = args
    proc = coach_test(name, str(SAMPLE), *rest, tmp_path=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
