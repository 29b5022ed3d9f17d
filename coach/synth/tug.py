"""A rendered Timed Up and Go: the script of ``coach.synth.scripts.timed_up_and_go`` seen from a
side or oblique camera that sees the chair and the whole 3 m path (as the test's protocol asks).

    clip = tug_clip("oblique", speed=0.8)
    clip.truth["time_s"], clip.truth["phases"]   # exact, from the script
    write_clip(clip, "out/tug.mp4")              # + out/tug.json

The chair stays where the person sat (the figure frame's origin); the person walks along its
forward axis, turns 180 deg, walks back, turns and sits. ``side``: the walk crosses the picture;
``oblique``: it also goes away from the camera (30 deg), so the far end is smaller.

``other``: a second person in the picture, as in clinics and homes: ``"passer-by"`` walks across
the whole picture, nearer the camera than the chair (taller in the picture than the patient),
before the patient starts and still in view when they do; ``"companion"`` stands by the chair and
walks alongside the patient (a carer guarding a patient at risk of falling), turning with them.
The truth is the patient's; ``clip.other_poses`` holds the second person's true landmarks.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark
from coach.synth.body import FWD, LEFT, BodyDims, Skeleton
from coach.synth.camera import pose_frame
from coach.synth.extended import ExtClip, ExtPosture, ext_skeleton, generate_ext
from coach.synth.landmarks33 import landmarks_3d
from coach.synth.motion import Timeline
from coach.synth.scene import Look
from coach.synth.scripts.sit_to_stand import SEATED, chair_under
from coach.synth.scripts.timed_up_and_go import SEATED_EXT, script, walk

TUG_VIEWS = ("side", "oblique")
OTHERS = ("", "passer-by", "companion")
OBLIQUE_YAW_DEG = 30.0  # the walk turned this far from crossing the picture, away from the camera
# (figure-frame point kept at the reference x, that x, standing height / frame height): chair and
# the whole path in the picture with a margin, the person as large as that allows.
FRAMING = {"side": (1.35, 0.5, 0.52), "oblique": (0.3, 0.3, 0.6)}
OTHER_HEIGHT_M = 1.80
OTHER_SEED = 7  # another look: other clothes, skin and hair
PASSER_NEAR_M = 1.0  # the passer-by walks this much nearer the camera than the chair
PASSER_FROM_M, PASSER_TO_M = -2.5, 5.0  # along the walk's axis: from out of the picture to out of it
PASSER_WALK_S = 5.5
PASSER_BEFORE_START_S = 3.8  # the passer-by sets off this long before the patient starts (in view then)
COMPANION_SIDE_M = 0.7  # the carer walks this far beside the patient (away from the camera) ...
COMPANION_BEHIND_M = 0.5  # ... and this far behind
OTHER_CLOTHES = ((40, 40, 170), (50, 50, 50)), ((60, 130, 40), (110, 80, 40))  # (shirt, trousers), BGR


@dataclass
class TugClip(ExtClip):
    """An ``ExtClip`` with a second person: their skeletons, shaded sides and true landmarks."""

    other_skeletons: list[Skeleton | None] = field(default_factory=list)
    other_far_sides: list[str | None] = field(default_factory=list)
    other_poses: list[PoseFrame] = field(default_factory=list)  # empty where they are out of the picture
    other_look: Look | None = None

    def frames(self) -> Iterator[np.ndarray]:
        if not self.other_skeletons:
            yield from super().frames()
            return
        from coach.synth.render import Palette, Renderer

        renderer = Renderer(self.look, self.scene, self.chair)
        palette = Palette.for_look(self.other_look, np.random.default_rng(self.other_look.seed))
        for i, (sk, far) in enumerate(zip(self.skeletons, self.far_sides)):
            other = self.other_skeletons[i]
            others = () if other is None else ((other, palette, self.other_look.height_m, self.other_far_sides[i]),)
            yield renderer.draw(sk, i, far, others=others)


def tug_clip(view: str = "side", speed: float = 1.0, walk_s: float = 3.6, fps: float = 30.0,
             size: tuple[int, int] = (960, 540), facing: str = "right", seed: int = 0, height_m: float = 1.70,
             start_rest_s: float = 2.0, noise_sigma: float = 2.0, other: str = "") -> ExtClip:
    """The rendered TUG and its truth (``start_s``, ``stand_s``, ``turn_start_s``, ``turn_end_s``,
    ``sit_turn_s``, ``seated_s``, ``time_s``, ``phases``; see the script). With ``other`` a
    ``TugClip`` (see the module doc); a passer-by needs ``start_rest_s`` >= ``PASSER_BEFORE_START_S``."""
    if view not in TUG_VIEWS:
        raise ValueError(f"view must be one of {TUG_VIEWS}, got {view!r}")
    if other not in OTHERS:
        raise ValueError(f"other must be one of {OTHERS}, got {other!r}")
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
    if other:
        clip = _with_other(clip, other)
        clip.truth["other"] = other
    return clip


def _with_other(clip: ExtClip, other: str) -> TugClip:
    """``clip`` with the second person's skeletons and true landmarks added (the patient's unchanged)."""
    tr = clip.truth
    near = _toward_camera(clip)
    if other == "passer-by":
        set_off = tr["start_s"] - PASSER_BEFORE_START_S
        if set_off < 0:
            raise ValueError(f"a passer-by needs start_rest_s >= {PASSER_BEFORE_START_S}")
        tl = _passer_by(set_off, clip.duration_s)
        offset = near * PASSER_NEAR_M
        posture_at = tl.posture_at
    else:
        offset = -near * COMPANION_SIDE_M - FWD * COMPANION_BEHIND_M
        standing_from, standing_to = tr["stand_s"], tr["sit_turn_s"] + (tr["seated_s"] - tr["sit_turn_s"]) * 0.4

        def posture_at(t: float) -> ExtPosture:  # the patient's walk; standing by before and after it
            p = clip.timeline.posture_at(min(max(t, standing_from), standing_to))
            return replace(p, trunk_flexion=min(p.trunk_flexion, 3.0))
    dims = BodyDims(OTHER_HEIGHT_M)
    cam, place = clip.scene.camera, clip.scene.placement
    hips = [int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)]
    skeletons, fars, poses = [], [], []
    for i in range(len(clip.poses)):
        t = i / clip.fps
        posture = posture_at(t)
        sk = ext_skeleton(dims, posture)
        sk = replace(sk, joints={k: v + offset for k, v in sk.joints.items()})
        far = clip.far_sides[0] if posture.heading_deg % 360 < 90 or posture.heading_deg % 360 > 270 else \
            ("left" if clip.far_sides[0] == "right" else "right")
        pose = pose_frame(cam, place.to_world(landmarks_3d(dims, sk)), t, far)
        inside = 0.0 <= pose.image[hips, 0].mean() <= 1.0
        skeletons.append(sk if _any_in_picture(pose) else None)
        fars.append(far)
        poses.append(pose if inside else PoseFrame.empty(t, clip.size))
    from coach.synth.render import Palette  # the patient's clothes, to dress the other person differently

    mine = Palette.for_look(clip.look, np.random.default_rng(clip.look.seed)).shirt
    shirt, trousers = next(c for c in OTHER_CLOTHES if c[0] != mine)
    look = Look(seed=OTHER_SEED, height_m=OTHER_HEIGHT_M, noise_sigma=clip.look.noise_sigma, shirt_bgr=shirt,
                trousers_bgr=trousers)
    return TugClip(**{f: getattr(clip, f) for f in clip.__dataclass_fields__}, other_skeletons=skeletons,
                   other_far_sides=fars, other_poses=poses, other_look=look)


def write_browser_webm(clip: ExtClip, path, keep: int = 3) -> list[float]:
    """``clip`` as a browser recorder writes it: WebM (VP8, libvpx in its real-time mode, as a
    browser's MediaRecorder encodes: 4 CPU-s for a 267-frame clip against 17 in libvpx's default
    "good" mode) with a variable frame rate (of every ``keep`` + 1 frames the last is dropped), no
    duration and a header frame rate of 1000 (the clock's tick). Returns the kept frames' timestamps
    (s). Needs imageio-ffmpeg's ffmpeg."""
    import subprocess

    import imageio_ffmpeg

    w, h = clip.size
    kept = [i for i in range(len(clip.poses)) if i % (keep + 1) != keep]
    pts = f"floor((N+floor(N/{keep}))*1000/{clip.fps:g})/1000/TB"
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "rawvideo",
           "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-r", "1000", "-i", "-", "-vf", f"settb=1/1000,setpts='{pts}'",
           "-fps_mode", "passthrough", "-enc_time_base", "1/1000", "-c:v", "libvpx", "-b:v", "2M",
           "-deadline", "realtime", "-cpu-used", "8", "-f", "webm", "-"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    import threading

    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()))
    reader.start()
    for i, img in enumerate(clip.frames()):
        if i % (keep + 1) != keep:
            proc.stdin.write(np.ascontiguousarray(img).tobytes())
    proc.stdin.close()
    reader.join()
    if proc.wait() != 0:
        raise RuntimeError("ffmpeg could not write the WebM")
    with open(path, "wb") as f:  # written to a pipe first: no duration in the header, as a browser's
        f.write(out[0])
    return [int((n + n // keep) * 1000 / clip.fps) / 1000 for n in range(len(kept))]


def _any_in_picture(pose: PoseFrame) -> bool:
    x = pose.image[:, 0]
    return bool(((x > -0.1) & (x < 1.1)).any())


def _toward_camera(clip: ExtClip) -> np.ndarray:
    """The figure frame's horizontal direction (FWD or LEFT axis) that points most toward the camera."""
    place, cam = clip.scene.placement, clip.scene.camera
    o = place.to_world(np.zeros((1, 3)))[0]
    left = place.to_world(LEFT[None, :])[0] - o
    return LEFT if np.dot(left, cam.position - o) > 0 else -LEFT


def _passer_by(set_off_s: float, duration_s: float) -> Timeline:
    arms = SEATED_EXT.left_arm.__class__(abduction=10, elbow_flex=15)
    standing = ExtPosture(walk_fwd_m=PASSER_FROM_M, stance_half=0.02, left_arm=arms, right_arm=arms)
    tl = Timeline(standing)
    tl.hold(set_off_s)
    walk(tl, standing, PASSER_TO_M - PASSER_FROM_M, PASSER_WALK_S)
    tl.hold(max(duration_s - tl.now, 0.1))
    return tl
