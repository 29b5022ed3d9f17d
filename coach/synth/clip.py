"""``generate(spec)``: the movement, the true landmarks of every frame and the truth; frames are
rendered lazily. ``write_clip`` saves the video and its truth JSON side by side."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from coach.pose.frame import PoseFrame
from coach.synth.body import BodyDims, Skeleton
from coach.synth.camera import Camera, Placement, facing_yaw, pose_frame
from coach.synth.extended import ext_skeleton
from coach.synth.landmarks33 import landmarks_3d
from coach.synth.scene import Look, Scene
from coach.synth.scripts import Motion, build_motion
from coach.synth.spec import ClipSpec
from coach.synth.truth import GroundTruth


def make_scene(spec: ClipSpec, motion: Motion) -> Scene:
    dims = BodyDims(spec.height_m)
    yaw = facing_yaw(spec.view, spec.facing, spec.yaw_deg)
    placement = Placement(yaw)
    if spec.view == "side":  # keep the middle of the action (feet to chair) centred
        centre_world = placement.to_world(np.array([[motion.center_fwd_m, 0.0, 0.0]]))[0]
        placement = Placement(yaw, (-centre_world[0], 0.0, -centre_world[2]))
    camera = Camera.framing(spec.size, spec.height_m, spec.figure_scale, spec.center_x)
    far = None
    if spec.view == "side":
        left_z = placement.matrix()[2, 2]  # world Z of the person's LEFT axis
        far = "left" if left_z < 0 else "right"
    return Scene(dims, placement, camera, far)


@dataclass
class SynthClip:
    spec: ClipSpec
    motion: Motion
    scene: Scene
    truth: GroundTruth
    skeletons: list[Skeleton]
    poses: list[PoseFrame]  # the true pose of every frame

    @property
    def fps(self) -> float:
        return self.spec.fps

    @property
    def size(self) -> tuple[int, int]:
        return self.spec.size

    def frames(self) -> Iterator[np.ndarray]:
        """BGR uint8 images, one per frame, drawn on demand."""
        from coach.synth.render import Renderer  # OpenCV only when pictures are wanted

        renderer = Renderer(Look.of(self.spec), self.scene, self.motion.chair)
        for i, sk in enumerate(self.skeletons):
            yield renderer.draw(sk, i)


def generate(spec: ClipSpec) -> SynthClip:
    dims = BodyDims(spec.height_m)
    motion = build_motion(spec, dims)
    scene = make_scene(spec, motion)
    n = int(round(motion.timeline.duration_s * spec.fps))
    skeletons, poses = [], []
    for i in range(n):
        t = i / spec.fps
        sk = ext_skeleton(dims, motion.timeline.posture_at(t))  # plain postures: just solve()
        world = scene.placement.to_world(landmarks_3d(dims, sk))
        skeletons.append(sk)
        poses.append(pose_frame(scene.camera, world, t, scene.far_side))
    truth = GroundTruth(spec.exercise, spec.view, spec.side, spec.fps, n, spec.size, tuple(motion.reps),
                        spec.to_dict(), motion.notes)
    return SynthClip(spec, motion, scene, truth, skeletons, poses)


def write_clip(clip, path: str | Path) -> tuple[Path, Path]:
    """Write the video and ``<same name>.json`` truth; returns both paths. ``clip``: a
    ``SynthClip`` or an ``ExtClip``; a ``.y4m`` path writes raw frames (Chromium's fake camera),
    anything else an mp4 (mp4v)."""
    from coach.synth.video import save_truth, write_mp4, write_y4m

    path = Path(path)
    (write_y4m if path.suffix.lower() == ".y4m" else write_mp4)(clip, path)
    return path, save_truth(clip.truth, path.with_suffix(".json"))
