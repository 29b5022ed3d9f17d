"""The set-up check on generated clips seen through the real (lite) pose model."""
import numpy as np
import pytest

from coach.live.setup_check import check_setup, frame_brightness, needs_for
from coach.pose.landmarks import Landmark as L
from coach.synth import ClipSpec, generate

SECONDS = 1.5  # the quiet start of every clip: the check looks at this much


def first_frames(spec: ClipSpec):
    clip = generate(spec)
    n = int(SECONDS * spec.fps)
    return clip, [img for _, img in zip(range(n), clip.frames())]


def check(estimator, images, exercise, fps=30.0):
    import cv2

    poses = [estimator.estimate(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), i / fps) for i, img in enumerate(images)]
    brightness = float(np.mean([frame_brightness(img) for img in images]))
    return check_setup(poses, brightness, needs_for(exercise))


@pytest.fixture(scope="module")
def side_sts():
    return first_frames(ClipSpec(exercise="sit-to-stand", view="side", reps=1, seed=5))


def test_good_setup_passes(side_sts, lite_estimator_factory):
    _, images = side_sts
    result = check(lite_estimator_factory(), images, "sit-to-stand")
    assert result.ok, result.problems
    assert any("chair" in r for r in result.reminders)  # the chair-against-the-wall reminder


def test_cut_off_at_the_knees_asks_to_step_back(side_sts, lite_estimator_factory):
    clip, images = side_sts
    knee_y = int(np.nanmin(clip.poses[0].xy_px[[L.LEFT_KNEE, L.RIGHT_KNEE], 1]))
    cropped = [np.ascontiguousarray(img[:knee_y]) for img in images]
    result = check(lite_estimator_factory(), cropped, "sit-to-stand")
    assert not result.ok
    assert result.problems[0].code in ("cut_off_feet", "cut_off_legs", "no_person")
    assert "Step" in result.instruction


def test_wrong_view_for_sit_to_stand(lite_estimator_factory):
    _, images = first_frames(ClipSpec(exercise="sit-to-stand", view="front", reps=1, seed=6))
    result = check(lite_estimator_factory(), images, "sit-to-stand")
    assert not result.ok and "wrong_view" in result.codes
    assert result.instruction == "Turn sideways to the camera"


def test_dark_room(side_sts, lite_estimator_factory):
    _, images = side_sts
    dark = [(img.astype(np.float32) * 0.2).astype(np.uint8) for img in images]
    result = check(lite_estimator_factory(), dark, "sit-to-stand")
    assert not result.ok and result.codes == ("dark",) and result.instruction == "Turn on a light"


def test_arm_raise_needs_only_the_upper_body(lite_estimator_factory):
    clip, images = first_frames(ClipSpec(exercise="arm-raise", view="front", reps=1, seed=7))
    hip_y = int(np.nanmax(clip.poses[0].xy_px[[L.LEFT_HIP, L.RIGHT_HIP], 1]))
    cropped = [np.ascontiguousarray(img[:hip_y + 60]) for img in images]  # legs out of the picture
    result = check(lite_estimator_factory(), cropped, "arm-raise")
    assert result.ok, result.problems


def test_too_short_a_look_does_not_pass(side_sts, lite_estimator_factory):
    _, images = side_sts
    assert not check(lite_estimator_factory(), images[:10], "sit-to-stand").ok
