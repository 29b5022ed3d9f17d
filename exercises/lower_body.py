"""Measurements shared by sit-to-stand and squat: hip height, trunk, knees, hands.

The key signal is the hip's height above the lower ankle in units of the person's own shank
length (both from the image, so no camera calibration is needed). Anatomy fixes its range:
standing it is about thigh + shank = 2 shanks; seated on a standard chair (seat at knee
height) or in a parallel squat the hip is level with the knee, about 1 shank. Because it
measures vertical extent in units of a segment that stays near-vertical, it reads the same in
side, front and oblique views, which joint angles in the image do not.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import math

import numpy as np

from coach import small_stats
from coach.geometry import angle_between, joint_angle, midpoint, norm, trunk_lean_deg
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from coach.views import SIDE

if TYPE_CHECKING:
    from exercises.lower_body_checks import LowerBodyLimits

# Body proportions (starting levels until the person's own are learned), not decisions; the limits
# that decide a fault or a posture are ``lower_body_checks.LowerBodyLimits`` fields.
STANDING_HIP_RATIO = 1.95  # thigh ~ shank (Winter's tables: 0.245 vs 0.246 of height), minus a soft knee
SEATED_HIP_RATIO = 1.0  # hip level with the knee: 43-45 cm seat ~ knee height (CLINICAL.md chair)
LEG = {side: tuple(L[f"{side.upper()}_{p}"] for p in ("HIP", "KNEE", "ANKLE")) for side in ("left", "right")}


def leg_sets(side: str) -> list[tuple]:
    sides = ("left", "right") if side in ("both", "auto") else (side,)
    return [LEG[s] for s in sides]


def _good_sides(pose: PoseFrame, side: str, threshold: float = 0.5) -> list[str]:
    sides = ["left", "right"] if side in ("both", "auto") else [side]
    good = [s for s in sides if pose.visible(*LEG[s], threshold=threshold)]
    return good or sides


def hip_ratio(pose: PoseFrame, side: str = "both", shank_ref_px: float = float("nan")) -> float:
    """Hip height above the lower ankle, in shank lengths (image); NaN if unreadable.

    ``shank_ref_px``: the shank's image length when upright (learned at rest). A shank tilting
    toward the camera (front view squat) only ever looks shorter, so the larger of the two is
    the true scale."""
    return _height_in_shanks(pose, side, shank_ref_px,
                             lambda xy, sides: small_stats.nanmean([xy[LEG[s][0]][1] for s in sides]))


def shoulder_ratio(pose: PoseFrame, side: str = "both", shank_ref_px: float = float("nan")) -> float:
    """Shoulder-midpoint height above the lower ankle, in shank lengths (image), like hip_ratio."""
    return _height_in_shanks(pose, side, shank_ref_px,
                             lambda xy, _: (xy[L.LEFT_SHOULDER][1] + xy[L.RIGHT_SHOULDER][1]) / 2)


def _height_in_shanks(pose: PoseFrame, side: str, shank_ref_px: float, point_y) -> float:
    """Height of ``point_y(xy_px, good_sides)`` above the lower ankle, in shank lengths."""
    xy = pose.xy_px
    sides = _good_sides(pose, side)
    ankles = [xy[LEG[s][2]][1] for s in sides]
    shanks = [norm(xy[LEG[s][1]] - xy[LEG[s][2]]) for s in sides]
    shank = small_stats.nanmean(shanks) if shanks else float("nan")
    if math.isfinite(shank_ref_px) and shank_ref_px > shank:
        shank = shank_ref_px
    if not shank > 1e-6:
        return float("nan")
    return float((small_stats.nanmax(ankles) - point_y(xy, sides)) / shank)


def trunk_tilt_deg(pose: PoseFrame, view: str) -> float:
    """Trunk angle from vertical: in the image plane in a side view (= sagittal flexion);
    elsewhere the 3D world tilt (any direction), which a front view cannot split further."""
    if view == SIDE:
        return trunk_lean_deg(pose, "image")
    if pose.world is None:
        return float("nan")
    top = midpoint(pose, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, "world")
    bottom = midpoint(pose, L.LEFT_HIP, L.RIGHT_HIP, "world")
    return angle_between(top - bottom, np.array([0.0, -1.0, 0.0]))


def mean_joint_angle(pose: PoseFrame, joint: str, side: str, view: str) -> float:
    """Mean over the readable sides; image angles in a side view, world angles otherwise."""
    space = "image" if view == SIDE else "world"
    values = [joint_angle(pose, f"{s}_{joint}", space) for s in _good_sides(pose, side)]
    values = [v for v in values if math.isfinite(v)]
    return small_stats.mean(values) if values else float("nan")


# MediaPipe still places a wrist it cannot see at all (the far arm in a side view, hidden behind
# the body), at visibility 0.01-0.04 on rendered 5xSTS clips, and often over the thigh: a guess,
# no evidence of a hand there. A pushing hand is seen (the near one read at 0.52-0.59 there).
WRIST_UNSEEN = 0.1


def hand_to_thigh(pose: PoseFrame, off_chest_trunk: float) -> float:
    """Smallest distance from either wrist to either thigh segment, in thigh lengths (image).

    A wrist near the chest or shoulders (closer than ``off_chest_trunk`` trunk lengths to a
    shoulder) does not count (returns no distance for it): with the
    arms crossed on the chest and the trunk flexed well forward, a side view puts the wrists
    over the thighs in the image though they never touch them. A wrist pushing on the thigh is
    at least half a trunk length from the shoulders (the arm hangs down to it). Nor does a wrist
    the pose model did not see (``WRIST_UNSEEN``): its place is a guess."""
    xy = pose.xy_px
    best = float("nan")
    shoulders = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2
    hips = (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2
    trunk = norm(shoulders - hips)
    for wrist in (L.LEFT_WRIST, L.RIGHT_WRIST):
        if pose.visibility[wrist] < WRIST_UNSEEN:
            continue
        near_chest = min(norm(xy[wrist] - xy[L.LEFT_SHOULDER]),
                         norm(xy[wrist] - xy[L.RIGHT_SHOULDER]),
                         norm(xy[wrist] - shoulders))
        if trunk > 1e-6 and near_chest < off_chest_trunk * trunk:
            continue
        for side in ("left", "right"):
            hip, knee = xy[LEG[side][0]], xy[LEG[side][1]]
            d = _point_to_segment(xy[wrist], hip, knee) / max(norm(knee - hip), 1e-6)
            best = d if not np.isfinite(best) or d < best else best
    return float(best) if np.isfinite(best) else 9.0


def _point_to_segment(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    ab = b - a
    denom = float(np.dot(ab, ab))
    if denom < 1e-9:
        u = 0.0
    else:  # np.clip on a scalar, NaN kept
        u = float(np.dot(p - a, ab)) / denom
        u = 0.0 if u < 0.0 else 1.0 if u > 1.0 else u
    return norm(p - (a + u * ab))


def knee_width_ratio(pose: PoseFrame) -> float:
    """Knee separation over ankle separation (image x); below ~0.75 the knees cave in (front view)."""
    xy = pose.xy_px
    knees = abs(xy[L.LEFT_KNEE][0] - xy[L.RIGHT_KNEE][0])
    ankles = abs(xy[L.LEFT_ANKLE][0] - xy[L.RIGHT_ANKLE][0])
    return float(knees / ankles) if ankles > 1e-6 else float("nan")


def lateral_offsets(pose: PoseFrame) -> tuple[float, float]:
    """(trunk, pelvis) sideways offset from the middle of the feet, in shoulder widths (image x).

    Positive = towards the image right. Used in front view for lateral shift and weight
    asymmetry; relative to the person's own shoulder width so distance does not matter.
    """
    xy = pose.xy_px
    width = abs(xy[L.LEFT_SHOULDER][0] - xy[L.RIGHT_SHOULDER][0])
    if not width > 1e-6:
        return float("nan"), float("nan")
    base = (xy[L.LEFT_ANKLE][0] + xy[L.RIGHT_ANKLE][0]) / 2
    shoulders = (xy[L.LEFT_SHOULDER][0] + xy[L.RIGHT_SHOULDER][0]) / 2
    hips = (xy[L.LEFT_HIP][0] + xy[L.RIGHT_HIP][0]) / 2
    return float((shoulders - base) / width), float((hips - base) / width)


# The per-frame measurements ``leg_values`` gives (sit-to-stand's and squat's ``measure_names``).
LEG_MEASURES = ("hip_ratio", "trunk_deg", "knee_deg", "hip_deg", "hand_thigh", "knee_width", "trunk_shift",
                "pelvis_shift", "feet_x_px", "shank_px")


def leg_values(pose: PoseFrame, side: str, view: str, limits: "LowerBodyLimits",
               shank_ref_px: float = float("nan")) -> dict[str, float]:
    """Per-frame measurements both sit-to-stand and squat record."""
    trunk_shift, pelvis_shift = lateral_offsets(pose)
    return {
        "hip_ratio": hip_ratio(pose, side, shank_ref_px),
        "trunk_deg": trunk_tilt_deg(pose, view),
        "knee_deg": mean_joint_angle(pose, "knee", side, view),
        "hip_deg": mean_joint_angle(pose, "hip", side, view),
        "hand_thigh": hand_to_thigh(pose, limits.hand_off_chest_trunk),
        "knee_width": knee_width_ratio(pose),
        "trunk_shift": trunk_shift,
        "pelvis_shift": pelvis_shift,
        "feet_x_px": feet_x_px(pose),
        "shank_px": shank_px(pose),
    }


def upright_problem(pose: PoseFrame, limits: "LowerBodyLimits") -> str | None:
    """Lying (or sitting on the floor): trunk near horizontal (``lying_trunk_deg``) and the hip
    no higher than about half a shank above the feet (``lying_hip_shank``). A deep squat leans
    the trunk as much but keeps the hip up."""
    tilt = trunk_tilt_deg(pose, "front")
    if np.isfinite(tilt) and tilt > limits.lying_trunk_deg and hip_ratio(pose) < limits.lying_hip_shank:
        return "Get up onto the chair or your feet to start"
    return None


def feet_x_px(pose: PoseFrame) -> float:
    """Horizontal image position of the middle of the feet (pixels), for stepping checks."""
    xy = pose.xy_px
    return float((xy[L.LEFT_ANKLE][0] + xy[L.RIGHT_ANKLE][0]) / 2)


def shank_px(pose: PoseFrame) -> float:
    xy = pose.xy_px
    return small_stats.nanmean([norm(xy[LEG[s][1]] - xy[LEG[s][2]]) for s in ("left", "right")])


def feet_travel(x_px: np.ndarray, shank: np.ndarray) -> float:
    """How far the feet wandered (max - min) in shank lengths; walking moves them several."""
    if len(x_px) == 0 or len(shank) == 0:
        return 0.0
    return float((np.max(x_px) - np.min(x_px)) / np.median(shank))
