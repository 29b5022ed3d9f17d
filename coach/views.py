"""Which way the person faces the camera: "front", "side" or "oblique", from the landmarks.

Two cues, each independent of distance to the camera:
- body yaw from the world landmarks: the shoulder (and hip) line runs across the image
  (x) when facing the camera and along the depth axis (z) in profile;
- image width ratio: shoulder width over torso length is about 0.8 facing the camera and near
  0.2 in profile (used when the world estimate is missing).
A ``ViewTracker`` holds the answer for ``hold_s`` before switching, so one odd frame (a turn of
the head, a crossfade cut) does not flip which checks run.
"""
from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

from coach import small_stats
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L

FRONT, SIDE, OBLIQUE, UNKNOWN = "front", "side", "oblique", "unknown"

# Yaw bands: within 30 deg of facing the camera, left/right differences and knee valgus are
# readable; beyond 60 deg, sagittal angles (knee, hip, trunk flexion) are within ~10% of true
# (cos 30 deg = 0.87). In between both kinds of check are unreliable.
FRONT_MAX_YAW_DEG = 30.0
SIDE_MIN_YAW_DEG = 60.0


def body_yaw_deg(pose: PoseFrame) -> float:
    """0 = facing the camera (or facing away), 90 = in profile; NaN when unknown."""
    if pose.world is None:
        return float("nan")
    yaws = []
    for a, b in _YAW_PAIRS:  # on Python floats (every frame); numpy's hypot and arctan2 kept
        dx, dy, dz = (pose.world[a] - pose.world[b]).tolist()
        if math.isfinite(dx) and math.isfinite(dy) and math.isfinite(dz) and np.hypot(dx, dz) > 1e-6:
            yaws.append(float(np.arctan2(abs(dz), abs(dx))) * _RAD_TO_DEG)
    return small_stats.mean(yaws) if yaws else float("nan")


_YAW_PAIRS = ((int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER)), (int(L.LEFT_HIP), int(L.RIGHT_HIP)))
_RAD_TO_DEG = 180.0 / math.pi  # what np.degrees multiplies by


def width_ratio(pose: PoseFrame) -> float:
    """Image shoulder width / torso length (about 0.8 facing, 0.2 in profile)."""
    xy = pose.xy_px
    width = np.linalg.norm(xy[L.LEFT_SHOULDER] - xy[L.RIGHT_SHOULDER])
    torso = np.linalg.norm((xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2 - (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2)
    return float(width / torso) if torso > 1e-6 else float("nan")


def classify_view(pose: PoseFrame) -> str:
    """One frame's view, without memory."""
    if not pose.has_person:
        return UNKNOWN
    yaw = body_yaw_deg(pose)
    if np.isnan(yaw):
        ratio = width_ratio(pose)
        if np.isnan(ratio):
            return UNKNOWN
        # ratio = 0.8 * cos(yaw) roughly; map back to the same yaw bands
        yaw = float(np.degrees(np.arccos(np.clip(ratio / 0.8, 0.0, 1.0))))
    if yaw <= FRONT_MAX_YAW_DEG:
        return FRONT
    if yaw >= SIDE_MIN_YAW_DEG:
        return SIDE
    return OBLIQUE


@dataclass
class ViewTracker:
    """Debounced view: a new view must persist ``hold_s`` seconds before it is adopted."""

    hold_s: float = 0.7
    view: str = UNKNOWN
    _candidate: str = UNKNOWN
    _since: float = 0.0

    def update(self, pose: PoseFrame) -> str:
        seen = classify_view(pose)
        t = pose.timestamp_s
        if seen == UNKNOWN:
            return self.view
        if self.view == UNKNOWN:
            self.view = self._candidate = seen
            self._since = t
            return self.view
        if seen == self.view:
            self._candidate = seen
            return self.view
        if seen != self._candidate:
            self._candidate, self._since = seen, t
        elif t - self._since >= self.hold_s:
            self.view = seen
        return self.view


def check_applies(needed: str, view: str) -> bool:
    """Whether a check that needs ``needed`` ("side", "front", "any") can run in ``view``."""
    if needed == "any":
        return True
    return needed == view
