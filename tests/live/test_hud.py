"""The live screen: renders every phase without error and writes PNGs a person can look at.

Set COACH_HUD_PNG_DIR to keep the PNGs (they go to pytest's tmp dir otherwise).
"""
import os
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from coach.live.factory import LiveOptions, build_session
from coach.live.hud import LiveHud, mirror_pose
from coach.live.setup_check import SetupProblem, SetupResult
from exercises import EXERCISES

CHAIR_REMINDER = EXERCISES["sit-to-stand"].setup.reminders[0]
from coach.sources import TimedFrame
from coach.synth import ClipSpec, generate

from tests.live.conftest import TruthEstimator


@pytest.fixture(scope="module")
def frame_and_update():
    clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=1, seed=2))
    image = next(iter(clip.frames()))
    opts = LiveOptions(exercise="sit-to-stand", sets=2, reps=10, window=False, speech="none")
    session = build_session(opts, TruthEstimator(clip.poses, clip.fps))
    update = session.push(TimedFrame(0, 0.0, image))
    return image, update


PHASES = {
    "active_count": dict(phase="active", set_reps=3, cue_text="Three", cue_kind="count"),
    "active_coach": dict(phase="active", set_reps=3, cue_text="Nice and slow on the way down", cue_kind="coach"),
    "setup": dict(phase="setup", setup=SetupResult(False, (SetupProblem("cut_off_feet", "Step back so your feet are in view"),),
                                                 (CHAIR_REMINDER,))),
    "countdown": dict(phase="countdown", time_left_s=2.4),
    "rest": dict(phase="rest", time_left_s=45),
    "paused": dict(phase="paused", pause_reason="fall"),
    "done": dict(phase="done"),
}


@pytest.mark.parametrize("name", list(PHASES))
def test_every_phase_renders(frame_and_update, name, tmp_path):
    image, update = frame_and_update
    hud = LiveHud(mirror=True)
    out = hud.render(image, update.result.pose, replace(update, **PHASES[name]))
    assert out.shape == image.shape and out.dtype == np.uint8
    assert not np.array_equal(out, cv2.flip(image, 1))  # something was drawn
    folder = Path(os.environ.get("COACH_HUD_PNG_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(folder / f"hud_{name}.png"), out)


def test_camera_lost_screen_has_no_image_but_still_renders(frame_and_update):
    _, update = frame_and_update
    out = LiveHud(frame_size=(320, 240)).render(None, None, replace(update, result=None, phase="paused",
                                                                     pause_reason="camera_lost"))
    assert out.shape == (240, 320, 3)


def test_mirrored_pose_flips_x_only(frame_and_update):
    _, update = frame_and_update
    pose = update.result.pose
    m = mirror_pose(pose)
    assert np.allclose(m.image[:, 0], 1 - pose.image[:, 0]) and np.allclose(m.image[:, 1:], pose.image[:, 1:])


def test_window_without_a_display_is_a_clear_error(monkeypatch, capfd, sts_video):
    from coach.cli import main

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    code = main(["live", "--exercise", "sit-to-stand", "--camera", str(sts_video)])
    assert code == 2
    assert "--no-window" in capfd.readouterr().err  # (the CLI writes to a dup of fd 2)


def test_bad_options_are_one_line_errors(capsys, sts_video):
    from coach.cli import main

    assert main(["live", "--exercise", "jumping", "--no-window"]) == 2
    assert "unknown exercise" in capsys.readouterr().err
    assert main(["live", "--exercise", "squat", "--sets", "0", "--no-window", "--camera", str(sts_video)]) == 2
    assert main(["live", "--exercise", "squat", "--no-window", "--camera", "/nope/missing.mp4"]) == 2
    assert "no such file" in capsys.readouterr().err
