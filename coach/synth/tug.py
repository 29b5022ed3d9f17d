"""A rendered Timed Up and Go: the script of ``coach.synth.scripts.timed_up_and_go`` seen from a
side or oblique camera that sees the chair and the whole 3 m path (as the test's protocol asks).

    clip = tug_clip("oblique", speed=0.8)
    clip.truth["time_s"], clip.truth["phases"]   # exact, from the script
    write_clip(clip, "out/tug.mp4")              # + out/tug.json

The chair stays where the person sat (the figure frame's origin); the person walks along its
forward axis, turns 180 deg, walks back, turns and sits. ``side``: the walk crosses the picture;
``oblique``: it also goes away from the camera (30 deg), so the far end is smaller.
"""
from __future__ import annotations

from coach.synth.body import BodyDims
from coach.synth.extended import ExtClip, generate_ext
from coach.synth.scene import Look
from coach.synth.scripts.sit_to_stand import SEATED, chair_under
from coach.synth.scripts.timed_up_and_go import script

TUG_VIEWS = ("side", "oblique")
OBLIQUE_YAW_DEG = 30.0  # the walk turned this far from crossing the picture, away from the camera
# (figure-frame point kept at the reference x, that x, standing height / frame height): chair and
# the whole path in the picture with a margin, the person as large as that allows.
FRAMING = {"side": (1.35, 0.5, 0.52), "oblique": (0.3, 0.3, 0.6)}


def tug_clip(view: str = "side", speed: float = 1.0, walk_s: float = 3.6, fps: float = 30.0,
             size: tuple[int, int] = (960, 540), facing: str = "right", seed: int = 0, height_m: float = 1.70,
             start_rest_s: float = 2.0, noise_sigma: float = 2.0) -> ExtClip:
    """The rendered TUG and its truth (``start_s``, ``stand_s``, ``turn_start_s``, ``turn_end_s``,
    ``sit_turn_s``, ``seated_s``, ``time_s``, ``phases``; see the script)."""
    if view not in TUG_VIEWS:
        raise ValueError(f"view must be one of {TUG_VIEWS}, got {view!r}")
    tl, truth = script(walk_s=walk_s, height_m=height_m, start_rest_s=start_rest_s, speed=speed)
    centre_fwd, center_x, scale = FRAMING[view]
    yaw = 0.0 if view == "side" else OBLIQUE_YAW_DEG * (1.0 if facing == "right" else -1.0)
    if facing == "left":
        center_x = 1.0 - center_x
    clip = generate_ext(tl, truth, "side", fps=fps, size=size, height_m=height_m, figure_scale=scale,
                        center_x=center_x, facing=facing, centre_fwd_m=centre_fwd, yaw_deg=yaw,
                        chair=chair_under(BodyDims(height_m), SEATED),
                        look=Look(seed=seed, height_m=height_m, noise_sigma=noise_sigma))
    clip.truth.update(view=view, frames=len(clip.poses), duration_s=round(clip.duration_s, 4), size=list(size),
                      speed=speed, walk_s=walk_s)
    return clip
