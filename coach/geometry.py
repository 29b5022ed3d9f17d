"""Angles and lengths from a pose, by name: one function per measure, NaN when not seen.

Image measures work in square pixels (``PoseFrame.xy_px``) so a portrait or landscape frame
does not skew angles. World measures use MediaPipe's metric world landmarks (y down).
Every function returns ``nan`` instead of raising when a landmark is missing.
"""
from __future__ import annotations

import math

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import ANGLES, Landmark, side_landmark

DOWN = np.array([0.0, 1.0])  # image y grows downwards; MediaPipe world y also points down


_FLOAT = np.dtype(float)
_RAD_TO_DEG = 180.0 / math.pi  # what np.degrees multiplies by


def _plain(v) -> bool:
    """A contiguous 1-D float64 array: the vectors the fast paths below take."""
    return type(v) is np.ndarray and v.ndim == 1 and v.dtype == _FLOAT and v.flags.c_contiguous


def norm(v: np.ndarray) -> float:
    """``float(np.linalg.norm(v))`` of a vector, without its overhead (this is how it computes a
    vector's norm: the square root of ``v.dot(v)``, so the result is the same bit for bit)."""
    if _plain(v):
        return math.sqrt(v.dot(v))
    return float(np.linalg.norm(v))


def angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """Unsigned angle between two vectors in degrees (0..180); NaN for a zero/NaN vector."""
    if not (_plain(u) and _plain(v)):
        nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
        if not (nu > 1e-9 and nv > 1e-9):  # also catches NaN
            return float("nan")
        cos = float(np.dot(u, v)) / (nu * nv)
        return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
    # The same steps on Python floats (numpy's own dot and arccos kept: their results depend on the CPU).
    nu, nv = math.sqrt(u.dot(u)), math.sqrt(v.dot(v))
    if not (nu > 1e-9 and nv > 1e-9):  # also catches NaN
        return float("nan")
    cos = float(u.dot(v)) / (nu * nv)
    if cos > 1.0:
        cos = 1.0
    elif cos < -1.0:
        cos = -1.0
    return float(np.arccos(cos)) * _RAD_TO_DEG


def _points(pose: PoseFrame, space: str) -> np.ndarray:
    if space == "image":
        return pose.xy_px
    if space == "world":
        return pose.world if pose.world is not None else np.full((33, 3), np.nan)
    raise ValueError(f"space must be 'image' or 'world', got {space!r}")


def point(pose: PoseFrame, landmark: Landmark, space: str = "image") -> np.ndarray:
    return _points(pose, space)[int(landmark)]


def midpoint(pose: PoseFrame, a: Landmark, b: Landmark, space: str = "image") -> np.ndarray:
    pts = _points(pose, space)
    return (pts[int(a)] + pts[int(b)]) / 2.0


def joint_angle(pose: PoseFrame, name: str, space: str = "image") -> float:
    """Named angle from ``ANGLES`` (e.g. ``"left_knee"``), 180 = straight."""
    spec = ANGLES[name]
    pts = _points(pose, space)
    vertex = pts[int(spec.vertex)]
    return angle_between(pts[int(spec.a)] - vertex, pts[int(spec.b)] - vertex)


def distance(pose: PoseFrame, a: Landmark, b: Landmark, space: str = "image") -> float:
    pts = _points(pose, space)
    return norm(pts[int(a)] - pts[int(b)])


def segment_length(pose: PoseFrame, side: str, a: str, b: str, space: str = "image") -> float:
    """Length of a sided segment, e.g. ``segment_length(pose, "left", "knee", "ankle")``."""
    return distance(pose, side_landmark(side, a), side_landmark(side, b), space)


def tilt_from_vertical(top: np.ndarray, bottom: np.ndarray) -> float:
    """Angle of the segment bottom->top from straight up, in degrees (0 = upright).

    Uses the first two coordinates (image x, y or world x, y), so in a side view it is the
    sagittal lean and in a front view the lateral lean.
    """
    v = np.asarray(top, dtype=float)[:2] - np.asarray(bottom, dtype=float)[:2]
    return angle_between(v, -DOWN)


def trunk_lean_deg(pose: PoseFrame, space: str = "image") -> float:
    """Trunk (mid-hip -> mid-shoulder) tilt from vertical in the image plane (0 = upright)."""
    hips = midpoint(pose, Landmark.LEFT_HIP, Landmark.RIGHT_HIP, space)
    shoulders = midpoint(pose, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, space)
    return tilt_from_vertical(shoulders, hips)


def arm_elevation_deg(pose: PoseFrame, side: str, space: str = "image") -> float:
    """Upper arm (shoulder -> elbow) angle from hanging straight down: 0 at rest, 90 level, 180 overhead.

    Measured against gravity rather than the trunk so it works with the hips out of frame.
    In ``world`` space the full 3D angle is used (any view); in ``image`` space only the image
    plane (abduction in a front view, flexion in a side view).
    """
    pts = _points(pose, space)
    shoulder = pts[int(side_landmark(side, "shoulder"))]
    elbow = pts[int(side_landmark(side, "elbow"))]
    down = np.zeros(pts.shape[1])
    down[1] = 1.0
    return angle_between(elbow - shoulder, down)


def visibility_of(pose: PoseFrame, landmarks: tuple[Landmark, ...]) -> float:
    """Lowest visibility among ``landmarks`` (0 when nobody is there)."""
    if not pose.has_person:
        return 0.0
    if not landmarks:
        return float(np.min(pose.visibility[[]]))  # numpy's error for an empty set
    # = np.min of the values, 0 when one is NaN; element by element (a handful per call, every frame).
    vis = pose.image[:, 3]
    low = None
    for lm in landmarks:
        v = vis[int(lm)]
        if v != v:
            return 0.0
        if low is None or v < low:
            low = v
    return float(low)


def in_frame(pose: PoseFrame, landmarks: tuple[Landmark, ...], margin: float = 0.0) -> bool:
    """True when every landmark lies inside the frame (normalised coords within [-margin, 1+margin])."""
    if pose.image is None:
        return False
    lo, hi = -margin, 1.0 + margin
    image = pose.image
    for lm in landmarks:  # a NaN fails the comparisons too
        i = int(lm)
        x, y = image[i, 0], image[i, 1]
        if not (lo <= x <= hi and lo <= y <= hi):
            return False
    return True
