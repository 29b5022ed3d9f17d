"""Movements the stick body of ``coach.synth.body`` cannot make on its own: a turned head, a
foot placed ahead of or beside its rest spot (tandem stance, a step), and walking (the whole
figure moved along the floor and turned about the vertical).

``ExtPosture`` is a ``Posture`` with these extra fields; it blends, eases and times like any
posture (``coach.synth.motion``), so scripts build timelines as usual. ``ext_points`` solves
the body with ``coach.synth.body.solve`` and then applies the extras to the joints (feet, walking)
and to the face landmarks (head turn). ``generate_ext`` gives the true ``PoseFrame`` of every
frame, like ``coach.synth.clip.generate`` does for the plain exercises; these clips are checked on
their true landmarks (the renderer does not draw the extras).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark
from coach.synth.body import FWD, LEFT, SIDES, UP, BodyDims, Posture, side_sign, solve
from coach.synth.camera import Camera, Placement, facing_yaw, pose_frame
from coach.synth.landmarks33 import landmarks_3d
from coach.synth.motion import Timeline

FACE = tuple(range(int(Landmark.NOSE), int(Landmark.MOUTH_RIGHT) + 1))  # the 11 face landmarks
FOOT_POINTS = ("ankle", "heel", "ball", "toe")


@dataclass(frozen=True)
class ExtPosture(Posture):
    head_yaw: float = 0.0  # deg the head turns toward the person's left (negative: right)
    left_foot_fwd: float = 0.0  # m the left foot is moved forward of its rest spot (knee half as much)
    right_foot_fwd: float = 0.0
    left_foot_out: float = 0.0  # m the foot is moved sideways, away from the midline
    right_foot_out: float = 0.0
    left_foot_up: float = 0.0  # m the (planted) foot is lifted off the floor (stepping)
    right_foot_up: float = 0.0
    walk_fwd_m: float = 0.0  # m the whole figure has moved along the start's forward axis
    heading_deg: float = 0.0  # deg the whole figure has turned toward its left, about the vertical

    def foot(self, side: str) -> tuple[float, float, float]:
        return (getattr(self, f"{side}_foot_fwd"), getattr(self, f"{side}_foot_out"), getattr(self, f"{side}_foot_up"))


def _yaw(v: np.ndarray, deg: float) -> np.ndarray:
    """Rotate figure-frame vectors about UP so that FWD turns toward LEFT by ``deg``."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    out = np.array(v, dtype=float, copy=True)
    f, l = v[..., 0], v[..., 2]
    out[..., 0] = c * f - s * l
    out[..., 2] = s * f + c * l
    return out


def ext_points(dims: BodyDims, p: Posture) -> np.ndarray:
    """(33, 3) figure-frame landmark positions (metres) of ``p``, extras applied."""
    sk = solve(dims, p)
    if not isinstance(p, ExtPosture):
        return landmarks_3d(dims, sk)
    for side in SIDES:
        fwd, out, up = p.foot(side)
        shift = FWD * fwd + LEFT * side_sign(side) * out + UP * up
        if not shift.any():
            continue
        for part in FOOT_POINTS:
            sk.joints[f"{side}_{part}"] = sk[f"{side}_{part}"] + shift
        sk.joints[f"{side}_knee"] = sk[f"{side}_knee"] + shift * 0.5
    pts = landmarks_3d(dims, sk)
    if p.head_yaw:
        centre = sk["head"]
        pts[list(FACE)] = centre + _yaw(pts[list(FACE)] - centre, p.head_yaw)
    if p.heading_deg or p.walk_fwd_m:
        pts = _yaw(pts, p.heading_deg) + FWD * p.walk_fwd_m
    return pts


@dataclass
class ExtClip:
    """True poses of a scripted movement and the script's truth (plain dicts, JSON-able)."""

    poses: list[PoseFrame]
    truth: dict
    fps: float
    timeline: Timeline
    dims: BodyDims
    points: list[np.ndarray] = field(default_factory=list)  # figure-frame (33, 3) per frame

    @property
    def duration_s(self) -> float:
        return len(self.poses) / self.fps


def generate_ext(timeline: Timeline, truth: dict, view: str = "side", fps: float = 30.0,
                 size: tuple[int, int] = (640, 480), height_m: float = 1.70, figure_scale: float = 0.72,
                 center_x: float = 0.5, facing: str = "right", centre_fwd_m: float = 0.0,
                 drop_outside: bool = False) -> ExtClip:
    """The true pose of every frame of ``timeline`` seen from ``view``.

    ``centre_fwd_m``: the figure-frame forward point kept at the picture's centre (side view);
    ``drop_outside``: frames whose hips are outside the picture have nobody in them, as a pose
    model would report (a walk that leaves the frame)."""
    dims = BodyDims(height_m)
    placement = Placement(facing_yaw(view, facing))
    if view == "side":
        c = placement.to_world(np.array([[centre_fwd_m, 0.0, 0.0]]))[0]
        placement = Placement(placement.yaw_deg, (-c[0], 0.0, -c[2]))
    camera = Camera.framing(size, height_m, figure_scale, center_x)
    n = int(round(timeline.duration_s * fps))
    poses, points = [], []
    hips = [int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)]
    for i in range(n):
        t = i / fps
        posture = timeline.posture_at(t)
        pts = ext_points(dims, posture)
        points.append(pts)
        world = placement.to_world(pts)
        heading = posture.heading_deg if isinstance(posture, ExtPosture) else 0.0
        left_axis = placement.to_world(_yaw(LEFT[None, :], heading))[0] - placement.to_world(np.zeros((1, 3)))[0]
        far = None if view != "side" else ("left" if left_axis[2] < 0 else "right")
        pose = pose_frame(camera, world, t, far)
        if drop_outside:
            x = pose.image[hips, 0].mean()
            if not 0.0 <= x <= 1.0:
                pose = PoseFrame.empty(t, size)
        poses.append(pose)
    truth = {**truth, "cm_per_px": 100.0 * camera.position[2] / camera.focal_px, "view": view, "fps": fps}
    return ExtClip(poses, truth, fps, timeline, dims, points)


def first_time(timeline: Timeline, test, t0: float, t1: float, step_s: float = 0.005) -> float | None:
    """First time in [t0, t1] (``step_s`` resolution) where ``test(posture)`` is true; None if never."""
    steps = max(1, int(round((t1 - t0) / step_s)))
    for k in range(steps + 1):
        t = t0 + (t1 - t0) * k / steps
        if test(timeline.posture_at(t)):
            return t
    return None
