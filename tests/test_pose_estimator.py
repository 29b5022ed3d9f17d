"""The MediaPipe wrapper on rendered synthetic frames: plain arrays out, right shapes and units."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from coach.analysis import analyze_video
from coach.pose.estimator import PoseEstimator
from coach.pose.frame import PoseFrame, PoseSeries
from coach.pose.landmarks import Landmark
from coach.synth import ClipSpec, generate
from coach.video_writer import BrowserVideoWriter


@pytest.fixture(scope="module")
def front_clip():
    return generate(ClipSpec(exercise="arm-raise", view="front", reps=1, size=(480, 360), seed=5,
                             start_rest_s=1.0, end_rest_s=0.5))


def test_estimate_returns_numpy_pose_near_the_truth(front_clip):
    frames = list(front_clip.frames())
    with PoseEstimator("lite") as estimator:
        poses = [estimator.estimate(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), i / front_clip.fps)
                 for i, img in enumerate(frames[:20])]
    found = [p for p in poses if p.has_person]
    assert len(found) >= 18
    pose, truth = found[-1], front_clip.poses[len(poses) - 1]
    assert isinstance(pose.image, np.ndarray) and pose.image.shape == (33, 4)
    assert pose.world.shape == (33, 3)
    assert pose.size == (480, 360)
    joints = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
    error_px = np.linalg.norm(pose.xy_px[joints] - truth.xy_px[joints], axis=1)
    assert error_px.max() < 25, error_px
    # World landmarks are metres around the hips: shoulder width of an adult, not pixels.
    width = np.linalg.norm(pose.world[Landmark.LEFT_SHOULDER] - pose.world[Landmark.RIGHT_SHOULDER])
    assert 0.2 < width < 0.6


def test_nobody_gives_an_empty_pose_and_timestamps_may_repeat():
    blank = np.full((240, 320, 3), 128, np.uint8)
    with PoseEstimator("lite") as estimator:
        first = estimator.estimate(blank, 1.0)
        again = estimator.estimate(blank, 1.0)  # same timestamp: must not raise
    assert not first.has_person and not again.has_person
    assert first.timestamp_s == 1.0 and first.size == (320, 240)
    assert not first.visible(Landmark.NOSE)


def test_pose_series_round_trip_keeps_gaps(tmp_path, front_clip):
    frames = [front_clip.poses[0], PoseFrame.empty(0.04, (480, 360)), front_clip.poses[2]]
    series = PoseSeries.from_frames(frames)
    series.save(tmp_path / "p.npz")
    back = PoseSeries.load(tmp_path / "p.npz")
    assert back.image.shape == (3, 33, 4)
    assert [f.has_person for f in back] == [True, False, True]
    np.testing.assert_allclose(back.frame(2).image, front_clip.poses[2].image)


def test_pose_frame_rejects_bad_shapes():
    with pytest.raises(ValueError):
        PoseFrame(0.0, np.zeros((17, 4)), np.zeros((33, 3)), (10, 10))
    with pytest.raises(ValueError):
        PoseFrame(0.0, np.zeros((33, 4)), None, (10, 10))


def test_two_people_in_view_are_warned_about(tmp_path, front_clip):
    """Two figures side by side (two rendered frames joined): the analysis says so."""
    path = tmp_path / "two.mp4"
    frames = list(front_clip.frames())[:75]
    with BrowserVideoWriter(path, front_clip.fps, (960, 360)) as writer:
        for img in frames:
            writer.write(np.hstack([img, img[:, ::-1]]))
    result = analyze_video(path, "arm-raise", model="lite")
    assert any("two people" in w for w in result.warnings), result.warnings
