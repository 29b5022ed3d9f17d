"""The pose model's pass over a video file: which frames it sees.

File mode wants a pose for every frame, in order: ``(frame, raw pose, people in view)``. Two ways
to get them, yielding the same items:

- ``every_frame``: the model on every frame;
- ``sampled``: the model where the movement needs it (``coach.pose.sampling``), the frames between
  interpolated and, when nobody needs their pictures, never colour-converted.

Not done, measured: cutting a recording into time segments, each with its own pose model on its own
core. MediaPipe's tracker carries state from frame to frame (its crop follows the last pose), so a
segment's second start follows a different track for the rest of the segment, however long its
warm-up: on the squat and heel-raise clips of ../shared/eval a rep's start moved by 0.5 s (the
landmarks still differed by 0.075 of the picture 30 frames after a one-second warm-up).
"""
from __future__ import annotations

import functools
from typing import Callable, Iterator

import cv2

from coach.pipeline import estimate_frame
from coach.pose.frame import PoseFrame
from coach.pose.sampling import AdaptiveSampler, hold, interpolate
from coach.sources import TimedFrame

PoseItem = tuple[TimedFrame, PoseFrame, int]  # (frame, raw pose, people in view)
Estimate = Callable[[TimedFrame], tuple[PoseFrame, int]]


def estimate_with(estimator) -> Estimate:
    """``frame -> (raw pose, people in view)`` with ``estimator`` (``coach.pipeline.estimate_frame``)."""
    return functools.partial(estimate_frame, estimator)


def _turned(frame: TimedFrame, turn) -> TimedFrame:
    if turn is None or frame.image is None:
        return frame
    return TimedFrame(frame.index, frame.timestamp_s, cv2.rotate(frame.image, turn))


def every_frame(frames, estimate: Estimate, turn=None, counter: list[int] | None = None) -> Iterator[PoseItem]:
    """(frame, raw pose, people in view) with the pose model on every frame of ``frames``."""
    counter = counter if counter is not None else [0]
    try:
        for frame in frames:
            frame = _turned(frame, turn)
            counter[0] += 1
            yield (frame, *estimate(frame))
    finally:
        close = getattr(frames, "close", None)
        if close is not None:
            close()


def sampled(frames_for: Callable[[Callable[[int], bool]], Iterator[TimedFrame]], estimate: Estimate,
            sampler: AdaptiveSampler, last_index: int = -1, turn=None,
            counter: list[int] | None = None) -> Iterator[PoseItem]:
    """(frame, raw pose, people in view) for every frame of ``frames_for(wanted)``, in order, with the
    pose model run only where ``sampler`` asks (always on the first frame and on ``last_index``); the
    frames between get interpolated poses, and when the frames end before the next sample the last
    one's pose is held. ``frames_for`` is told which frames the model wants: the others may come
    undecoded (``image`` None). The frames sampled depend only on the poses (never on a reader
    thread's timing)."""
    counter = counter if counter is not None else [0]
    due: list[int | None] = [None]  # the next frame to sample (None: the first frame there is)

    def wanted(index: int) -> bool:
        return due[0] is None or index >= due[0] or index == last_index

    frames = frames_for(wanted)
    pending: list[TimedFrame] = []
    last: PoseFrame | None = None
    people = 0
    try:
        for frame in frames:
            frame = _turned(frame, turn)
            if not wanted(frame.index) or frame.image is None:
                pending.append(frame)
                continue
            raw, people = estimate(frame)
            counter[0] += 1
            if pending:
                between = interpolate(last, raw, [f.timestamp_s for f in pending]) if last is not None else \
                    [PoseFrame.empty(f.timestamp_s, raw.size) for f in pending]
                yield from ((f, p, people) for f, p in zip(pending, between))
                pending = []
            yield frame, raw, people
            last = raw
            due[0] = frame.index + sampler.observe(raw)
        if pending and last is not None:
            yield from ((f, p, people) for f, p in zip(pending, hold(last, [f.timestamp_s for f in pending])))
    finally:
        close = getattr(frames, "close", None)
        if close is not None:
            close()
