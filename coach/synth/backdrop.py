"""The still part of a frame: wall, floor, optional clutter, and the chair.

Drawn once per clip. The wall stands ``WALL_BEHIND_M`` behind the person; the floor line is
where the level camera sees the floor meet the wall.
"""
from __future__ import annotations

import cv2
import numpy as np

from coach.synth.body import FWD, LEFT, UP
from coach.synth.camera import Camera, Placement
from coach.synth.scene import Chair

WALL_BEHIND_M = 2.0
CHAIR_BGR = (40, 75, 120)


def _shade(bgr, k: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(c * k, 0, 255)) for c in bgr)


def floor_line_y(camera: Camera) -> int:
    _, h = camera.size
    depth = camera.position[2] + WALL_BEHIND_M
    return int(round(h / 2 + camera.focal_px * camera.position[1] / depth))


def draw_backdrop(camera: Camera, rng: np.random.Generator, cluttered: bool) -> np.ndarray:
    w, h = camera.size
    wall = np.array([rng.uniform(170, 225), rng.uniform(175, 225), rng.uniform(175, 230)])
    floor = np.array([rng.uniform(60, 110), rng.uniform(90, 140), rng.uniform(120, 170)])
    img = np.empty((h, w, 3), np.float32)
    img[:] = wall
    y0 = min(max(floor_line_y(camera), 0), h - 1)
    img[y0:] = floor
    # A soft vertical light falloff so the picture is not perfectly flat.
    img *= np.linspace(1.05, 0.92, h, dtype=np.float32)[:, None, None]
    img = np.clip(img, 0, 255).astype(np.uint8)
    cv2.line(img, (0, y0), (w, y0), _shade(wall, 0.7), max(2, h // 120))  # skirting board
    if cluttered:
        _clutter(img, rng, y0, camera)
    return img


def _clutter(img: np.ndarray, rng: np.random.Generator, floor_y: int, camera: Camera) -> None:
    """Pictures, a door, a shelf with objects, floorboards, and fine texture: a lived-in room."""
    h, w = img.shape[:2]
    for _ in range(int(rng.integers(3, 6))):
        x, y = int(rng.uniform(0, w * 0.9)), int(rng.uniform(0.05 * h, floor_y * 0.6))
        bw, bh = int(rng.uniform(0.06, 0.16) * w), int(rng.uniform(0.06, 0.16) * h)
        colour = tuple(int(c) for c in rng.integers(30, 230, 3))
        cv2.rectangle(img, (x, y), (x + bw, y + bh), (40, 40, 40), -1)
        cv2.rectangle(img, (x + 3, y + 3), (x + bw - 3, y + bh - 3), colour, -1)
    door_x = int(rng.choice([0.04, 0.78]) * w)
    cv2.rectangle(img, (door_x, int(floor_y * 0.25)), (door_x + int(0.14 * w), floor_y), (70, 110, 150), -1)
    cv2.circle(img, (door_x + int(0.12 * w), int(floor_y * 0.65)), max(2, w // 150), (40, 160, 200), -1)
    shelf_y = int(floor_y * rng.uniform(0.45, 0.6))
    sx = int(rng.uniform(0, 0.6) * w)
    cv2.rectangle(img, (sx, shelf_y), (sx + int(0.3 * w), shelf_y + max(3, h // 80)), (50, 70, 90), -1)
    for _ in range(5):
        ox = sx + int(rng.uniform(0, 0.27 * w))
        oh = int(rng.uniform(0.02, 0.07) * h)
        cv2.rectangle(img, (ox, shelf_y - oh), (ox + int(0.025 * w), shelf_y), tuple(int(c) for c in rng.integers(20, 240, 3)), -1)
    for k in range(-12, 13):  # floorboards: lines of constant X converge toward the horizon
        x_world = k * 0.25
        near = camera.project(np.array([[x_world, 0.0, camera.position[2] - 0.5]]))[0][0]
        far = camera.project(np.array([[x_world, 0.0, -WALL_BEHIND_M]]))[0][0]
        cv2.line(img, tuple(int(v) for v in far), tuple(int(v) for v in near), (60, 80, 100), 1, cv2.LINE_AA)
    noise = rng.normal(0, 6, img.shape).astype(np.float32)
    img[:] = np.clip(img.astype(np.float32) + cv2.GaussianBlur(noise, (0, 0), 1.5), 0, 255).astype(np.uint8)


def draw_chair(img: np.ndarray, chair: Chair, placement: Placement, camera: Camera) -> None:
    """A wooden chair: seat slab, four legs and a backrest, in the figure frame."""
    def px(pts_fig: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        uv, depth = camera.project(placement.to_world(np.atleast_2d(pts_fig)))
        return uv, depth

    half = chair.width_m / 2
    seat_t = 0.04
    corners = [FWD * x + LEFT * z + UP * y for x in (chair.back_m, chair.front_m) for z in (-half, half)
               for y in (chair.seat_height_m - seat_t, chair.seat_height_m)]
    legs = [(FWD * x + LEFT * z) for x in (chair.back_m + 0.03, chair.front_m - 0.03) for z in (-half + 0.03, half - 0.03)]
    back = [FWD * x + LEFT * z + UP * y for x in (chair.back_m, chair.back_m + 0.04) for z in (-half, half)
            for y in (chair.seat_height_m + 0.15, chair.seat_height_m + chair.back_height_m)]
    posts = [FWD * (chair.back_m + 0.02) + LEFT * z for z in (-half + 0.03, half - 0.03)]
    parts = []
    if chair.solid:  # a step: one box standing on the floor
        legs, posts, back = [], [], []
        corners = [FWD * x + LEFT * z + UP * y for x in (chair.back_m, chair.front_m) for z in (-half, half)
                   for y in (0.0, chair.seat_height_m)]
    for leg in legs:
        parts.append(("line", np.array([leg, leg + UP * chair.seat_height_m]), _shade(CHAIR_BGR, 0.8)))
    for post in posts:
        parts.append(("line", np.array([post + UP * chair.seat_height_m, post + UP * (chair.seat_height_m + chair.back_height_m)]),
                      _shade(CHAIR_BGR, 0.85)))
    parts.append(("hull", np.array(corners), CHAIR_BGR))
    if back:
        parts.append(("hull", np.array(back), _shade(CHAIR_BGR, 1.1)))
    drawn = []
    for kind, pts, colour in parts:
        uv, depth = px(pts)
        drawn.append((-depth.mean(), kind, uv, depth, colour))
    for _, kind, uv, depth, colour in sorted(drawn, key=lambda d: d[0]):
        if kind == "line":
            t = max(2, int(round(0.035 * camera.focal_px / depth.mean())))
            cv2.line(img, tuple(np.int32(uv[0])), tuple(np.int32(uv[1])), colour, t, cv2.LINE_AA)
        else:
            hull = cv2.convexHull(np.int32(np.round(uv)))
            cv2.fillConvexPoly(img, hull, colour, cv2.LINE_AA)
            cv2.polylines(img, [hull], True, _shade(colour, 0.6), 1, cv2.LINE_AA)
