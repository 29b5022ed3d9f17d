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
first seen down.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L

HIPS = (int(L.LEFT_HIP), int(L.RIGHT_HIP))
SHOULDERS = (int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER))
FEET = (int(L.LEFT_ANKLE), int(L.RIGHT_ANKLE), int(L.LEFT_HEEL), int(L.RIGHT_HEEL))


@dataclass(frozen=True)
class SafetyEvent:
    kind: str  # "out_of_view", "back_in_view", "fall_like", "upright_again"
    time_s: float
    detail: str = ""


@dataclass
class SafetyMonitor:
    out_of_view_s: float = 2.0  # gone this long -> pause
    # Hips below this share of standing hip height: low (a deep squat, kneeling, a collapse). Only
    # opens the watch, so it can be generous: the posture below decides.
    floor_share: float = 0.45
    drop_share: float = 0.4  # ... having fallen by this share of it ...
    drop_window_s: float = 1.0  # ... within this long: a fast drop, which opens a watch
    from_share: float = 0.6  # the floor and standing heights are learned only with the hips above this
    upright_share: float = 0.75  # back up: hips above this share of standing hip height
    # Down in a way no exercise here ends in (a squat's trunk stays within ~60 deg of vertical and
    # its shoulders above half their standing height; a chair keeps the hips at about half theirs):
    lying_trunk_deg: float = 60.0  # shoulder-to-hip line this far from vertical: lying
    low_shoulder_share: float = 0.45  # shoulders below this share of their standing height
    on_floor_share: float = 0.12  # hips this low: sitting or lying on the floor
    confirm_s: float = 1.0  # down this long after the drop (a squat's bottom is shorter or upright)
    confirm_window_s: float = 3.0  # the watch closes this long after the drop without a fall
    min_visibility: float = 0.5
    _last_seen_s: float | None = field(default=None, init=False)
    _missing_since_s: float | None = field(default=None, init=False)
    _reported_missing: bool = field(default=False, init=False)
    _heights: deque = field(default_factory=lambda: deque(maxlen=600), init=False)  # calibration pool
    _shoulder_heights: deque = field(default_factory=lambda: deque(maxlen=600), init=False)
    _floor_ys: deque = field(default_factory=lambda: deque(maxlen=600), init=False)
    _recent: deque = field(default_factory=deque, init=False)  # (t, hip share) in the drop window
    _watch_from_s: float | None = field(default=None, init=False)  # a fast drop's moment, while watched
    _down_s: float = field(default=0.0, init=False)  # time seen down since the drop
    _down_since_s: float | None = field(default=None, init=False)  # first moment seen down
    _last_t: float | None = field(default=None, init=False)
    fallen: bool = field(default=False, init=False)

    @property
    def floor_y(self) -> float | None:
        return float(np.percentile(self._floor_ys, 90)) if len(self._floor_ys) >= 10 else None

    @property
    def standing_hip_height(self) -> float | None:
        """Calibrated hip height above the floor (share of frame height), once known."""
        floor = self.floor_y
        if floor is None or len(self._heights) < 10:
            return None
        return max(float(np.percentile(self._heights, 95)), 1e-3)

    @property
    def standing_shoulder_height(self) -> float | None:
        if self.floor_y is None or len(self._shoulder_heights) < 10:
            return None
        return max(float(np.percentile(self._shoulder_heights, 95)), 1e-3)

    def _mean_y(self, pose: PoseFrame, points) -> float | None:
        ys = [pose.image[i, 1] for i in points if pose.visibility[i] >= self.min_visibility]
        return float(np.mean(ys)) if ys else None

    def is_down(self, pose: PoseFrame, share: float) -> bool:
        """Lying, shoulders low, or hips on the floor: no exercise here ends like this."""
        if share < self.on_floor_share:
            return True
        vis = pose.visibility
        if min(vis[i] for i in SHOULDERS + HIPS) < self.min_visibility:
            return False
        xy = pose.xy_px
        trunk = xy[list(SHOULDERS)].mean(axis=0) - xy[list(HIPS)].mean(axis=0)
        if np.degrees(np.arctan2(abs(trunk[0]), abs(trunk[1]))) > self.lying_trunk_deg or trunk[1] > 0:
            return True  # lying, or the shoulders below the hips (head first)
        standing = self.standing_shoulder_height
        shoulders = self._mean_y(pose, SHOULDERS)
        return standing is not None and shoulders is not None \
            and (self.floor_y - shoulders) / standing < self.low_shoulder_share

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
        self._recent.append((t, share))
        while self._recent and t - self._recent[0][0] > self.drop_window_s:
            self._recent.popleft()
        if not self.fallen and self._watch_from_s is None and share < self.floor_share \
                and any(s - share >= self.drop_share for _, s in self._recent):
            self._watch_from_s, self._down_s, self._down_since_s = t, 0.0, None
        if self._watch_from_s is not None:
            events += self._watch(pose, t, share)
        elif self.fallen and share > self.upright_share:
            self.fallen = False
            events.append(SafetyEvent("upright_again", t))
        self._last_t = t
        return events

    def _watch(self, pose: PoseFrame, t: float, share: float) -> list[SafetyEvent]:
        """After a fast drop: a fall once the person has been down ``confirm_s``; nothing once
        they are back up or the window has passed."""
        if share > self.upright_share or t - self._watch_from_s > self.confirm_window_s:
            self._watch_from_s = None
            return []
        if self.is_down(pose, share):
            if self._down_since_s is None:
                self._down_since_s = t
            elif self._last_t is not None:
                self._down_s += min(t - self._last_t, 0.5)  # a camera stall adds no evidence
        if self._down_since_s is None or self._down_s < self.confirm_s:
            return []
        self._watch_from_s, self.fallen = None, True
        return [SafetyEvent("fall_like", t, f"hips dropped to {share:.0%} of standing height and stayed down "
                                            f"{t - self._down_since_s:.1f} s")]

    def _missing(self, t: float) -> list[SafetyEvent]:
        if self._missing_since_s is None:
            self._missing_since_s = t
        if not self._reported_missing and t - self._missing_since_s >= self.out_of_view_s:
            self._reported_missing = True
            # Gone right after the hips were dropping fast: treat it as a possible fall.
            dropping = len(self._recent) >= 2 and self._recent[-1][1] < self._recent[0][1] - 0.3 \
                and t - self._recent[-1][0] < self.out_of_view_s + 0.5
            return [SafetyEvent("out_of_view", t, "after a fast drop" if dropping else "")]
        return []

    def _calibrate(self, pose: PoseFrame, share: float | None) -> None:
        # Learn floor and standing height only while the hips are not near the floor, so a
        # fall never re-calibrates the floor to where the person lies.
        if share is not None and share < self.from_share:
            return
        vis = pose.visibility
        feet = [pose.image[i, 1] for i in FEET if vis[i] >= self.min_visibility]
        hips, shoulders = self._mean_y(pose, HIPS), self._mean_y(pose, SHOULDERS)
        if feet:
            self._floor_ys.append(max(feet))
            if hips is not None and self.floor_y is not None:
                self._heights.append(self.floor_y - hips)
            if shoulders is not None and self.floor_y is not None:
                self._shoulder_heights.append(self.floor_y - shoulders)
