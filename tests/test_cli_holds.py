"""``coach analyze`` on a rendered balance-hold clip, through the real pose model: the holds'
times against the generator's truth, the files a physio keeps, and the annotated frame's clock."""
from __future__ import annotations

import csv
import json

import pytest

from coach.cli import main

pytest.importorskip("mediapipe")

HOLD_TOLERANCE_S = 0.2  # issue 12: hold times to 0.2 s


@pytest.fixture(scope="module")
def hold_clip(tmp_path_factory):
    out = tmp_path_factory.mktemp("hold")
    assert main(["synth", "--exercise", "single-leg-stance", "--view", "front", "--reps", "2", "--out", str(out),
                 "--name", "sls"]) == 0
    return out / "sls.mp4", json.loads((out / "sls.json").read_text())


def test_holds_are_timed_and_kept_for_the_physio(hold_clip, tmp_path, capsys):
    video, truth = hold_clip
    assert main(["analyze", str(video), "--exercise", "single-leg-stance", "--model", "lite", "--out",
                 str(tmp_path), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Standing on one leg: 2 holds")
    summary = json.loads((tmp_path / "summary.json").read_text())
    true_holds = [r for r in truth["reps"] if r["counted"]]
    assert summary["holds"]["holds"] == len(true_holds) == 2
    for got, want in zip(summary["rep_events"], true_holds):
        assert got["metrics"]["hold_s"] == pytest.approx(want["metrics"]["hold_s"], abs=HOLD_TOLERANCE_S)
        assert got["start_s"] == pytest.approx(want["start_s"], abs=HOLD_TOLERANCE_S)
        assert got["reason"]  # why the hold ended, for the physio
    assert summary["holds"]["best_s"] == pytest.approx(max(r["metrics"]["hold_s"] for r in true_holds),
                                                       abs=HOLD_TOLERANCE_S)
    assert summary["balance_events"] == []  # both holds end with the foot put down, no step
    rows = list(csv.DictReader((tmp_path / "reps.csv").open()))
    assert [float(r["hold_s"]) for r in rows] == pytest.approx([r["metrics"]["hold_s"] for r in true_holds],
                                                                abs=HOLD_TOLERANCE_S)
    assert all(r["reason"] for r in rows)  # why each hold ended


def test_nothing_timed_is_never_silent():
    """A one-leg stand read as a tandem stance (true landmarks, no pose model): the person is seen,
    never in that position, and the warning says so."""
    from coach.synth.extended import generate_ext
    from coach.synth.scripts.single_leg_stance import Hold, script
    from exercises import create_exercise

    timeline, truth = script((Hold(4.0), Hold(4.0)), "left")
    clip = generate_ext(timeline, truth, "front")
    ex = create_exercise("tandem-stance")
    events = [e for p in clip.poses for e in ex.update(p)] + ex.finish(clip.poses[-1].timestamp_s)
    assert ex.holds == []
    assert any(e.kind == "warning" and "never in a narrow stance" in e.message for e in events), events
