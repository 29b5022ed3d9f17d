"""A kinematic stick body: joint angles in, 3D joint positions out.

Everything here is in the *figure frame*, metres: ``FWD`` is where the person faces, ``UP`` is
up, ``LEFT`` is the person's left; the origin is on the floor midway between the ankles' rest
positions. Planted legs are solved from the feet up (feet never slide); a lifted leg hangs from
its hip. Segment lengths are fractions of standing height (Winter's anthropometric table).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace

import numpy as np

FWD = np.array([1.0, 0.0, 0.0])
UP = np.array([0.0, 1.0, 0.0])
LEFT = np.array([0.0, 0.0, 1.0])
SIDES = ("left", "right")


def side_sign(side: str) -> float:
    """+1 for the person's left, -1 for the right (direction of LEFT)."""
    return 1.0 if side == "left" else -1.0


def tilt(v: np.ndarray, deg: float) -> np.ndarray:
    """Rotate ``v`` in the sagittal plane so that UP tips toward FWD by ``deg``."""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    f, u = v[..., 0], v[..., 1]
    out = np.array(v, dtype=float, copy=True)
    out[..., 0] = c * f + s * u
    out[..., 1] = -s * f + c * u
    return out


def unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n > 1e-12 else v


@dataclass(frozen=True)
class BodyDims:
    """Segment lengths (metres) scaled from standing height."""

    height_m: float = 1.70

    def __getattr__(self, name: str) -> float:  # only called for names not found normally
        try:
            return _FRACTIONS[name] * self.height_m
        except KeyError:
            raise AttributeError(name) from None


_FRACTIONS = {
    "shank": 0.246,  # knee to ankle
    "thigh": 0.245,  # hip to knee
    "trunk": 0.288,  # hip joints to shoulder joints
    "upper_arm": 0.186,
    "forearm": 0.146,
    "hand": 0.060,  # wrist to knuckles
    "shoulder_half": 0.092,  # half the distance between shoulder joints
    "hip_half": 0.072,  # half the distance between hip joints
    "ankle_height": 0.039,
    "heel_back": 0.036,  # heel landmark behind the ankle
    "heel_height": 0.012,
    "ball_fwd": 0.082,  # ball of the foot (pivot of a heel raise) ahead of the ankle
    "toe_fwd": 0.118,  # toe tip (FOOT_INDEX) ahead of the ankle
    "toe_height": 0.012,
    "neck": 0.060,  # shoulder line to head base
    "head_radius": 0.062,
    "head_up": 0.105,  # shoulder line to head centre
}


@dataclass(frozen=True)
class LegPose:
    knee_flex: float = 0.0  # deg, 0 = straight
    shank_tilt: float = 0.0  # deg the shank leans forward from vertical (planted leg)
    heel_lift: float = 0.0  # deg the foot turns about the ball of the foot (planted leg)
    hip_flex: float = 0.0  # deg the thigh swings forward (lifted leg only)
    knee_in: float = 0.0  # m the knee moves toward the midline (valgus)


@dataclass(frozen=True)
class ArmPose:
    flexion: float = 0.0  # deg humerus forward from hanging, in the trunk's frame
    abduction: float = 0.0  # deg humerus outward
    elbow_flex: float = 0.0  # deg, 0 = straight
    rotation: float = 0.0  # deg internal rotation: swings a bent forearm toward the midline
    on_thigh: float = 0.0  # 0..1: how far the hand has moved onto the top of the thigh
    hike: float = 0.0  # m the shoulder is shrugged up along the trunk


@dataclass(frozen=True)
class Posture:
    trunk_flexion: float = 0.0  # deg forward from vertical (hip midpoint to shoulder midpoint)
    trunk_lateral: float = 0.0  # deg toward the person's left
    head_flexion: float = 0.0  # deg, added to half the trunk flexion (people keep looking ahead)
    protraction: float = 0.0  # m the shoulder girdle slides forward (reaching)
    stance_half: float = 0.0  # m extra half-width of the feet beyond the hips
    left_leg: LegPose = field(default_factory=LegPose)
    right_leg: LegPose = field(default_factory=LegPose)
    left_arm: ArmPose = field(default_factory=ArmPose)
    right_arm: ArmPose = field(default_factory=ArmPose)
    support: str = "both"  # "both", "left" or "right": which feet are on the floor (not blended)

    def leg(self, side: str) -> LegPose:
        return self.left_leg if side == "left" else self.right_leg

    def arm(self, side: str) -> ArmPose:
        return self.left_arm if side == "left" else self.right_arm

    def with_legs(self, **kw) -> "Posture":
        return replace(self, left_leg=replace(self.left_leg, **kw), right_leg=replace(self.right_leg, **kw))

    def with_arms(self, **kw) -> "Posture":
        return replace(self, left_arm=replace(self.left_arm, **kw), right_arm=replace(self.right_arm, **kw))

    def with_side(self, side: str, leg: dict | None = None, arm: dict | None = None) -> "Posture":
        """Change one side's leg and/or arm fields."""
        out = self
        if leg:
            out = replace(out, **{f"{side}_leg": replace(out.leg(side), **leg)})
        if arm:
            out = replace(out, **{f"{side}_arm": replace(out.arm(side), **arm)})
        return out


def blend(a, b, t: float):
    """Linear blend of two postures (or any nested dataclasses of floats); strings come from ``a``."""
    if is_dataclass(a):
        return replace(a, **{f.name: blend(getattr(a, f.name), getattr(b, f.name), t) for f in fields(a)})
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        return a + (b - a) * t
    return a


@dataclass
class Skeleton:
    """Joint positions (figure frame, metres) plus the directions the landmarks need."""

    joints: dict[str, np.ndarray]
    head_fwd: np.ndarray
    head_up: np.ndarray
    shoulder_axis: np.ndarray  # toward the person's left
    trunk_up: np.ndarray
    trunk_fwd: np.ndarray
    thumb_dir: dict[str, np.ndarray]  # per side, across the hand toward the thumb
    head_lat: np.ndarray | None = None  # ear to ear toward the left; None: along the shoulders (no head turn)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.joints[name]

    @property
    def head_axis(self) -> np.ndarray:
        return self.shoulder_axis if self.head_lat is None else self.head_lat


def _foot_rest(dims: BodyDims, ankle_floor: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "ankle": ankle_floor + UP * dims.ankle_height,
        "heel": ankle_floor - FWD * dims.heel_back + UP * dims.heel_height,
        "toe": ankle_floor + FWD * dims.toe_fwd + UP * dims.toe_height,
        "ball": ankle_floor + FWD * dims.ball_fwd,
    }


def _planted_leg(dims: BodyDims, leg: LegPose, side: str, stance_half: float) -> dict[str, np.ndarray]:
    s = side_sign(side)
    foot = _foot_rest(dims, LEFT * s * (dims.hip_half + stance_half))
    ball = foot["ball"]
    # Heel raise: ankle and heel turn about the ball of the foot; the toes bend and stay down.
    ankle = ball + tilt(foot["ankle"] - ball, leg.heel_lift)
    heel = ball + tilt(foot["heel"] - ball, leg.heel_lift)
    knee = ankle + tilt(UP, leg.shank_tilt) * dims.shank
    hip = knee + tilt(UP, leg.shank_tilt - leg.knee_flex) * dims.thigh
    # Feet wider than the hips splay the legs: hip at hip width, knee on the straight line between.
    hip = hip * np.array([1, 1, 0]) + LEFT * s * dims.hip_half
    knee[2] = (hip[2] + ankle[2]) / 2 - s * leg.knee_in
    return {"ankle": ankle, "heel": heel, "ball": ball, "toe": foot["toe"], "knee": knee, "hip": hip}


def _hanging_leg(dims: BodyDims, leg: LegPose, hip: np.ndarray) -> dict[str, np.ndarray]:
    knee = hip + tilt(-UP, -leg.hip_flex) * dims.thigh
    shank_angle = leg.knee_flex - leg.hip_flex  # shank's backward swing from vertical
    ankle = knee + tilt(-UP, shank_angle) * dims.shank
    rest = _foot_rest(dims, np.zeros(3))
    rot = shank_angle + 25.0  # foot rides with the shank, toes pointed a little
    return {"knee": knee, "ankle": ankle,
            **{k: ankle + tilt(rest[k] - rest["ankle"], rot) for k in ("heel", "ball", "toe")}}


def _arm(dims: BodyDims, arm: ArmPose, side: str, shoulder: np.ndarray, up: np.ndarray, fwd: np.ndarray,
         out: np.ndarray, thigh_target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elbow, wrist and the thumb direction of one arm."""
    phi, alpha = np.radians(arm.flexion), np.radians(arm.abduction)
    humerus = unit(np.cos(alpha) * (-np.cos(phi) * up + np.sin(phi) * fwd) + np.sin(alpha) * out)
    # Plane in which the elbow bends: forward of the humerus, turned medially by internal rotation.
    ref = fwd if abs(np.dot(humerus, fwd)) < 0.95 else up
    p0 = unit(ref - np.dot(ref, humerus) * humerus)
    medial = -out
    q = medial - np.dot(medial, humerus) * humerus - np.dot(medial, p0) * p0
    q = unit(q) if np.linalg.norm(q) > 1e-6 else p0
    rho = np.radians(arm.rotation)
    bend = np.cos(rho) * p0 + np.sin(rho) * q
    eps = np.radians(arm.elbow_flex)
    elbow = shoulder + humerus * dims.upper_arm
    wrist = elbow + (np.cos(eps) * humerus + np.sin(eps) * bend) * dims.forearm
    if arm.on_thigh > 0:
        target = wrist + (thigh_target - wrist) * arm.on_thigh
        elbow, wrist = _two_link(shoulder, target, dims.upper_arm, dims.forearm, pole=elbow + 0.2 * out)
    forearm = unit(wrist - elbow)
    thumb = bend - np.dot(bend, forearm) * forearm
    return elbow, wrist, unit(thumb) if np.linalg.norm(thumb) > 1e-6 else fwd


def _two_link(root: np.ndarray, target: np.ndarray, a: float, b: float, pole: np.ndarray):
    """Elbow and wrist reaching ``target`` from ``root`` with segment lengths a, b; elbow toward pole."""
    d_vec = target - root
    d = float(np.clip(np.linalg.norm(d_vec), abs(a - b) + 1e-4, a + b - 1e-4))
    axis = unit(d_vec)
    x = (a * a - b * b + d * d) / (2 * d)
    r = np.sqrt(max(a * a - x * x, 0.0))
    side = pole - root
    side = unit(side - np.dot(side, axis) * axis)
    return root + axis * x + side * r, root + axis * d


def solve(dims: BodyDims, p: Posture) -> Skeleton:
    """Joint positions of posture ``p``."""
    j: dict[str, np.ndarray] = {}
    planted = SIDES if p.support == "both" else (p.support,)
    for side in planted:
        for k, v in _planted_leg(dims, p.leg(side), side, p.stance_half).items():
            j[f"{side}_{k}"] = v
    if p.support != "both":
        other = "right" if p.support == "left" else "left"
        hip = j[f"{p.support}_hip"].copy()
        hip[2] = side_sign(other) * dims.hip_half
        j[f"{other}_hip"] = hip
        for k, v in _hanging_leg(dims, p.leg(other), hip).items():
            j[f"{other}_{k}"] = v
    hip_mid = (j["left_hip"] + j["right_hip"]) / 2

    lat = np.radians(p.trunk_lateral)
    sagittal_up = tilt(UP, p.trunk_flexion)
    trunk_up = unit(np.cos(lat) * sagittal_up + np.sin(lat) * LEFT)
    trunk_fwd = tilt(FWD, p.trunk_flexion)
    shoulder_axis = unit(np.cos(lat) * LEFT - np.sin(lat) * sagittal_up)
    sh_mid = hip_mid + trunk_up * dims.trunk + FWD * p.protraction
    for side in SIDES:
        s = side_sign(side)
        j[f"{side}_shoulder"] = sh_mid + shoulder_axis * s * dims.shoulder_half + trunk_up * p.arm(side).hike
    j["shoulder_mid"], j["hip_mid"] = sh_mid, hip_mid

    head_tilt = 0.5 * p.trunk_flexion + p.head_flexion
    head_up = unit(np.cos(lat) * tilt(UP, head_tilt) + np.sin(lat) * LEFT)
    head_fwd = tilt(FWD, head_tilt)
    j["neck_top"] = sh_mid + trunk_up * dims.neck
    j["head"] = j["neck_top"] + head_up * (dims.head_up - dims.neck) + head_fwd * 0.01 * dims.height_m

    thumbs = {}
    for side in SIDES:
        s = side_sign(side)
        hip, knee = j[f"{side}_hip"], j[f"{side}_knee"]
        thigh = unit(knee - hip)
        top = FWD + UP - np.dot(FWD + UP, thigh) * thigh  # the thigh's upper/front surface
        target = hip + (knee - hip) * 0.6 + unit(top) * 0.07 + LEFT * s * 0.02
        elbow, wrist, thumb = _arm(dims, p.arm(side), side, j[f"{side}_shoulder"], trunk_up, trunk_fwd,
                                   shoulder_axis * s, target)
        j[f"{side}_elbow"], j[f"{side}_wrist"] = elbow, wrist
        thumbs[side] = thumb
    return Skeleton(j, head_fwd, head_up, shoulder_axis, trunk_up, trunk_fwd, thumbs)
