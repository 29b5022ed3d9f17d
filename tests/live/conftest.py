"""Fixtures for the live tests: short generated clips (cached per run) and fake estimators."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from coach.pose.frame import PoseFrame
from coach.synth import ClipSpec, generate, write_clip


class TruthEstimator:
    """Returns the clip's true pose for a timestamp (no MediaPipe), optionally slowly.

    ``delay_s`` makes it stand in for a model slower than the camera.
    """

    model = "truth"

    def __init__(self, poses: list[PoseFrame], fps: float, delay_s: float = 0.0):
        self.poses, self.fps, self.delay_s = poses, fps, delay_s
        self.people_last_frame = 1
        self.calls = 0

    def estimate(self, rgb, timestamp_s: float) -> PoseFrame:
        self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        i = min(max(int(round(timestamp_s * self.fps)), 0), len(self.poses) - 1)
        p = self.poses[i]
        return PoseFrame(timestamp_s, p.image, p.world, p.size)

    def close(self) -> None:
        pass


@pytest.fixture(scope="session")
def sts_clip():
    """Sit-to-stand, side view, 2 reps (about 10 s); small frames keep rendering and the model quick."""
    return generate(ClipSpec(exercise="sit-to-stand", view="side", reps=2, fps=30, size=(320, 240), seed=3))


@pytest.fixture(scope="session")
def sts_video(sts_clip, tmp_path_factory) -> Path:
    path, _ = write_clip(sts_clip, tmp_path_factory.mktemp("live") / "sts2.mp4")
    return path


@pytest.fixture(scope="session")
def lite_estimator_factory():
    """Makes lite-model estimators (skips when the model bundle is missing)."""
    from coach.pose.estimator import PoseEstimator
    from tests.conftest import require_model

    require_model("lite")
    made = []

    def make():
        est = PoseEstimator(model="lite", mode="live")
        made.append(est)
        return est

    yield make
    for est in made:
        est.close()
