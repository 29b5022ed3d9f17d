"""``coach analyze --dual-task``: the set's task is kept with the session and its cost reported
against a single-task video or the patient's same-day session, on true landmarks (no MediaPipe: a
stand-in model answers each video with the generator's poses; the videos are plain grey frames).

Truth: the head-turn sets of ``test_dual_task_cost`` (pauses and degrees as made)."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from coach.cli import main
from coach.pose.frame import PoseFrame
from coach.synth.extended import generate_ext
from coach.synth.scripts.head_turn import script
from tests.neuro.test_dual_task_cost import (DUAL_DEG, DUAL_PAUSES, SINGLE_DEG, SINGLE_PAUSES, true_measures,
                                             turns)

FPS = 15.0
GREYS = {"single": 90, "dual": 170}  # each video's plain grey: how the stand-in model knows which it is


class ClipModel:
    """The generator's pose of the video it is shown (told apart by its grey level) at that time."""

    model = "truth"
    mode = "video"

    def __init__(self, clips: dict):
        self.clips = clips
        self.people_last_frame = 1

    def estimate(self, rgb, timestamp_s: float) -> PoseFrame:
        which = min(GREYS, key=lambda k: abs(float(rgb.mean()) - GREYS[k]))
        poses = self.clips[which]
        p = poses[min(max(int(round(timestamp_s * FPS)), 0), len(poses) - 1)]
        return PoseFrame(timestamp_s, p.image, p.world, p.size)

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dual")
    clips, paths = {}, {}
    for name, pauses, degrees in (("single", SINGLE_PAUSES, SINGLE_DEG), ("dual", DUAL_PAUSES, DUAL_DEG)):
        tl, truth = script(turns(pauses, degrees), start_rest_s=2.0)
        clips[name] = generate_ext(tl, truth, "front", fps=FPS).poses
        paths[name] = folder / f"{name}.mp4"
        writer = cv2.VideoWriter(str(paths[name]), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (160, 120))
        frame = np.full((120, 160, 3), GREYS[name], np.uint8)
        for _ in clips[name]:
            writer.write(frame)
        writer.release()
    return clips, paths


def want_costs():
    pace_s, amp_s, cv_s = true_measures(SINGLE_PAUSES, SINGLE_DEG)
    pace_d, amp_d, cv_d = true_measures(DUAL_PAUSES, DUAL_DEG)
    return {"pace": (pace_s - pace_d) / pace_s * 100, "amplitude": (amp_s - amp_d) / amp_s * 100,
            "rhythm": (cv_d - cv_s) / cv_s * 100}


def run_cli(argv, clips, monkeypatch, capsys):
    import coach.commands.analyze as analyze

    real = analyze.run_analysis

    def with_model(video, args):
        args.estimator = ClipModel(clips)
        return real(video, args)

    monkeypatch.setattr(analyze, "run_analysis", with_model)
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def check(cost: dict) -> None:
    want = want_costs()
    assert cost["costs"]["pace"]["cost_pct"] == pytest.approx(want["pace"], abs=3.0)
    assert cost["costs"]["amplitude"]["cost_pct"] == pytest.approx(want["amplitude"], abs=5.0)
    assert cost["costs"]["rhythm"]["cost_pct"] == pytest.approx(want["rhythm"], rel=0.25)
    assert all(c["cost_pct"] > 0 for c in cost["costs"].values())


def test_a_single_task_video_gives_the_true_cost_in_the_json(videos, tmp_path, monkeypatch, capsys):
    clips, paths = videos
    code, out, err = run_cli(["analyze", str(paths["dual"]), "--exercise", "head-turn", "--dual-task", "serial-7s",
                              "--single-task-video", str(paths["single"]), "--no-video", "--quiet", "--json",
                              "--out", str(tmp_path / "out")], clips, monkeypatch, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["reps"] == 9 and data["dual_task"]["task"] == "serial-7s"
    check(data["dual_task"])
    assert data["dual_task"]["single_task_source"] == str(paths["single"])
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["dual_task"] == data["dual_task"]


def test_with_a_patient_the_task_is_kept_and_compared_with_todays_session(videos, tmp_path, monkeypatch, capsys):
    from coach.store import Store

    clips, paths = videos
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    with Store.open() as store:
        store.add_patient("P001")
    common = ["--exercise", "head-turn", "--patient", "P001", "--no-video", "--quiet", "--out", str(tmp_path / "o")]
    code, out, err = run_cli(["analyze", str(paths["single"]), *common], clips, monkeypatch, capsys)
    assert code == 0, err and "Dual task" not in out
    code, out, err = run_cli(["analyze", str(paths["dual"]), *common, "--dual-task", "animals"], clips, monkeypatch, capsys)
    assert code == 0, err
    assert "Dual task: Naming animals" in out and "slower" in out and "smaller" in out
    from coach.reports.dual_task import cost_for_session

    with Store.open() as store:
        single, dual = sorted(store.sessions("P001"), key=lambda s: s.id)
        assert store.load_session(dual.id).settings["dual_task"] == "animals"
        assert "dual_task" not in store.load_session(single.id).settings
        got = cost_for_session(store, dual.id)  # what the review and the report read
        assert got.single_session_id == single.id and cost_for_session(store, single.id) is None
        check(got.to_dict())


def test_bad_task_and_a_lone_single_task_video_are_one_line_errors(videos, tmp_path, monkeypatch, capsys):
    clips, paths = videos
    code, _, err = run_cli(["analyze", str(paths["dual"]), "-e", "head-turn", "--dual-task", "sudoku", "-q"],
                           clips, monkeypatch, capsys)
    assert code == 2 and "unknown thinking task 'sudoku'" in err
    code, _, err = run_cli(["analyze", str(paths["dual"]), "-e", "head-turn", "--single-task-video",
                            str(paths["single"]), "-q"], clips, monkeypatch, capsys)
    assert code == 2 and "needs --dual-task" in err
    code, _, err = run_cli(["analyze", str(paths["dual"]), "-e", "single-leg-stance", "--dual-task", "animals", "-q"],
                           clips, monkeypatch, capsys)
    assert code == 2 and "counted exercises" in err


def test_coach_live_with_a_patient_reports_the_cost_against_todays_set(videos, tmp_path, monkeypatch, capsys):
    """``coach live --patient --dual-task`` with the videos as the camera (played 4x fast, the
    generator's poses as the model): the set without the task first, then the one with it; the
    second's JSON has the cost, within the same tolerances as file mode (measured: pace 29.3 for a
    true 29.3, amplitude 29.8 for 29.6, rhythm 403% for 394%)."""
    import coach.live.factory as factory
    from coach.live.grabber import RealtimeFileSource
    from coach.store import Store

    clips, paths = videos
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    with Store.open() as store:
        store.add_patient("P001")
    real_build = factory.build_runner
    monkeypatch.setattr(factory, "open_source", lambda camera: RealtimeFileSource(camera, speed=4.0))
    monkeypatch.setattr(factory, "build_runner", lambda opts, estimator=None, recorder=None, store=None:
                        real_build(opts, ClipModel(clips), recorder=recorder, store=store))
    common = ["live", "-e", "head-turn", "--patient", "P001", "--no-window", "--json", "--voice", "none",
              "--sets", "1", "--reps", "9"]
    assert main([*common, "--camera", str(paths["single"])]) == 0
    assert "dual_task" not in json.loads(capsys.readouterr().out)
    assert main([*common, "--camera", str(paths["dual"]), "--dual-task", "serial-7s"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reps"] == 9 and out["dual_task"]["task"] == "serial-7s"
    assert [e["detail"].split(":")[0] for e in out["events"] if e["kind"] == "dual_task"] == ["serial-7s"]
    check(out["dual_task"])
