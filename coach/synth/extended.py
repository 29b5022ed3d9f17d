"""Movements the stick body of ``coach.synth.body`` cannot make on its own: a turned head, a
foot placed ahead of or beside its rest spot (tandem stance, a step), and walking (the whole
figure moved along the floor and turned about the vertical).

``ExtPosture`` is a ``Posture`` with these extra fields; it blends, eases and times like any
posture (``coach.synth.motion``), so scripts build timelines as usual. ``ext_points`` solves
the body with ``coach.synth.body.solve`` and then applies the extras to the joints (feet, walking)
and to the face landmarks (head turn). ``generate_ext`` gives the true ``PoseFrame`` of every
frame, like ``coach.synth.clip.generate`` does for the plain exercises, and draws them on demand
(``ExtClip.frames``): landmarks and pictures come from the same ``ext_skeleton``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark
from coach.synth.body import FWD, LEFT, SIDES, UP, BodyDims, Posture, Skeleton, _two_link, side_sign, solve
from coach.synth.camera import Camera, Placement, facing_yaw, pose_frame
from coach.synth.landmarks33 import landmarks_3d
from coach.synth.scene import Chair, Look, Scene
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
    rise_m: float = 0.0  # m the whole figure is raised (standing on a step; applied with the walk)
    # A moved foot's knee: False moves it half the foot's shift; True solves it between its hip and
    # the moved ankle (two segments, bending forward; ``LegPose.knee_in`` still applies), so a foot
    # placed on a step bends its knee. A foot beyond the leg's reach is pulled up toward the hip.
    knees_follow_feet: bool = False
    pelvis_shift: float = 0.0  # m the pelvis (and all above it) moves toward the person's left over still feet

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


def ext_skeleton(dims: BodyDims, p: Posture) -> Skeleton:
    """The solved body of ``p`` with the extras applied (figure frame, metres): feet moved, head
    turned, the whole figure walked and turned. Landmarks and drawing both read this one skeleton,
    so a rendered clip shows exactly what its true landmarks say."""
    sk = solve(dims, p)
    if not isinstance(p, ExtPosture):
        return sk
    joints = dict(sk.joints)
    for side in SIDES:
        fwd, out, up = p.foot(side)
        shift = FWD * fwd + LEFT * side_sign(side) * out + UP * up
        if not shift.any():
            continue
        for part in FOOT_POINTS:
            joints[f"{side}_{part}"] = joints[f"{side}_{part}"] + shift
        if not p.knees_follow_feet:
            joints[f"{side}_knee"] = joints[f"{side}_knee"] + shift * 0.5
            continue
        hip, ankle = joints[f"{side}_hip"], joints[f"{side}_ankle"]
        knee, reached = _two_link(hip, ankle, dims.thigh, dims.shank, pole=(hip + ankle) / 2 + FWD)
        for part in FOOT_POINTS:
            joints[f"{side}_{part}"] = joints[f"{side}_{part}"] + (reached - ankle)
        joints[f"{side}_knee"] = knee - LEFT * side_sign(side) * p.leg(side).knee_in
    if p.pelvis_shift:  # a weight shift: the feet stay, the body above the knees moves sideways
        joints = _shift_pelvis(dims, joints, p.pelvis_shift)
    sk = replace(sk, joints=joints)
    if p.head_yaw:  # about the vertical through the head centre
        sk = replace(sk, head_fwd=_yaw(sk.head_fwd, p.head_yaw), head_up=_yaw(sk.head_up, p.head_yaw),
                     head_lat=_yaw(sk.head_axis, p.head_yaw))
    if p.heading_deg or p.walk_fwd_m or p.rise_m:  # the whole figure about the floor origin, then along the start's FWD
        turn = lambda v: _yaw(v, p.heading_deg)  # noqa: E731
        sk = replace(sk, joints={k: turn(v) + FWD * p.walk_fwd_m + UP * p.rise_m for k, v in sk.joints.items()},
                     head_fwd=turn(sk.head_fwd), head_up=turn(sk.head_up), head_lat=turn(sk.head_axis),
                     shoulder_axis=turn(sk.shoulder_axis), trunk_up=turn(sk.trunk_up),
                     trunk_fwd=turn(sk.trunk_fwd), thumb_dir={k: turn(v) for k, v in sk.thumb_dir.items()})
    return sk


def _shift_pelvis(dims: BodyDims, joints: dict[str, np.ndarray], shift_m: float) -> dict[str, np.ndarray]:
    """Everything above the knees moved ``shift_m`` toward the person's left (the knees half as
    far), and lowered so the legs, now leaning over the still feet, keep their length."""
    leg = dims.thigh + dims.shank
    drop = leg - float(np.sqrt(max(leg * leg - shift_m * shift_m, 0.0)))
    move = LEFT * shift_m - UP * drop
    feet = {f"{side}_{part}" for side in SIDES for part in FOOT_POINTS}
    knees = {f"{side}_knee" for side in SIDES}
    return {k: v if k in feet else v + move * 0.5 if k in knees else v + move for k, v in joints.items()}


def ext_points(dims: BodyDims, p: Posture) -> np.ndarray:
    """(33, 3) figure-frame landmark positions (metres) of ``p``, extras applied."""
    return landmarks_3d(dims, ext_skeleton(dims, p))


@dataclass
class ExtClip:
    """True poses of a scripted movement and the script's truth (plain dicts, JSON-able); the
    pictures are drawn on demand from the same skeletons (``frames``)."""

    poses: list[PoseFrame]
    truth: dict
    fps: float
    timeline: Timeline
    dims: BodyDims
    points: list[np.ndarray] = field(default_factory=list)  # figure-frame (33, 3) per frame
    skeletons: list[Skeleton] = field(default_factory=list)
    far_sides: list[str | None] = field(default_factory=list)  # per frame: it changes as a walker turns
    scene: Scene | None = None
    chair: Chair | None = None
    look: Look = field(default_factory=Look)

    @property
    def duration_s(self) -> float:
        return len(self.poses) / self.fps

    @property
    def size(self) -> tuple[int, int]:
        return self.scene.camera.size

    def frames(self) -> Iterator[np.ndarray]:
        """BGR uint8 images, one per frame, drawn on demand."""
        from coach.synth.render import Renderer  # OpenCV only when pictures are wanted

        renderer = Renderer(self.look, self.scene, self.chair)
        for i, (sk, far) in enumerate(zip(self.skeletons, self.far_sides)):
            yield renderer.draw(sk, i, far)


def _far_side(placement: Placement, heading_deg: float) -> str:
    """Side view: the person's side away from the camera, for a figure turned by ``heading_deg``."""
    left_axis = placement.to_world(_yaw(LEFT[None, :], heading_deg))[0] - placement.to_world(np.zeros((1, 3)))[0]
    return "left" if left_axis[2] < 0 else "right"


def generate_ext(timeline: Timeline, truth: dict, view: str = "side", fps: float = 30.0,
                 size: tuple[int, int] = (640, 480), height_m: float = 1.70, figure_scale: float = 0.72,
                 center_x: float = 0.5, facing: str = "right", centre_fwd_m: float = 0.0,
                 drop_outside: bool = False, yaw_deg: float = 0.0, chair: Chair | None = None,
                 look: Look | None = None, feet_y: float = 0.88) -> ExtClip:
    """The true pose of every frame of ``timeline`` seen from ``view``.

    ``centre_fwd_m``: the figure-frame forward point kept at the picture's centre (side view);
    ``yaw_deg``: an extra turn of the person away from the pure view (an oblique camera);
    ``feet_y``: where the standing figure's feet are (fraction of the frame height; over 1 with a
    large ``figure_scale`` frames the head and trunk only, a webcam close by);
    ``drop_outside``: frames whose hips are outside the picture have nobody in them, as a pose
    model would report (a walk that leaves the frame); ``chair``: drawn where the figure frame
    puts it (it does not move when the person walks); ``look``: clothes, room and image noise."""
    dims = BodyDims(height_m)
    placement = Placement(facing_yaw(view, facing, yaw_deg))
    if view == "side":
        c = placement.to_world(np.array([[centre_fwd_m, 0.0, 0.0]]))[0]
        placement = Placement(placement.yaw_deg, (-c[0], 0.0, -c[2]))
    camera = Camera.framing(size, height_m, figure_scale, center_x, feet_y)
    look = look or Look(height_m=height_m)
    n = int(round(timeline.duration_s * fps))
    poses, points, skeletons, fars = [], [], [], []
    hips = [int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)]
    for i in range(n):
        t = i / fps
        posture = timeline.posture_at(t)
        sk = ext_skeleton(dims, posture)
        pts = landmarks_3d(dims, sk)
        heading = posture.heading_deg if isinstance(posture, ExtPosture) else 0.0
        far = None if view != "side" else _far_side(placement, heading)
        pose = pose_frame(camera, placement.to_world(pts), t, far)
        if drop_outside:
            x = pose.image[hips, 0].mean()
            if not 0.0 <= x <= 1.0:
                pose = PoseFrame.empty(t, size)
        poses.append(pose)
        points.append(pts)
        skeletons.append(sk)
        fars.append(far)
    truth = {**truth, "cm_per_px": 100.0 * camera.position[2] / camera.focal_px, "view": view, "fps": fps}
    if yaw_deg:
        truth["yaw_deg"] = yaw_deg
    scene = Scene(dims, placement, camera, fars[0] if fars else None)
    return ExtClip(poses, truth, fps, timeline, dims, points, skeletons, fars, scene, chair, look)


def first_time(timeline: Timeline, test, t0: float, t1: float, step_s: float = 0.005) -> float | None:
    """First time in [t0, t1] (``step_s`` resolution) where ``test(posture)`` is true; None if never."""
    steps = max(1, int(round((t1 - t0) / step_s)))
    for k in range(steps + 1):
        t = t0 + (t1 - t0) * k / steps
        if test(timeline.posture_at(t)):
            return t
    return None
