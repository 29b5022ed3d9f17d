"""Arm measurements shared by arm raise and reach; none needs the hips or legs in frame."""
from __future__ import annotations

import numpy as np

from coach.geometry import arm_elevation_deg, joint_angle
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L

ARM = {s: tuple(L[f"{s.upper()}_{p}"] for p in ("SHOULDER", "ELBOW", "WRIST")) for s in ("left", "right")}


def arm_sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side in ("both", "auto") else (side,)


def readable_arms(pose: PoseFrame, side: str, threshold: float = 0.5) -> list[str]:
    return [s for s in arm_sides(side) if pose.visible(*ARM[s][:2], threshold=threshold)]


def elevation_deg(pose: PoseFrame, side: str) -> float:
    """Upper-arm angle from hanging: the larger of the image and world readings.

    The image angle is exact for a raise across the image plane (abduction seen from the front,
    flexion from the side) but collapses when the arm points at the camera; the world angle
    survives that but is noisier. The larger of the two follows whichever plane the arm moves in.
    """
    values = [arm_elevation_deg(pose, side, "image"), arm_elevation_deg(pose, side, "world")]
    values = [v for v in values if np.isfinite(v)]
    return max(values) if values else float("nan")


def raise_plane(pose: PoseFrame, side: str) -> float:
    """Share of the raise that is sideways (1 = pure abduction, 0 = pure forward flexion), world."""
    if pose.world is None:
        return float("nan")
    w = pose.world
    shoulder, elbow = w[int(ARM[side][0])], w[int(ARM[side][1])]
    across = w[int(L.LEFT_SHOULDER)] - w[int(L.RIGHT_SHOULDER)]
    across[1] = 0.0
    n = np.linalg.norm(across)
    if not n > 1e-6:
        return float("nan")
    across /= n
    forward = np.cross(across, np.array([0.0, 1.0, 0.0]))
    v = elbow - shoulder
    lateral, fwd = abs(float(np.dot(v, across))), abs(float(np.dot(v, forward)))
    return lateral / (lateral + fwd) if lateral + fwd > 1e-6 else float("nan")


def elbow_deg(pose: PoseFrame, side: str, view: str, plane: float) -> float:
    """Elbow angle (180 = straight) from the world landmarks: the forearm may bend out of the
    raise plane (toward the camera), where the image angle would still look straight."""
    return joint_angle(pose, f"{side}_elbow", "world")


def ear_to_shoulder(pose: PoseFrame, side: str) -> float:
    """Vertical ear-to-shoulder distance over shoulder width (image); shrinks when the shoulder hikes."""
    xy = pose.xy_px
    ear, shoulder = xy[int(L[f"{side.upper()}_EAR"])], xy[int(L[f"{side.upper()}_SHOULDER"])]
    width = np.linalg.norm(xy[int(L.LEFT_SHOULDER)] - xy[int(L.RIGHT_SHOULDER)])
    return float((shoulder[1] - ear[1]) / width) if width > 1e-6 else float("nan")


def hips_seen(pose: PoseFrame) -> bool:
    return pose.visible(L.LEFT_HIP, L.RIGHT_HIP, threshold=0.5)
