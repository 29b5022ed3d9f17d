"""One frame through the engine: pose -> smoothing -> exercise.

Shared by file analysis, the live loop and the browser app, so every path counts the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2

from coach.pose.frame import PoseFrame
from coach.smoothing import PoseSmoother
from coach.sources import TimedFrame
from exercises import create_exercise
from exercises.base import Event, Exercise, ExerciseState


@dataclass(frozen=True)
class FrameResult:
    frame: TimedFrame
    pose: PoseFrame  # smoothed
    raw_pose: PoseFrame
    people: int  # people in view: this frame's, or more if the last second-person check saw more
    events: list[Event]
    state: ExerciseState


def estimate_frame(estimator, frame: TimedFrame) -> tuple[PoseFrame, int]:
    """(raw pose, people in view) of a BGR frame by ``estimator`` (it wants RGB): this frame's
    person, or more when the estimator's last second-person check saw more."""
    raw = estimator.estimate(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB), frame.timestamp_s)
    return raw, max(int(raw.has_person), getattr(estimator, "people_at_last_check", 0))


class Pipeline:
    """Feeds frames to an estimator (anything with ``estimate(rgb, t) -> PoseFrame``) and an exercise.

    ``two_pass``: a recording (file mode) is counted twice: the first, causal pass is what the
    annotated video shows as it goes; at ``finish`` the exercise is re-run over the same smoothed
    poses with the person's own levels from the whole recording, and that result replaces it.
    Live stays causal. Default: two passes when the estimator runs in "video" mode.
    """

    def __init__(self, estimator, exercise: Exercise, smoother: PoseSmoother | None = None,
                 two_pass: bool | None = None):
        self.estimator = estimator
        self.exercise = exercise
        self.smoother = smoother or PoseSmoother()
        self.last_time_s = 0.0
        if two_pass is None:
            two_pass = getattr(estimator, "mode", "live") == "video"
        self.two_pass = two_pass
        self.first_pass: Exercise | None = None  # the causal pass (what live would count), for coach eval
        self._poses: list[PoseFrame] = []

    @classmethod
    def for_exercise(cls, estimator, exercise: str, side: str = "auto", overrides: dict | None = None,
                     two_pass: bool | None = None) -> "Pipeline":
        return cls(estimator, create_exercise(exercise, side=side, overrides=overrides), two_pass=two_pass)

    def process(self, frame: TimedFrame) -> FrameResult:
        return self.process_pose(frame, *self.estimate(frame))

    def estimate(self, frame: TimedFrame) -> tuple[PoseFrame, int]:
        """The pose model's part: (raw pose, people in view). Separate so a caller can run the
        model for the next frame while the exercise logic handles this one."""
        return estimate_frame(self.estimator, frame)

    def process_pose(self, frame: TimedFrame, raw: PoseFrame, people: int = 1) -> FrameResult:
        pose = self.smoother.apply(raw)
        if self.two_pass:
            self._poses.append(pose)
        events = self.exercise.update(pose)
        self.last_time_s = frame.timestamp_s
        return FrameResult(frame, pose, raw, people, events, self.exercise.state)

    def finish(self) -> list[Event]:
        events = self.exercise.finish(self.last_time_s)
        if self.two_pass:
            self.first_pass = self.exercise
            self.exercise = self.exercise.second_pass(self._poses)
            self._poses = []
            events = []  # the second pass's outcome is in its reps and warnings
        return events
