"""End to end on rendered synthetic clips: the count must equal what the generator made.

The truth comes from the generator's script (``clip.truth``), never from an earlier run.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.synth import ClipSpec, generate, write_clip


def make_clip(directory: Path, name: str, **spec) -> tuple[Path, dict]:
    clip = generate(ClipSpec(**spec))
    path = directory / f"{name}.mp4"
    write_clip(clip, path)
    return path, json.loads(path.with_suffix(".json").read_text())


def analyze_json(video: Path, exercise: str, out: Path, *extra: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "coach.cli", "analyze", str(video), "--exercise", exercise,
                           "--out", str(out), "--json", "--quiet", *extra],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# The three exercises the foundation issue names, clean clips, default (full) model.
@pytest.mark.parametrize("exercise, view, reps, fps, size", [
    ("sit-to-stand", "side", 3, 30, (640, 480)),
    ("heel-raise", "front", 4, 25, (480, 360)),
    ("reach", "side", 3, 30, (640, 480)),
])
def test_analyze_json_counts_exactly(tmp_path, exercise, view, reps, fps, size):
    video, truth = make_clip(tmp_path, f"{exercise}_{view}", exercise=exercise, view=view, reps=reps, fps=fps,
                             size=size, seed=reps)
    summary = analyze_json(video, exercise, tmp_path / "out")
    assert summary["reps"] == truth["true_reps"] == reps
    assert len(summary["rep_events"]) == reps
    assert summary["frames"] == truth["frames"]
    assert summary["fps"] == pytest.approx(fps, rel=0.01)
    assert summary["duration_s"] == pytest.approx(truth["frames"] / fps, abs=0.1)
    assert summary["pose_coverage"] > 0.8
    for event in summary["rep_events"]:
        assert {"index", "start_s", "end_s", "metrics", "faults"} <= set(event)
        assert 0 <= event["start_s"] < event["end_s"] <= summary["duration_s"]
    # Every rep the coach reports overlaps a rep the generator made.
    true_windows = [(r["start_s"], r["end_s"]) for r in truth["reps"] if r["counted"]]
    for event in summary["rep_events"]:
        assert any(s - 0.5 <= event["end_s"] and event["start_s"] <= e + 0.5 for s, e in true_windows)
    out = tmp_path / "out"
    assert (out / "annotated.mp4").stat().st_size > 10_000
    assert (out / "reps.csv").read_text().count("\n") == reps + 1


def test_half_stand_is_not_counted(tmp_path):
    video, truth = make_clip(tmp_path, "sts_partial", exercise="sit-to-stand", view="side", reps=3,
                             partial_reps=(2,), seed=7)
    summary = analyze_json(video, "sit-to-stand", tmp_path / "out", "--no-video")
    assert truth["true_reps"] == 3
    assert summary["reps"] == 3
    assert any("incomplete_stand" in {f["code"] for f in a["faults"]} for a in summary["attempts_not_counted"])


def test_eval_harness_on_a_generated_manifest(tmp_path):
    rows = []
    for name, spec in {
        "sts_front": dict(exercise="sit-to-stand", view="front", reps=3, seed=1),
        "arm_raise_front": dict(exercise="arm-raise", view="front", reps=3, seed=2, size=(480, 360)),
        "squat_front": dict(exercise="squat", view="front", reps=3, seed=3, fps=25),
    }.items():
        video, truth = make_clip(tmp_path, name, **spec)
        times = ",".join(f"{r['end_s']:.2f}" for r in truth["reps"] if r["counted"])
        rows.append(f"{video.name}\t{spec['exercise']}\t{truth['true_reps']}\t{times}")
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("file\texercise\ttrue_reps\trep_times_s\n" + "\n".join(rows) + "\n")
    proc = subprocess.run([sys.executable, "-m", "coach.cli", "eval", str(manifest), "--json"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["totals"]["clips"] == 3
    assert [c["count_error"] for c in report["clips"]] == [0, 0, 0]
    assert report["totals"]["exact_rate"] == 1.0
    # The live count is the live loop itself (the clip played as a camera, in real time): it sees
    # the same reps, raises no fall on squats, sit-to-stands or arm raises, and says how it measured.
    assert "live loop" in report["live_measured_by"]
    assert all(abs(c["live_reps"] - c["true_reps"]) <= 1 for c in report["clips"]), report["clips"]
    assert report["totals"]["live_falls"] == 0
