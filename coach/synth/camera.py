"""Placing the figure in the world and projecting it with a level pinhole camera.

World frame: X to the image's right, Y up, Z toward the camera (metres). The camera looks
along -Z without tilt, so verticals stay vertical. A front view turns the figure to face the
camera; a side view turns it to face the image's left or right edge.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark

FAR_SIDE_VISIBILITY = 0.6  # the far half of a side view: present but less certain


def facing_yaw(view: str, facing: str, extra_yaw_deg: float = 0.0) -> float:
    """Yaw (deg) that turns the figure's forward axis from +Z (toward the camera)."""
    if view == "front":
        base = 0.0
    elif view == "side":
        base = 90.0 if facing == "right" else -90.0
    else:
        raise ValueError(f"view must be 'side' or 'front', got {view!r}")
    return base + extra_yaw_deg


@dataclass(frozen=True)
class Placement:
    """Figure frame -> world: a yaw about the vertical and the floor point of the origin."""

    yaw_deg: float
    origin: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def matrix(self) -> np.ndarray:
        """3x3 whose rows map figure (FWD, UP, LEFT) onto world X, Y, Z: world = fig @ M."""
        a = np.radians(self.yaw_deg)
        fwd = [np.sin(a), 0.0, np.cos(a)]
        left = [np.cos(a), 0.0, -np.sin(a)]
        return np.array([fwd, [0.0, 1.0, 0.0], left])

    def to_world(self, pts: np.ndarray) -> np.ndarray:
        return pts @ self.matrix() + np.asarray(self.origin)


@dataclass(frozen=True)
class Camera:
    size: tuple[int, int]
    focal_px: float
    position: tuple[float, float, float]  # world; looks along -Z

    @classmethod
    def framing(cls, size: tuple[int, int], figure_height_m: float, figure_scale: float,
                center_x: float = 0.5, feet_y: float = 0.88, distance_m: float = 3.2) -> "Camera":
        """A camera where a standing figure at the world origin is ``figure_scale`` of the frame
        tall, with its feet at ``feet_y`` (fraction of height) and its centre at ``center_x``."""
        w, h = size
        f = figure_scale * h * distance_m / figure_height_m
        cam_y = (feet_y - 0.5) * h * distance_m / f
        cam_x = -(center_x - 0.5) * w * distance_m / f
        return cls(size, f, (cam_x, cam_y, distance_m))

    def project(self, world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel positions (N, 2) and depths from the camera (N,) of world points (N, 3)."""
        w, h = self.size
        rel = world - np.asarray(self.position)
        depth = -rel[:, 2]
        u = w / 2 + self.focal_px * rel[:, 0] / depth
        v = h / 2 - self.focal_px * rel[:, 1] / depth
        return np.stack([u, v], axis=1), depth

    def pixels_per_metre(self, depth: float) -> float:
        return self.focal_px / depth


def pose_frame(camera: Camera, world_pts: np.ndarray, timestamp_s: float, far_side: str | None) -> PoseFrame:
    """The true ``PoseFrame`` of 33 world points, in MediaPipe's conventions.

    Image z: depth relative to the hip midpoint, in the same units as normalised x. World:
    metres, hip-centred, x right, y down, z away from the camera. ``far_side`` ("left"/"right")
    gets lower visibility (side views); None means everything is plainly visible.
    """
    w, h = camera.size
    px, depth = camera.project(world_pts)
    hips = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
    hip_depth = depth[hips].mean()
    image = np.empty((len(world_pts), 4))
    image[:, 0] = px[:, 0] / w
    image[:, 1] = px[:, 1] / h
    image[:, 2] = (depth - hip_depth) * camera.focal_px / hip_depth / w
    image[:, 3] = 1.0
    if far_side is not None:
        for lm in Landmark:
            if lm.name.startswith(far_side.upper() + "_") or lm.name == f"MOUTH_{far_side.upper()}":
                image[lm, 3] = FAR_SIDE_VISIBILITY
    hip_mid = world_pts[hips].mean(axis=0)
    world = (world_pts - hip_mid) * np.array([1.0, -1.0, -1.0])
    return PoseFrame(timestamp_s, image, world, (w, h))
