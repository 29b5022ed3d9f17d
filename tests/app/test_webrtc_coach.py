"""The webrtc bridge without a browser: frames pushed as the callback would push them, the page's
queue, the buttons, the end of the session and its record in the store. The pose estimator is
replaced by the synthetic clip's true poses (no MediaPipe: fast and exact)."""
from __future__ import annotations

import numpy as np
import pytest

from coach.app.webrtc_coach import build_coach
from coach.live.factory import LiveOptions


class TruthEstimator:
    """Returns the generator's pose for the frame time; loops like Chromium's fake camera."""

    def __init__(self, poses):
        self.poses = poses
        self.period = poses[-1].timestamp_s + 1 / 30
        self.closed = False
        self.people_last_frame = 1

    def estimate(self, rgb, t):
        from coach.pose.frame import PoseFrame

        i = min(round((t % self.period) * 30), len(self.poses) - 1)
        p = self.poses[i]
        return PoseFrame(t, p.image, p.world, p.size)

    def close(self):
        self.closed = True


@pytest.fixture(scope="module")
def clip():
    from coach.synth import ClipSpec, generate

    return generate(ClipSpec(exercise="sit-to-stand", view="side", reps=4, start_rest_s=2.0))


def _run(coach, seconds: float, fps: float = 30.0, t0: float = 0.0):
    grey = np.full((480, 640, 3), 128, np.uint8)
    for k in range(int(seconds * fps)):
        if coach.finished:
            break
        out = coach.process(grey, t0 + k / fps)
        assert out.shape == (480, 640, 3)
    return t0 + seconds


def test_counts_to_the_target_then_finishes_and_records(app_env, clip):
    from coach.store import Store

    with Store.open() as store:
        store.add_patient("P001")
        estimator = TruthEstimator(clip.poses)
        coach = build_coach(LiveOptions("sit-to-stand", sets=1, reps=clip.truth.true_reps, rest_s=5, model="lite",
                                        speech="none", patient="P001"), store, estimator=estimator)
        _run(coach, 4 * clip.truth.duration_s)
        assert coach.finished and estimator.closed
        last = coach.latest(timeout_s=0.1)
        assert last.finished and last.set_reps == clip.truth.true_reps
        assert coach.summary.reps == clip.truth.true_reps
        assert coach.updates.qsize() == 0  # latest() drained the queue
        session = store.sessions("P001")[0]
        assert session.reps == clip.truth.true_reps and session.status == "complete"
        assert len(store.load_poses(session.id)) > 0


def test_buttons_and_stop_keep_what_was_done(app_env, clip):
    estimator = TruthEstimator(clip.poses)
    coach = build_coach(LiveOptions("sit-to-stand", sets=2, reps=50, speech="none"), estimator=estimator)
    coach.request("go")  # skip the set-up check and countdown
    _run(coach, clip.truth.duration_s)
    status = coach.last_status
    assert status.phase == "active" and 1 <= status.set_reps <= clip.truth.true_reps
    summary = coach.finish("stopped")
    assert summary.status == "stopped" and summary.reps == status.set_reps
    assert coach.finish() is summary  # idempotent
    assert coach.process(np.zeros((480, 640, 3), np.uint8), 999.0) is not None  # frames after the end


def test_queue_keeps_only_the_newest_when_the_page_is_slow(clip):
    from coach.app.webrtc_coach import QUEUE_SIZE

    coach = build_coach(LiveOptions("sit-to-stand", sets=1, speech="none"), estimator=TruthEstimator(clip.poses))
    _run(coach, 3.0)
    assert coach.updates.qsize() == QUEUE_SIZE
    newest = coach.latest(0.1)
    assert newest.frames == coach.session.frames_processed


def test_a_failing_frame_is_reported_not_raised(clip):
    class Broken(TruthEstimator):
        def estimate(self, rgb, t):
            raise RuntimeError("model crashed")

    coach = build_coach(LiveOptions("sit-to-stand", sets=1, speech="none"), estimator=Broken(clip.poses))
    coach.process(np.zeros((480, 640, 3), np.uint8), 0.0)
    assert "model crashed" in coach.latest(0.1).error


def test_hold_summary_words_for_the_patient():
    from coach.app.live_words import hold_summary_lines
    from coach.live.sets import SetResult

    two = SetResult(1, 2, 2, holds={"holds": 2, "best_s": 6.7, "total_s": 11.3})
    head, words = hold_summary_lines([two], "complete", 30.0)
    assert head == "You held 2 times. Your best: 6 seconds. Your target: 30 seconds."  # whole seconds held
    assert words.startswith("All together 11 seconds. Well done!")
    assert hold_summary_lines([two], "complete", 5.0)[0].endswith("You reached your 5-second target!")
    lost = SetResult(1, 3, 1, holds={"holds": 1, "best_s": 3.2, "total_s": 3.2}, ended_by="balance_loss")
    head, words = hold_summary_lines([lost], "stopped", 30.0)
    assert head.startswith("You held 1 time.") and "lost your balance" in words and "physiotherapist" in words
    assert hold_summary_lines([], "stopped")[0] == "No hold was timed."


def test_finish_pressed_after_the_last_rep_is_not_stopping_early():
    from types import SimpleNamespace

    from coach.app.live_words import summary_lines

    done = SimpleNamespace(reps=5, target=5)
    assert "Well done" in summary_lines(5, [done], "stopped")[1]
    assert "stopped early" in summary_lines(3, [SimpleNamespace(reps=3, target=5)], "stopped")[1]
    # the camera cut off before any set began: that, not "check the camera can see you", is the reason
    assert "camera stopped before the exercise began" in summary_lines(0, [], "interrupted")[1]
    assert "whole body" in summary_lines(0, [SimpleNamespace(reps=0, target=5)], "interrupted")[1]
