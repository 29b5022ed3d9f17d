"""A rendered gait-speed walk: the script of ``coach.synth.scripts.gait_speed`` seen from a side
camera facing the middle of the course, far enough back to see both marks and where the person
starts and stops (as the test's instructions ask). The two marks are drawn as white tape across the
walk (``GaitClip``); nothing reads them from the picture yet (the truth gives their places).

    clip = gait_clip(speeds=(1.2, 1.6))
    clip.truth["passes"][0]["speed_m_s"], clip.truth["passes"][0]["cross_s"]   # exact, from the script
    clip.truth["marks_x"]   # where the marks are in the picture (fractions of its width)
    write_clip(clip, "out/gait.mp4")                                             # + out/gait.json

``view_m``: how much of the walking line the picture's width shows; less than the course (a
camera too close), or ``camera_offset_m`` moving the camera along the walk, makes the walk leave
the picture before the far mark, as in a badly placed recording; ``feet_y`` over 1 cuts the feet
off (never seen whole). Frames where the hips are outside the picture have nobody in them, as a pose model
reports.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from coach.synth.extended import ExtClip, generate_ext
from coach.synth.scene import Look
from coach.synth.scripts.gait_speed import ACCEL_M, COURSE_M, script

TAPE_BGR = (235, 235, 235)  # white tape
TAPE_WIDTH_M, TAPE_LENGTH_M = 0.05, 0.6  # a strip across the walk, centred on the walking line


@dataclass
class GaitClip(ExtClip):
    """An ``ExtClip`` with the two tape marks drawn on the floor (under the walker's feet)."""

    marks_m: tuple[float, ...] = ()

    def frames(self, only=None) -> Iterator[np.ndarray]:
        """BGR pictures, every frame's (or those of the indices ``only``)."""
        import cv2

        from coach.synth.render import Renderer

        renderer = Renderer(self.look, self.scene, self.chair)
        for m in self.marks_m:
            w, half = TAPE_WIDTH_M / 2, TAPE_LENGTH_M / 2
            corners = np.array([[m - w, 0.0, -half], [m + w, 0.0, -half], [m + w, 0.0, half], [m - w, 0.0, half]])
            px, _ = renderer._project(corners)
            cv2.fillConvexPoly(renderer.background, np.round(px).astype(np.int32), TAPE_BGR, lineType=cv2.LINE_AA)
        for i in range(len(self.skeletons)) if only is None else only:
            yield renderer.draw(self.skeletons[i], i, self.far_sides[i])


GAIT_SIZE = (960, 540)
VIEW_M = 7.6  # the picture's width at the walking line: the 6 m from start to stop and a margin


def gait_clip(speeds: tuple[float, ...] = (1.2, 1.6), course_m: float = COURSE_M, accel_m: float = ACCEL_M,
              fps: float = 30.0, size: tuple[int, int] = GAIT_SIZE, view_m: float = VIEW_M, facing: str = "right",
              seed: int = 0, height_m: float = 1.70, noise_sigma: float = 2.0, feet_y: float = 0.85,
              start_rest_s: float = 1.0, camera_offset_m: float = 0.0) -> GaitClip:
    """The rendered walk and its truth (see the script), plus ``marks_x`` (the marks in the picture,
    fractions of its width, at the floor of the walking line) and ``m_per_px`` there.
    ``camera_offset_m``: the camera moved this far along the walk from the course's middle (toward
    the first mark's side when negative), so one mark can be outside the picture."""
    tl, truth = script(speeds, height_m=height_m, course_m=course_m, accel_m=accel_m, start_rest_s=start_rest_s)
    w, h = size
    figure_scale = height_m * w / (view_m * h)  # standing height / frame height for that width
    centre = accel_m + course_m / 2 + camera_offset_m
    clip = generate_ext(tl, truth, "side", fps=fps, size=size, height_m=height_m, figure_scale=figure_scale,
                        facing=facing, centre_fwd_m=centre, drop_outside=True, feet_y=feet_y,
                        look=Look(seed=seed, height_m=height_m, noise_sigma=noise_sigma))
    clip = GaitClip(**{f: getattr(clip, f) for f in ExtClip.__dataclass_fields__}, marks_m=tuple(truth["marks_m"]))
    cam, place = clip.scene.camera, clip.scene.placement
    marks = np.array([[m, 0.0, 0.0] for m in truth["marks_m"]])
    px, depth = cam.project(place.to_world(marks))
    clip.truth.update(marks_x=[round(float(x) / w, 5) for x in px[:, 0]],
                      m_per_px=round(float(depth[0] / cam.focal_px), 6), view_m=view_m, frames=len(clip.poses),
                      duration_s=round(clip.duration_s, 4), size=list(size), facing=facing,
                      camera_offset_m=camera_offset_m)
    return clip
