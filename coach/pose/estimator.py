"""The only module that imports MediaPipe: image in, ``PoseFrame`` out.

Uses the Tasks API (``PoseLandmarker``). VIDEO mode for files (tracking between frames, needs
strictly increasing timestamps); LIVE mode for cameras runs the same synchronous call on the
newest frame, because the capture loop already drops stale frames and wants the result now.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.model_files import model_path


class PoseEstimator:
    """Wraps ``mediapipe.tasks.python.vision.PoseLandmarker``.

    ``mode``: "video" (files) or "live" (cameras). Both track across frames; timestamps given to
    ``estimate`` must increase. The tracker follows ONE person: asking it for two changes its
    tracking and cost it most reps on real squat clips, so a second, untracked landmarker looks
    for a second person every ``people_check_interval_s`` instead (``people_at_last_check``; 0 = off).
    Asked for two poses in the whole picture, that landmarker often returns only the more prominent
    person; so the check greys out the tracked person first and looks at the rest of the picture:
    anyone found there is a second person. Every 0.5 s (~24 ms each) a person in view for more than
    a second is seen at least twice; ``two_people_seconds`` adds up how long two were in view.
    In "video" mode a check runs on its own thread beside the tracker (a second core hides its
    cost): its answer counts from the first ``estimate`` after it is done, and ``close`` waits for
    the last one. In "live" mode it answers for the frame it ran on.

    ``keep_people``: keep every pose of every frame in ``people_per_frame`` (a list per frame), for
    a caller that must pick the patient among several people itself (``coach.pose.patient``; the
    Timed Up and Go asks ``num_poses=3``). ``estimate`` still returns the model's first pose.
    """

    def __init__(self, model: str = "full", mode: str = "video", num_poses: int = 1,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5,
                 people_check_interval_s: float = 0.5, keep_people: bool = False):
        import mediapipe as mp  # imported here so pure modules never pay for it
        from mediapipe.tasks.python import BaseOptions, vision

        if mode not in ("video", "live"):
            raise ValueError(f"mode must be 'video' or 'live', got {mode!r}")
        self._mp = mp
        self.model = model
        self.mode = mode
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path(model))),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self._people_checker = None
        if people_check_interval_s > 0:
            self._people_checker = vision.PoseLandmarker.create_from_options(vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(model_path("lite"))),
                running_mode=vision.RunningMode.IMAGE, num_poses=2,
                min_pose_detection_confidence=min_detection_confidence,
                min_pose_presence_confidence=min_detection_confidence))
        self.people_check_interval_s = people_check_interval_s
        self._checks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="people-check") \
            if self._people_checker is not None and mode == "video" else None
        self._check: Future | None = None  # the check in flight, if any
        self._next_people_check_s = 0.0
        self._last_ms = -1
        self.people_last_frame = 0  # people the tracker returned for the last frame (0 or 1)
        self.people_at_last_check = 0  # people the second-person check saw last time it ran
        self.people_checks = 0  # second-person checks run, and how many saw two or more people
        self.checks_with_two_people = 0
        self.two_people_seconds = 0.0
        self.keep_people = keep_people
        self.people_per_frame: list[list[PoseFrame]] = []

    def estimate(self, rgb: np.ndarray, timestamp_s: float) -> PoseFrame:
        """Pose of the most prominent person in an RGB uint8 image (H, W, 3)."""
        h, w = rgb.shape[:2]
        ms = int(round(timestamp_s * 1000))
        if ms <= self._last_ms:  # MediaPipe rejects non-increasing timestamps
            ms = self._last_ms + 1
        self._last_ms = ms
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        result = self._landmarker.detect_for_video(image, ms)
        self.people_last_frame = len(result.pose_landmarks)
        if self._check is not None and self._check.done():
            self._count_check()
        if self._people_checker is not None and timestamp_s >= self._next_people_check_s:
            self._next_people_check_s = timestamp_s + self.people_check_interval_s
            if self._check is not None:  # one in flight at a time (a slow machine waits here)
                self._count_check()
            tracked = result.pose_landmarks[0] if result.pose_landmarks else None
            if self._checks is not None:
                self._check = self._checks.submit(self._count_people, rgb, image, tracked)
            else:  # live: this frame's answer now (the set-up check and the safety monitor read it)
                self._tally(self._count_people(rgb, image, tracked))
        if self.keep_people:
            self.people_per_frame.append([self._frame(result, k, timestamp_s, (w, h))
                                          for k in range(len(result.pose_landmarks))])
        if not result.pose_landmarks:
            return PoseFrame.empty(timestamp_s, (w, h))
        return self._frame(result, 0, timestamp_s, (w, h))

    def _count_check(self) -> None:
        """The check in flight, waited for and counted."""
        check, self._check = self._check, None
        self._tally(check.result())  # re-raises the check's error

    def _tally(self, seen: int) -> None:
        self.people_checks += 1
        self.checks_with_two_people += seen >= 2
        if seen >= 2:
            self.two_people_seconds += self.people_check_interval_s
        self.people_at_last_check = seen

    @staticmethod
    def _frame(result, k: int, timestamp_s: float, size: tuple[int, int]) -> PoseFrame:
        img = np.array([[p.x, p.y, p.z, p.visibility if p.visibility is not None else 0.0]
                        for p in result.pose_landmarks[k]], dtype=float)
        world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks[k]], dtype=float)
        return PoseFrame(timestamp_s, img, world, size)

    def _count_people(self, rgb: np.ndarray, image, tracked) -> int:
        """People in view: the tracked one plus anyone found with the tracked one greyed out."""
        if tracked is None:
            return len(self._people_checker.detect(image).pose_landmarks)
        h, w = rgb.shape[:2]
        xs = np.array([p.x for p in tracked]) * w
        ys = np.array([p.y for p in tracked]) * h
        pad_x, pad_y = 0.15 * (xs.max() - xs.min()) + 4, 0.08 * (ys.max() - ys.min()) + 4
        x0, x1 = int(max(0, xs.min() - pad_x)), int(min(w, xs.max() + pad_x))
        y0, y1 = int(max(0, ys.min() - pad_y)), int(min(h, ys.max() + pad_y))
        masked = np.array(rgb, copy=True)
        masked[y0:y1, x0:x1] = 127
        found = self._people_checker.detect(
            self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=masked)).pose_landmarks
        others = 0
        for pose in found:  # a pose centred inside the grey box is the tracked person again
            cx = np.mean([pose[i].x for i in (11, 12, 23, 24)]) * w
            cy = np.mean([pose[i].y for i in (11, 12, 23, 24)]) * h
            others += not (x0 <= cx <= x1 and y0 <= cy <= y1)
        return 1 + min(others, 1)

    def close(self) -> None:
        try:
            if self._check is not None:
                self._count_check()
        finally:
            if self._checks is not None:
                self._checks.shutdown(wait=True)
            self._landmarker.close()
            if self._people_checker is not None:
                self._people_checker.close()

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
