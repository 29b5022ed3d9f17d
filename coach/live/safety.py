"""Watches for the two things that must stop a set: the person gone from view, or a fall.

A fall is fast, uncontrolled, and ends low without getting up; squats, sit-to-stands and
sitting down lower the hips on purpose, fast too. So a fall is judged in two steps:

1. *A fast drop*: the hips fall by ``drop_share`` of their standing height within
   ``drop_window_s`` to below ``floor_share`` of it. A deep squat or sitting down fast does this as well,
   so it only opens a watch.
2. *Down and staying down*: within ``confirm_window_s`` after the drop the person spends
   ``confirm_s`` in a posture no exercise here ends in (trunk lying more than ``lying_trunk_deg``
   from vertical, shoulders under ``low_shoulder_share`` of their standing height, or hips on the
   floor, under ``on_floor_share``) without the hips coming back above ``upright_share``.
   Getting back up (the end of every squat) closes the watch.

Floor, standing hip and shoulder heights are calibrated from the person's own frames (image
coordinates, fixed camera), so no camera calibration is needed and every rule is relative to
the person. The event is raised ``confirm_s`` after the person is down, at the moment they were
first seen down. Every number is a ``SafetyParams`` field (unit, reason, range); the fast drop
itself is ``exercises.drops.FastDrop``, the same answer the balance holds use.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.drops import FastDrop
from exercises.spec import Params, param

HIPS = (int(L.LEFT_HIP), int(L.RIGHT_HIP))
SHOULDERS = (int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER))
FEET = (int(L.LEFT_ANKLE), int(L.RIGHT_ANKLE), int(L.LEFT_HEEL), int(L.RIGHT_HEEL))
# Calibration from the person's own frames: estimation, not decisions (no count, fault or stop
# changes with them beyond what the thresholds in ``SafetyParams`` decide). The floor is the 90th
# percentile of the lowest foot point (a foot lifted now and then does not move it), standing
# heights the 95th of hip and shoulder heights, from the last 600 usable frames, once 10 are known.
CALIBRATION_FRAMES = 600
CALIBRATION_MIN_FRAMES = 10
FLOOR_PERCENTILE = 90
STANDING_PERCENTILE = 95


@dataclass(frozen=True)
class SafetyEvent:
    kind: str  # "out_of_view", "back_in_view", "fall_like", "upright_again"
    time_s: float
    detail: str = ""


@dataclass(frozen=True)
class SafetyParams(Params):
    """The safety monitor's numbers (``coach.live.session`` makes one per live session). Screening
    defaults: CLINICAL.md has no published fall-detection thresholds for a single camera."""

    out_of_view_s: float = param(2.0, "s", "gone this long: the set pauses (a patient stepping out of the "
                                 "picture for a moment is not stopped)", bounds=(0.5, 10.0))
    # Step 1, a fast drop (``exercises.drops.FastDrop``), which only opens a watch:
    floor_share: float = param(0.45, "share of standing hip height", "hips below this are low (a deep squat, "
                               "kneeling, a collapse); it only opens the watch, so it can be generous: the posture "
                               "decides", bounds=(0.2, 0.8))
    drop_share: float = param(0.4, "share of standing hip height", "... having fallen by this share of it ...",
                              bounds=(0.1, 0.8))
    drop_window_s: float = param(1.0, "s", "... within this long: a fast drop, which opens a watch",
                                 bounds=(0.3, 3.0))
    from_share: float = param(0.6, "share of standing hip height", "the floor and standing heights are learned "
                              "only with the hips above this, so a fall never re-learns the floor where the person "
                              "lies", bounds=(0.3, 0.9))
    upright_share: float = param(0.75, "share of standing hip height", "back up: hips above this close the watch "
                                 "(the end of every squat and sit-to-stand)", bounds=(0.5, 1.0))
    # Step 2, down in a way no exercise here ends in (a squat's trunk stays within ~60 deg of
    # vertical and its shoulders above half their standing height; a chair keeps the hips at about half):
    lying_trunk_deg: float = param(60.0, "deg from vertical", "shoulder-to-hip line this far from vertical: lying",
                                   bounds=(30.0, 90.0))
    low_shoulder_share: float = param(0.45, "share of standing shoulder height", "shoulders below this: down",
                                      bounds=(0.2, 0.8))
    on_floor_share: float = param(0.12, "share of standing hip height", "hips this low: sitting or lying on the "
                                  "floor", bounds=(0.02, 0.4))
    confirm_s: float = param(1.0, "s", "down this long after the drop is a fall (a squat's bottom is shorter or "
                             "upright)", bounds=(0.2, 5.0))
    confirm_window_s: float = param(3.0, "s", "the watch closes this long after the drop without a fall",
                                    bounds=(1.0, 10.0))
    stall_cap_s: float = param(0.5, "s", "one frame adds at most this to the time seen down: a camera stall is no "
                               "evidence of staying down", bounds=(0.1, 2.0))
    gone_drop_share: float = param(0.3, "share of standing hip height", "gone from view right after the hips fell "
                                   "by this share over the drop window: the pause says \"after a fast drop\" ...",
                                   bounds=(0.1, 0.8))
    gone_after_drop_s: float = param(0.5, "s", "... when they were last seen no more than out_of_view_s plus this "
                                     "before the pause", bounds=(0.0, 3.0))
    min_visibility: float = param(0.5, "MediaPipe visibility", "MediaPipe's own presence cut-off: below it a "
                                  "point's position is a guess and is not used", bounds=(0.1, 0.9))


@dataclass
class SafetyMonitor:
    params: SafetyParams = field(default_factory=SafetyParams)
    _last_seen_s: float | None = field(default=None, init=False)
    _missing_since_s: float | None = field(default=None, init=False)
    _reported_missing: bool = field(default=False, init=False)
    _heights: deque = field(default_factory=lambda: deque(maxlen=CALIBRATION_FRAMES), init=False)  # calibration pool
    _shoulder_heights: deque = field(default_factory=lambda: deque(maxlen=CALIBRATION_FRAMES), init=False)
    _floor_ys: deque = field(default_factory=lambda: deque(maxlen=CALIBRATION_FRAMES), init=False)
    _drops: FastDrop = field(init=False)  # (t, hip share) in the drop window
    _watch_from_s: float | None = field(default=None, init=False)  # a fast drop's moment, while watched
    _down_s: float = field(default=0.0, init=False)  # time seen down since the drop
    _down_since_s: float | None = field(default=None, init=False)  # first moment seen down
    _last_t: float | None = field(default=None, init=False)
    fallen: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._drops = FastDrop(self.params.drop_window_s, self.params.drop_share)

    @property
    def floor_y(self) -> float | None:
        if len(self._floor_ys) < CALIBRATION_MIN_FRAMES:
            return None
        return float(np.percentile(self._floor_ys, FLOOR_PERCENTILE))

    @property
    def standing_hip_height(self) -> float | None:
        """Calibrated hip height above the floor (share of frame height), once known."""
        floor = self.floor_y
        if floor is None or len(self._heights) < CALIBRATION_MIN_FRAMES:
            return None
        return max(float(np.percentile(self._heights, STANDING_PERCENTILE)), 1e-3)

    @property
    def standing_shoulder_height(self) -> float | None:
        if self.floor_y is None or len(self._shoulder_heights) < CALIBRATION_MIN_FRAMES:
            return None
        return max(float(np.percentile(self._shoulder_heights, STANDING_PERCENTILE)), 1e-3)

    def _mean_y(self, pose: PoseFrame, points) -> float | None:
        ys = [pose.image[i, 1] for i in points if pose.visibility[i] >= self.params.min_visibility]
        return float(np.mean(ys)) if ys else None

    def is_down(self, pose: PoseFrame, share: float) -> bool:
        """Lying, shoulders low, or hips on the floor: no exercise here ends like this."""
        p = self.params
        if share < p.on_floor_share:
            return True
        vis = pose.visibility
        if min(vis[i] for i in SHOULDERS + HIPS) < p.min_visibility:
            return False
        xy = pose.xy_px
        trunk = xy[list(SHOULDERS)].mean(axis=0) - xy[list(HIPS)].mean(axis=0)
        if np.degrees(np.arctan2(abs(trunk[0]), abs(trunk[1]))) > p.lying_trunk_deg or trunk[1] > 0:
            return True  # lying, or the shoulders below the hips (head first)
        standing = self.standing_shoulder_height
        shoulders = self._mean_y(pose, SHOULDERS)
        return standing is not None and shoulders is not None \
            and (self.floor_y - shoulders) / standing < p.low_shoulder_share

    def hip_share(self, pose: PoseFrame) -> float | None:
        """Hip height above the calibrated floor as a share of standing hip height."""
        floor, standing = self.floor_y, self.standing_hip_height
        if floor is None or standing is None or not pose.has_person:
            return None
        hips = self._mean_y(pose, HIPS)
        return None if hips is None else (floor - hips) / standing

    def update(self, pose: PoseFrame) -> list[SafetyEvent]:
        t = pose.timestamp_s
        if not pose.has_person:
            return self._missing(t)
        events = []
        if self._reported_missing:
            events.append(SafetyEvent("back_in_view", t))
        self._missing_since_s, self._reported_missing, self._last_seen_s = None, False, t
        share = self.hip_share(pose)
        self._calibrate(pose, share)
        if share is None:
            return events
        self._drops.add(t, share)
        if not self.fallen and self._watch_from_s is None and share < self.params.floor_share \
                and self._drops.check() is not None:
            self._watch_from_s, self._down_s, self._down_since_s = t, 0.0, None
        if self._watch_from_s is not None:
            events += self._watch(pose, t, share)
        elif self.fallen and share > self.params.upright_share:
            self.fallen = False
            events.append(SafetyEvent("upright_again", t))
        self._last_t = t
        return events

    def _watch(self, pose: PoseFrame, t: float, share: float) -> list[SafetyEvent]:
        """After a fast drop: a fall once the person has been down ``confirm_s``; nothing once
        they are back up or the window has passed."""
        p = self.params
        if share > p.upright_share or t - self._watch_from_s > p.confirm_window_s:
            self._watch_from_s = None
            return []
        if self.is_down(pose, share):
            if self._down_since_s is None:
                self._down_since_s = t
            elif self._last_t is not None:
                self._down_s += min(t - self._last_t, p.stall_cap_s)  # a camera stall adds no evidence
        if self._down_since_s is None or self._down_s < p.confirm_s:
            return []
        self._watch_from_s, self.fallen = None, True
        return [SafetyEvent("fall_like", t, f"hips dropped to {share:.0%} of standing height and stayed down "
                                            f"{t - self._down_since_s:.1f} s")]

    def _missing(self, t: float) -> list[SafetyEvent]:
        if self._missing_since_s is None:
            self._missing_since_s = t
        p = self.params
        if not self._reported_missing and t - self._missing_since_s >= p.out_of_view_s:
            self._reported_missing = True
            # Gone right after the hips were dropping fast: treat it as a possible fall.
            recent = self._drops.samples()
            dropping = len(recent) >= 2 and recent[-1][1] < recent[0][1] - p.gone_drop_share \
                and t - recent[-1][0] < p.out_of_view_s + p.gone_after_drop_s
            return [SafetyEvent("out_of_view", t, "after a fast drop" if dropping else "")]
        return []

    def _calibrate(self, pose: PoseFrame, share: float | None) -> None:
        # Learn floor and standing height only while the hips are not near the floor, so a
        # fall never re-calibrates the floor to where the person lies.
        if share is not None and share < self.params.from_share:
            return
        vis = pose.visibility
        feet = [pose.image[i, 1] for i in FEET if vis[i] >= self.params.min_visibility]
        hips, shoulders = self._mean_y(pose, HIPS), self._mean_y(pose, SHOULDERS)
        if feet:
            self._floor_ys.append(max(feet))
            if hips is not None and self.floor_y is not None:
                self._heights.append(self.floor_y - hips)
            if shoulders is not None and self.floor_y is not None:
                self._shoulder_heights.append(self.floor_y - shoulders)
