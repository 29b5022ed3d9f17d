"""Balance holds drawn by the renderer, seen by MediaPipe lite, timed by the exercise machines:
each hold within 0.2 s of the generator's truth (issue 12), balance losses as events.

Truth comes from the script that made the clip (``coach.synth.scripts``), never from a detector."""
from __future__ import annotations

import pytest

pytest.importorskip("mediapipe")

from coach.synth.extended import generate_ext  # noqa: E402
from coach.synth.neuro_check import HOLD_TOLERANCE_S, compare_holds, estimate, run_machine, smoothed  # noqa: E402
from coach.synth.scene import Look  # noqa: E402
from coach.synth.scripts import single_leg_stance, tandem_stance  # noqa: E402
from tests.conftest import require_model  # noqa: E402

H, T = single_leg_stance.Hold, tandem_stance.TandemHold
SMALL = dict(size=(480, 360), fps=15.0)  # ~0.3 s of CPU per clip second: MediaPipe lite plus drawing


@pytest.fixture(scope="module", autouse=True)
def lite_available():
    require_model("lite")


def seen(kind: str, tl, truth, view: str, seed: int, side: str = "auto", sizes=SMALL):
    clip = generate_ext(tl, truth, view, look=Look(seed=seed), **sizes)
    tracked = estimate(clip, "lite")
    assert tracked.detected >= 0.98
    _, file_mode = run_machine(kind, smoothed(tracked.poses), side)
    return compare_holds(file_mode, clip.truth), clip.truth


@pytest.mark.parametrize("view,stance", [("front", "left"), ("side", "right")])
def test_single_leg_holds_are_timed_to_the_truth(view, stance):
    got, truth = seen("single-leg-stance", *single_leg_stance.script((H(3.5), H(2.5)), stance, start_rest_s=1.5),
                      view, seed=1 if view == "side" else 0)
    assert got["count"] == 2, got
    for row in got["holds"]:
        assert abs(row["error_s"]) <= HOLD_TOLERANCE_S, got
        assert abs(row["start_error_s"]) <= HOLD_TOLERANCE_S, got
        assert row["leg"] == stance
    assert got["events"] == []


def test_a_sudden_step_ends_the_hold_and_is_an_event():
    """The hold ends at the step and the step is an event. Known limit (exercises.single_leg_stance's
    docstring): the foot stepped back to where it stood can read as still up, and a second hold
    opens during the step back (here ~1.5 s after the step, to the end of the clip)."""
    got, truth = seen("single-leg-stance", *single_leg_stance.script((H(3.0, "step"),), "left", start_rest_s=1.5),
                      "side", seed=2)
    assert abs(got["holds"][0]["error_s"]) <= HOLD_TOLERANCE_S, got
    assert abs(got["holds"][0]["end_error_s"]) <= HOLD_TOLERANCE_S, got
    assert got["events"] == ["step"]
    assert got["count"] <= 2, got


def test_tandem_hold_is_timed_to_the_truth():
    """640x480 at 30 fps: at 480x360 and 15 fps the placed foot is seen still ~0.45 s late (the rear
    foot is half hidden behind the front one from the front) and the hold reads ~0.38 s short."""
    got, truth = seen("tandem-stance", *tandem_stance.script((T(4.0),), "right", "tandem", start_rest_s=1.5),
                      "front", seed=3, sizes=dict(size=(640, 480), fps=30.0))
    assert got["count"] == 1, got
    assert abs(got["holds"][0]["error_s"]) <= HOLD_TOLERANCE_S, got


def test_the_fake_camera_clip_times_its_holds(tmp_path):
    """``write_single_leg_stance_y4m`` (Chromium's fake camera in the browser tests): the .y4m's own
    pixels through MediaPipe lite in live mode, causal pass: each hold within 0.2 s."""
    import cv2

    from coach.pose.estimator import PoseEstimator
    from coach.synth import write_single_leg_stance_y4m
    from coach.synth.video import read_y4m

    truth = write_single_leg_stance_y4m(tmp_path / "sls.y4m", holds_s=(4.0, 3.0))
    fps, frames = read_y4m(tmp_path / "sls.y4m")
    assert fps == truth["fps"] and len(frames) == truth["frames"]
    with PoseEstimator("lite", mode="live", people_check_interval_s=0) as est:
        poses = [est.estimate(cv2.cvtColor(f, cv2.COLOR_BGR2RGB), i / fps) for i, f in enumerate(frames)]
    assert all(p.has_person for p in poses)  # in view from the first frame
    live, _ = run_machine("single-leg-stance", smoothed(poses))
    got = compare_holds(live, truth)
    assert got["count"] == 2, got
    assert all(abs(row["error_s"]) <= HOLD_TOLERANCE_S for row in got["holds"]), got
