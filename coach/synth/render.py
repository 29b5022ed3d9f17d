"""Drawing the figure with OpenCV so that MediaPipe's person detector and landmarker accept it.

What helps detection (measured): a head with a face (hair, eyes, nose, mouth, ears), a solid
torso, thick limbs with hands and shoes, dark outlines, far limbs shaded darker in side views,
and a little blur and noise so edges look photographic. Body parts are drawn back to front
by depth (painter's algorithm). Solids (head, torso, hands, shoes) are sampled ellipsoids or
elliptic cylinders projected and filled as convex hulls, so every view gets a plausible outline.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from coach.synth.backdrop import draw_backdrop, draw_chair
from coach.synth.body import SIDES, Skeleton, unit
from coach.synth.scene import Chair, Look, Scene

SHIRTS = [(170, 90, 30), (40, 40, 170), (60, 130, 40), (150, 60, 120), (30, 140, 200), (120, 120, 30)]
TROUSERS = [(70, 45, 30), (50, 50, 50), (110, 80, 40), (40, 40, 80)]
SKINS = [(150, 180, 225), (120, 155, 200), (90, 120, 165), (65, 90, 130)]
HAIR = [(30, 30, 35), (40, 60, 90), (150, 160, 170), (30, 50, 70)]
SHOES = (35, 35, 40)
FAR_SHADE = 0.72
HEAD_OVER_NECK_M = 0.03  # the head is drawn after parts this much nearer (the neck, in a side view)


def _shade(bgr, k: float) -> tuple[int, int, int]:
    return tuple(int(min(255.0, max(0.0, c * k))) for c in bgr)  # np.clip per scalar was 13% of drawing


def _ellipsoid(n: int = 14) -> np.ndarray:
    """Unit-sphere sample points (for silhouettes)."""
    th, ph = np.meshgrid(np.linspace(0, np.pi, n // 2), np.linspace(0, 2 * np.pi, n, endpoint=False))
    return np.stack([np.sin(th) * np.cos(ph), np.cos(th), np.sin(th) * np.sin(ph)], -1).reshape(-1, 3)


SPHERE = _ellipsoid()
FACE_FRONT = SPHERE[SPHERE[:, 0] >= -0.1]  # the front half (first axis: forward): skin; hair covers the rest
RING = np.stack([np.cos(a := np.linspace(0, 2 * np.pi, 16, endpoint=False)), np.sin(a)], 1)


@dataclass(frozen=True)
class Palette:
    shirt: tuple[int, int, int]
    trousers: tuple[int, int, int]
    skin: tuple[int, int, int]
    hair: tuple[int, int, int]

    @classmethod
    def for_look(cls, look: Look, rng: np.random.Generator) -> "Palette":
        pick = lambda options: tuple(int(c) for c in options[int(rng.integers(len(options)))])  # noqa: E731
        return cls(look.shirt_bgr or pick(SHIRTS), look.trousers_bgr or pick(TROUSERS), pick(SKINS), pick(HAIR))


def _camouflaged(pal: Palette, wall_bgr, amount: float) -> Palette:
    """Shirt and trousers moved ``amount`` of the way to (a slightly darker) wall colour."""
    def toward(bgr, k):
        target = np.asarray(wall_bgr, float) * k
        return tuple(int(round((1 - amount) * c + amount * t)) for c, t in zip(bgr, target))
    return Palette(toward(pal.shirt, 0.94), toward(pal.trousers, 0.88), pal.skin, pal.hair)


class Renderer:
    """Draws skeletons (figure frame, extras already applied: ``coach.synth.extended.ext_skeleton``)
    into the scene's camera. Stateless between frames apart from the still background."""

    def __init__(self, look: Look, scene: Scene, chair: Chair | None):
        self.look, self.scene = look, scene
        rng = np.random.default_rng(look.seed)
        self.palette = Palette.for_look(look, rng)
        self.background = draw_backdrop(scene.camera, rng, look.background == "cluttered")
        if look.camouflage > 0:  # clothes close to the wall's colour: the hard case for the pose model
            self.palette = _camouflaged(self.palette, self.background[2, 2], look.camouflage)
        if chair is not None:
            draw_chair(self.background, chair, scene.placement, scene.camera)
        self.h = look.height_m / 1.70
        self._far = scene.far_side

    # -- projection helpers -------------------------------------------------------------
    def _project(self, pts_fig: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.scene.camera.project(self.scene.placement.to_world(np.atleast_2d(pts_fig)))

    def _px(self, metres: float, depth: float) -> float:
        return metres * self.scene.camera.focal_px / depth

    def _shade_for(self, side: str | None) -> float:
        return FAR_SHADE if side is not None and side == self._far else 1.0

    # -- parts: each returns (depth, draw function) ----------------------------------------
    def _limb(self, a: np.ndarray, b: np.ndarray, radius_m: float, colour, side: str | None):
        uv, depth = self._project(np.array([a, b]))
        colour = _shade(colour, self._shade_for(side))
        t = max(2, int(round(2 * self._px(radius_m, depth.mean()))))

        def draw(img):
            p, q = tuple(np.int32(np.round(uv[0]))), tuple(np.int32(np.round(uv[1])))
            cv2.line(img, p, q, _shade(colour, 0.45), t + 3, cv2.LINE_AA)
            cv2.line(img, p, q, colour, t, cv2.LINE_AA)
        return depth.mean(), draw

    def _solid(self, pts_fig: np.ndarray, colour, side: str | None = None, depth_bias: float = 0.0):
        uv, depth = self._project(pts_fig)
        colour = _shade(colour, self._shade_for(side))
        hull = cv2.convexHull(np.int32(np.round(uv)))

        def draw(img):
            cv2.fillConvexPoly(img, hull, colour, cv2.LINE_AA)
            cv2.polylines(img, [hull], True, _shade(colour, 0.45), 2, cv2.LINE_AA)
        return depth.mean() + depth_bias, draw

    def _ellipsoid_pts(self, centre, axes: tuple[np.ndarray, np.ndarray, np.ndarray], radii) -> np.ndarray:
        basis = np.stack([unit(a) * r for a, r in zip(axes, radii)])
        return centre + SPHERE @ basis

    def _cylinder_pts(self, bottom, top, lateral, fwd, r_bottom, r_top) -> np.ndarray:
        """Elliptic rings (lateral, forward radii) at both ends of a segment."""
        rings = [c + RING[:, :1] * lateral * r[0] + RING[:, 1:] * fwd * r[1] for c, r in ((bottom, r_bottom), (top, r_top))]
        return np.concatenate(rings)

    def _other_parts(self, sk: Skeleton, palette: Palette, height_m: float, far_side: str | None):
        """Another person's parts: their own clothes, size and shaded side."""
        keep = self.palette, self.h, self._far
        self.palette, self.h, self._far = palette, height_m / 1.70, far_side
        try:
            return self._parts(sk)
        finally:
            self.palette, self.h, self._far = keep

    # -- the figure ----------------------------------------------------------------------------
    def _parts(self, sk: Skeleton):
        pal, h = self.palette, self.h
        j = sk.joints
        lat, tfwd, tup = sk.shoulder_axis, sk.trunk_fwd, sk.trunk_up
        parts = []
        # Torso: an elliptic cylinder from just below the hips to the shoulders.
        torso = self._cylinder_pts(j["hip_mid"] - tup * 0.02 * h, j["shoulder_mid"] + tup * 0.015 * h, lat, tfwd,
                                   (0.16 * h, 0.10 * h), (0.20 * h, 0.10 * h))
        parts.append(self._solid(torso, pal.shirt))
        pelvis = self._cylinder_pts(j["hip_mid"] - tup * 0.09 * h, j["hip_mid"] + tup * 0.06 * h, lat, tfwd,
                                    (0.165 * h, 0.105 * h), (0.16 * h, 0.10 * h))
        parts.append(self._solid(pelvis, pal.trousers, depth_bias=0.001))
        parts.append(self._limb(j["shoulder_mid"], j["neck_top"] + sk.head_up * 0.02 * h, 0.05 * h, pal.skin, None))
        for side in SIDES:
            s = f"{side}_"
            thigh_top = j[s + "hip"] + (j[s + "hip"] - j[s + "knee"]) * 0.05
            parts.append(self._limb(thigh_top, j[s + "knee"], 0.072 * h, pal.trousers, side))
            # The hem stops at the ankle (a round line cap would hide the heel).
            hem = j[s + "ankle"] + unit(j[s + "knee"] - j[s + "ankle"]) * 0.04 * h
            parts.append(self._limb(j[s + "knee"], hem, 0.056 * h, pal.trousers, side))
            parts.extend(self._shoe(j, s, side))
            parts.append(self._limb(j[s + "shoulder"], j[s + "elbow"], 0.048 * h, pal.shirt, side))
            parts.append(self._limb(j[s + "elbow"], j[s + "wrist"], 0.036 * h, pal.shirt, side))  # long sleeves
            hand_dir = unit(j[s + "wrist"] - j[s + "elbow"])
            thumb = sk.thumb_dir[side]
            hand = self._ellipsoid_pts(j[s + "wrist"] + hand_dir * 0.055 * h,
                                       (hand_dir, thumb, np.cross(hand_dir, thumb)), (0.065 * h, 0.045 * h, 0.022 * h))
            parts.append(self._solid(hand, pal.skin, side, depth_bias=-0.005))
        parts.append(self._head(sk))
        return parts

    def _shoe(self, j: dict, s: str, side: str):
        """Rear foot (heel to ball) and forefoot (ball to toe) as separate solids, so a raised heel
        shows as a bend at the ball of the foot. Kept low: a tall shoe pulls MediaPipe's ankle up."""
        h = self.h
        heel, ball, toe, ankle = j[s + "heel"], j[s + "ball"], j[s + "toe"], j[s + "ankle"]
        rear_axis = unit(ball - heel)
        up_axis = unit(ankle - heel - np.dot(ankle - heel, rear_axis) * rear_axis)
        side_axis = np.cross(rear_axis, up_axis)
        rear = self._ellipsoid_pts((heel + ball) / 2 + up_axis * 0.014 * h, (rear_axis, up_axis, side_axis),
                                   (np.linalg.norm(ball - heel) / 2 + 0.015 * h, 0.03 * h, 0.046 * h))
        ankle_pts = self._ellipsoid_pts(ankle - up_axis * 0.02 * h, (rear_axis, up_axis, side_axis),
                                        (0.045 * h, 0.026 * h, 0.04 * h))
        fore_axis = unit(toe - ball)
        fore_up = unit(np.cross(side_axis, fore_axis)) if np.dot(np.cross(side_axis, fore_axis), up_axis) > 0 \
            else -unit(np.cross(side_axis, fore_axis))
        fore = self._ellipsoid_pts((ball + toe) / 2 + fore_up * 0.012 * h, (fore_axis, fore_up, side_axis),
                                   (np.linalg.norm(toe - ball) / 2 + 0.025 * h, 0.022 * h, 0.046 * h))
        return [self._solid(np.concatenate([rear, ankle_pts]), SHOES, side, depth_bias=-0.01),
                self._solid(fore, SHOES, side, depth_bias=-0.011)]

    def _head(self, sk: Skeleton):
        pal, h = self.palette, self.h
        c, fwd, up = sk["head"], sk.head_fwd, sk.head_up
        lat = unit(sk.head_axis)
        hair = self._ellipsoid_pts(c - fwd * 0.012 * h + up * 0.014 * h, (fwd, up, lat), (0.1 * h, 0.118 * h, 0.085 * h))
        # Skin only on the front half, hair behind the ears: a turned head then shows hair on the side
        # it turned away from, as a real one does (a whole skin ellipsoid reads as a face from the front).
        face = c + fwd * 0.006 * h - up * 0.01 * h + FACE_FRONT @ np.stack([fwd * 0.098 * h, up * 0.11 * h, lat * 0.08 * h])
        depth_c = self._project(c)[1][0]
        face_away = self._project(c + fwd * 0.05 * h)[1][0] > depth_c  # seen from behind: hair over the face
        _, draw_hair = self._solid(hair, pal.hair)
        _, draw_face = self._solid(face, pal.skin)
        feats = []
        # Features on the front of the face, drawn only when they face the camera.
        for s in (1.0, -1.0):
            eye = c + fwd * 0.082 * h + up * 0.02 * h + lat * s * 0.032 * h
            brow = eye + up * 0.022 * h
            ear = c + lat * s * 0.079 * h - fwd * 0.006 * h
            # eye and brow as their inner and outer corners: a turned eye is foreshortened
            feats.append(("eye", eye, np.array([eye - lat * 0.018 * h, eye + lat * 0.018 * h,
                                                brow - lat * 0.02 * h, brow + lat * 0.02 * h])))
            feats.append(("ear", ear, None))
        nose = [c + fwd * 0.09 * h + up * 0.012 * h, c + fwd * 0.125 * h - up * 0.012 * h, c + fwd * 0.092 * h - up * 0.028 * h]
        mouth = [c + fwd * 0.085 * h - up * 0.052 * h + lat * s * 0.022 * h for s in (1.0, -1.0)]

        def draw(img):
            for part in ((draw_face, draw_hair) if face_away else (draw_hair, draw_face)):
                part(img)
            for kind, p, q in feats:
                uv, d = self._project(np.array([p] if q is None else [p, *q]))
                r = max(1.5, self._px(0.014 * h, d[0]))
                centre = tuple(np.int32(np.round(uv[0])))
                if kind == "ear" and d[0] < depth_c + 0.02 * h:
                    cv2.ellipse(img, centre, (max(2, int(r * 1.1)), max(3, int(r * 1.9))), 0, 0, 360,
                                _shade(pal.skin, 0.8), -1, cv2.LINE_AA)
                    cv2.ellipse(img, centre, (max(2, int(r * 1.1)), max(3, int(r * 1.9))), 0, 0, 360,
                                _shade(pal.skin, 0.5), 1, cv2.LINE_AA)
                if kind == "eye" and d[0] < depth_c - 0.01 * h:
                    half = max(1, int(round(np.linalg.norm(uv[2] - uv[1]) / 2)))
                    cv2.ellipse(img, centre, (half, max(1, int(r * 0.8))), 0, 0, 360, (245, 245, 245), -1, cv2.LINE_AA)
                    cv2.circle(img, centre, max(1, int(r * 0.6)), (40, 30, 20), -1, cv2.LINE_AA)
                    cv2.line(img, tuple(np.int32(np.round(uv[3]))), tuple(np.int32(np.round(uv[4]))),
                             _shade(pal.hair, 0.8), max(1, int(r * 0.5)), cv2.LINE_AA)
            nuv, nd = self._project(np.array(nose))
            cv2.fillConvexPoly(img, np.int32(np.round(nuv)), _shade(pal.skin, 0.8), cv2.LINE_AA)
            cv2.polylines(img, [np.int32(np.round(nuv))], True, _shade(pal.skin, 0.55), 1, cv2.LINE_AA)
            muv, md = self._project(np.array(mouth))
            if md.mean() < depth_c:
                cv2.line(img, tuple(np.int32(muv[0])), tuple(np.int32(muv[1])), (60, 60, 170),
                         max(1, int(self._px(0.01 * h, md.mean()))), cv2.LINE_AA)
        return depth_c - HEAD_OVER_NECK_M * h, draw  # over the neck's end whichever way the head turns

    def draw(self, sk: Skeleton, index: int, far_side: str | None = "scene", others=()) -> np.ndarray:
        """The picture of ``sk``; ``far_side``: the side drawn shaded this frame (default: the scene's).
        ``others``: more people in the same picture, each ``(skeleton, Palette, height_m, far_side)``
        in the same figure frame (a passer-by, a carer alongside); all parts of everyone are drawn
        back to front together, so people hide each other as they pass."""
        self._far = self.scene.far_side if far_side == "scene" else far_side
        img = self.background.copy()
        parts = self._parts(sk)
        for other in others:
            parts += self._other_parts(*other)
        for _, draw in sorted(parts, key=lambda p: -p[0]):
            draw(img)
        img = cv2.GaussianBlur(img, (0, 0), 0.7)
        look = self.look
        if look.noise_sigma > 0 or look.brightness != 1.0:
            rng = np.random.default_rng((look.seed, index))
            f = img.astype(np.float32) * look.brightness
            if look.noise_sigma > 0:
                f += rng.normal(0.0, look.noise_sigma, img.shape).astype(np.float32)
            img = np.clip(f, 0, 255).astype(np.uint8)
        return img
