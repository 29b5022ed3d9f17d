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
landmarks still differed by 0.075 of the picture 30 frames after a one-second warm-up). That is
the size of change any imperceptible difference in the input makes (bench/tracker_noise.py: the
model starting one frame later moves rep starts by up to 0.86 s); on 2 cores it would not pay
anyway, the coach's CPU seconds already near the bare loop's wall time (bench_pipeline's ceiling).
"""
from __future__ import annotations

import functools
import threading
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


class _DecodeSchedule:
    """Which frames the reader beside the pose model converts to pictures: every frame the sampler
    will want, and as few others as the conversion's cost calls for, decided so that the frames
    sampled never depend on the two threads' timing.

    The reader asks about frame ``k`` once it is grabbed, and waits until the pose pass is done with
    frame ``k - 2`` (``settle``). If frame ``k - 1`` is not a sample, the next sample due is known:
    the answer is exact. If it is a sample still with the model, its step is not known yet: ``k`` is
    converted now, beside the model (a guess: wasted when the step is longer than one frame), unless
    the stretch is sparse and ``costly()`` says a conversion costs several grabs (a 10-bit phone
    video: ten); then the reader waits for the step, and the frames up to the next sample are
    grabbed after the model instead of beside it, which costs less than converting in vain."""

    def __init__(self, last_index: int, costly: Callable[[], bool] = lambda: False):
        self.last_index = last_index
        self.costly = costly
        self._cond = threading.Condition()
        self._done: dict[int, tuple[int, bool]] = {-1: (0, True)}  # frame -> (next sample due, step was 1)
        self._settled = -1
        self._closed = False

    def decode(self, index: int) -> bool:
        """The reader's question for frame ``index``."""
        if index == self.last_index:
            return True
        with self._cond:
            due, dense = self._after(index - 2)
            if index - 1 >= due:  # frame index - 1 is a sample still with the model
                if dense or not self.costly():
                    return not self._closed  # converted beside the model, in case
                due, dense = self._after(index - 1)
            return index >= due and not self._closed

    def _after(self, index: int) -> tuple[int, bool]:
        """(next sample due, last step one frame) once frame ``index`` is done (called locked)."""
        self._cond.wait_for(lambda: self._closed or self._settled >= index)
        return self._done.get(max(index, -1), (0, True))

    def settle(self, index: int, due: int, dense: bool) -> None:
        """The pose pass is done with frame ``index``: the next sample is due at ``due``."""
        with self._cond:
            self._done[index] = (due, dense)
            self._done.pop(index - 3, None)
            self._settled = index
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def sampled(frames_for: Callable[[Callable[[int], bool]], Iterator[TimedFrame]], estimate: Estimate,
            sampler: AdaptiveSampler, last_index: int = -1, turn=None,
            counter: list[int] | None = None, costly: Callable[[], bool] = lambda: False) -> Iterator[PoseItem]:
    """(frame, raw pose, people in view) for every frame of ``frames_for(decode)``, in order, with the
    pose model run only where ``sampler`` asks (always on the first frame and on ``last_index``); the
    frames between get interpolated poses, and when the frames end before the next sample the last
    one's pose is held. ``frames_for`` gets the reader's question (``_DecodeSchedule.decode``): the
    frames it answers False for may come unconverted (``image`` None), and a frame due for a sample
    that came unconverted moves the sample to the next frame. The frames sampled depend only on the
    poses (never on a reader thread's timing). ``costly()``: the source's conversion to a picture
    costs several grabs (``VideoFileSource.conversion_is_costly``)."""
    counter = counter if counter is not None else [0]
    schedule = _DecodeSchedule(last_index, costly)
    frames = frames_for(schedule.decode)
    pending: list[TimedFrame] = []
    last: PoseFrame | None = None
    people = 0
    due, dense = 0, True
    try:
        for frame in frames:
            frame = _turned(frame, turn)
            if frame.image is None or (frame.index < due and frame.index != last_index):
                pending.append(frame)
                schedule.settle(frame.index, due, dense)
                continue
            raw, people = estimate(frame)
            counter[0] += 1
            step = sampler.observe(raw)
            due, dense = frame.index + step, step == 1
            schedule.settle(frame.index, due, dense)  # before yielding: the reader goes on meanwhile
            if pending:
                between = interpolate(last, raw, [f.timestamp_s for f in pending]) if last is not None else \
                    [PoseFrame.empty(f.timestamp_s, raw.size) for f in pending]
                yield from ((f, p, people) for f, p in zip(pending, between))
                pending = []
            yield frame, raw, people
            last = raw
        if pending and last is not None:
            yield from ((f, p, people) for f, p in zip(pending, hold(last, [f.timestamp_s for f in pending])))
    finally:
        schedule.close()
        close = getattr(frames, "close", None)
        if close is not None:
            close()
