"""Watches for the two things that must stop a set: the person gone from view, or a fall.

A fall looks like a fast drop of the hips to near floor level. Floor and standing hip height
are calibrated from the person's own frames (image coordinates, fixed camera), so no camera
calibration is needed. Sitting on a chair keeps the hips about half their standing height
above the floor, well above ``floor_share``; only a drop below it within ``drop_window_s``
counts, so a slow, deliberate move to the floor (an exercise mat) is not flagged.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L

HIPS = (int(L.LEFT_HIP), int(L.RIGHT_HIP))
FEET = (int(L.LEFT_ANKLE), int(L.RIGHT_ANKLE), int(L.LEFT_HEEL), int(L.RIGHT_HEEL))


@dataclass(frozen=True)
class SafetyEvent:
    kind: str  # "out_of_view", "back_in_view", "fall_like", "upright_again"
    time_s: float
    detail: str = ""


@dataclass
class SafetyMonitor:
    out_of_view_s: float = 2.0  # gone this long -> pause
    floor_share: float = 0.3  # hips below this share of standing hip height = at floor level
    from_share: float = 0.6  # ... having been above this share ...
    drop_window_s: float = 1.0  # ... this short a time ago
    upright_share: float = 0.75  # back up: hips above this share of standing hip height
    min_visibility: float = 0.5
    _last_seen_s: float | None = field(default=None, init=False)
    _missing_since_s: float | None = field(default=None, init=False)
    _reported_missing: bool = field(default=False, init=False)
    _heights: deque = field(default_factory=lambda: deque(maxlen=600), init=False)  # calibration pool
    _floor_ys: deque = field(default_factory=lambda: deque(maxlen=600), init=False)
    _recent: deque = field(default_factory=deque, init=False)  # (t, hip share) in the drop window
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

    def hip_share(self, pose: PoseFrame) -> float | None:
        """Hip height above the calibrated floor as a share of standing hip height."""
        floor, standing = self.floor_y, self.standing_hip_height
        if floor is None or standing is None or not pose.has_person:
            return None
        vis = pose.visibility
        hips = [pose.image[i, 1] for i in HIPS if vis[i] >= self.min_visibility]
        if not hips:
            return None
        return (floor - float(np.mean(hips))) / standing

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
        if not self.fallen and share < self.floor_share and any(s > self.from_share for _, s in self._recent):
            self.fallen = True
            events.append(SafetyEvent("fall_like", t, f"hips dropped to {share:.0%} of standing height"))
        elif self.fallen and share > self.upright_share:
            self.fallen = False
            events.append(SafetyEvent("upright_again", t))
        return events

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
        hips = [pose.image[i, 1] for i in HIPS if vis[i] >= self.min_visibility]
        if feet:
            self._floor_ys.append(max(feet))
            if hips and self.floor_y is not None:
                self._heights.append(self.floor_y - float(np.mean(hips)))
