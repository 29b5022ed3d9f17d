"""The whole live loop, headless, with a file or a fake camera standing in for the webcam."""
import json
import time

import numpy as np
import pytest

from coach.live.factory import LiveOptions, build_session
from coach.live.grabber import LatestFrameGrabber, RealtimeFileSource
from coach.live.runner import LiveRunner
from coach.sources import TimedFrame
from coach.synth import ClipSpec, generate

from tests.live.conftest import TruthEstimator


def headless(exercise="sit-to-stand", sets=1, reps=20, rest_s=0.0) -> LiveOptions:
    return LiveOptions(exercise=exercise, sets=sets, reps=reps, rest_s=rest_s, window=False, speech="none")


def test_cli_json_with_a_file_as_camera_counts_the_true_reps(sts_video, sts_clip, capsys):
    from coach.cli import main

    code = main(["live", "--exercise", "sit-to-stand", "--camera", str(sts_video), "--no-window", "--json",
                 "--model", "lite", "--sets", "1", "--reps", "10", "--voice", "none"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reps"] == sts_clip.truth.true_reps == 2
    assert out["sets"][0]["reps"] == 2
    assert out["frames_seen"] == out["frames_processed"] + out["frames_dropped"]
    assert out["frames_seen"] >= 0.95 * len(sts_clip.poses)
    assert out["latency_ms"]["p50"] is not None and out["latency_ms"]["p95"] < 250
    assert out["status"] == "source_ended"


def test_slow_estimator_drops_frames_instead_of_falling_behind(sts_video, sts_clip):
    estimator = TruthEstimator(sts_clip.poses, sts_clip.fps, delay_s=0.060)
    session = build_session(headless(), estimator)
    runner = LiveRunner(session, LatestFrameGrabber(RealtimeFileSource(sts_video)))
    start = time.monotonic()
    summary = runner.run()
    wall = time.monotonic() - start
    clip_s = len(sts_clip.poses) / sts_clip.fps
    assert summary.frames_dropped > 0.3 * summary.frames_seen  # ~16 of 30 frames a second get processed
    assert summary.frames_seen == summary.frames_processed + summary.frames_dropped
    assert wall < clip_s + 1.0  # no backlog: done as soon as the "camera" is
    lat = summary.latency()
    assert lat["p95"] < 60 + 33 + 60  # model time + at most a frame's wait + slack; never growing
    late = summary.latencies_ms[-20:]
    assert max(late) < 200
    assert summary.reps == sts_clip.truth.true_reps  # timestamps, not frame counts, drive the logic


class FlakyCamera:
    """Delivers the clip in (accelerated) real time, goes silent for ``gap_s`` of clip time
    starting at ``lost_at_s`` (frames in the gap never arrive), then comes back."""

    def __init__(self, n_frames, fps, lost_at_s, gap_s, speed=3.0):
        self.n, self.fps, self.speed = n_frames, fps, speed
        self.lost_at, self.gap = lost_at_s, gap_s
        self.i, self.reopens, self.start = 0, 0, None
        self.image = np.full((480, 640, 3), 128, np.uint8)

    def _clip_time(self):
        return (time.monotonic() - self.start) * self.speed

    def read(self):
        if self.start is None:
            self.start = time.monotonic()
        if self.i >= self.n:
            return None
        t = self.i / self.fps
        wait = t / self.speed - (time.monotonic() - self.start)
        if wait > 0:
            time.sleep(wait)
        if self.lost_at <= self._clip_time() < self.lost_at + self.gap:
            return None  # unplugged
        self.i = max(self.i, int(self._clip_time() * self.fps))  # a camera delivers "now", not the past
        if self.i >= self.n:
            return None
        frame = TimedFrame(self.i, self.i / self.fps, self.image)
        self.i += 1
        return frame

    def reopen(self):
        self.reopens += 1
        return True

    @property
    def ended(self):
        return self.i >= self.n


@pytest.fixture(scope="module")
def paused_clip():
    # A long pause after the 2nd rep: the camera drops out during it.
    return generate(ClipSpec(exercise="sit-to-stand", view="side", reps=3, pauses_s={2: 4.0}, seed=4))


def test_camera_lost_mid_set_pauses_keeps_counts_and_resumes(paused_clip):
    reps = paused_clip.truth.reps
    lost_at = reps[1].end_s + 0.8
    camera = FlakyCamera(len(paused_clip.poses), paused_clip.fps, lost_at_s=lost_at, gap_s=2.0)
    session = build_session(headless(), TruthEstimator(paused_clip.poses, paused_clip.fps))
    updates = []
    session.sinks.append(type("Spy", (), {"on_update": lambda self, u: updates.append(u),
                                          "close": lambda self, s: None})())
    summary = LiveRunner(session, LatestFrameGrabber(camera, retry_s=0.05)).run()
    kinds = [e.kind for e in summary.events]
    assert "camera_lost" in kinds and "camera_back" in kinds
    assert kinds.index("camera_lost") < kinds.index("camera_back")
    lost = next(e for e in summary.events if e.kind == "camera_lost")
    assert abs(lost.time_s - lost_at) < 0.5
    paused = [u for u in updates if u.phase == "paused"]
    assert paused and paused[0].pause_reason == "camera_lost" and paused[0].set_reps == 2
    assert any("camera" in u.cue_text.lower() for u in paused)
    assert camera.reopens > 0
    assert summary.reps == paused_clip.truth.true_reps  # counts kept, the last rep after the return counted
    assert len(summary.sets) == 1  # the same set carried on


def test_push_api_without_a_source(sts_clip):
    """The browser app pushes frames itself: same session, no grabber."""
    session = build_session(headless(), TruthEstimator(sts_clip.poses, sts_clip.fps))
    image = np.full((240, 320, 3), 128, np.uint8)
    last = None
    for i in range(len(sts_clip.poses)):
        last = session.push(TimedFrame(i, i / sts_clip.fps, image))
    assert last.image is not None and last.image.shape == image.shape
    summary = session.finish()
    assert summary.reps == sts_clip.truth.true_reps and summary.frames_processed == len(sts_clip.poses)


def test_sets_and_rest_split_the_reps(sts_clip):
    session = build_session(headless(sets=2, reps=2, rest_s=0.5), TruthEstimator(sts_clip.poses, sts_clip.fps))
    image = np.full((480, 640, 3), 128, np.uint8)
    spoken = []
    for i in range(len(sts_clip.poses)):
        spoken += [c.text for c in session.push(TimedFrame(i, i / sts_clip.fps, image)).cues]
    summary = session.finish()
    assert [s.reps for s in summary.sets][0] == 2
    assert "Set one done, rest 0 seconds" in spoken or any(t.startswith("Set one done") for t in spoken)
    assert "One" in spoken and "Two" in spoken
