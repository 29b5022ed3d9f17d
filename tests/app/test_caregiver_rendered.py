"""A caregiver beside the patient through the real pose model (MediaPipe lite, live mode): a rendered
side view of two balance holds on one leg, the caregiver standing close in front of the patient in the
picture and swaying toward them and back. With the caregiver present the live coach times the
patient's holds as the generator made them, and the second person is no set-up problem. Rendered once
for the module (about 12 s of clip at 15 fps, 640x360)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.conftest import require_model

FPS = 15.0
HOLD_TOLERANCE_S = 0.3


def _two_people_clip():
    from coach.synth.body import FWD, BodyDims
    from coach.synth.camera import pose_frame
    from coach.synth.extended import ext_skeleton, generate_ext
    from coach.synth.landmarks33 import landmarks_3d
    from coach.synth.render import Palette
    from coach.synth.scene import Look
    from coach.synth.scripts.single_leg_stance import Hold, script
    from coach.synth.tug import OTHER_CLOTHES, OTHER_HEIGHT_M, OTHER_SEED, TugClip, _toward_camera

    tl, truth = script((Hold(3.0), Hold(3.0)), "left")
    clip = generate_ext(tl, truth, "side", fps=FPS, size=(640, 360), center_x=0.4, figure_scale=0.7)
    near, dims = _toward_camera(clip), BodyDims(OTHER_HEIGHT_M)
    cam, place, standing = clip.scene.camera, clip.scene.placement, tl.posture_at(0.0)
    skeletons, poses = [], []
    for i in range(len(clip.poses)):
        t = i / FPS  # 0.85 m in front of the patient (beside them in the picture), swaying 12 cm toward them
        offset = FWD * (0.85 + 0.12 * np.sin(2 * np.pi * t / 4.0)) + near * 0.25
        sk = ext_skeleton(dims, standing)
        sk = replace(sk, joints={k: v + offset for k, v in sk.joints.items()})
        skeletons.append(sk)
        poses.append(pose_frame(cam, place.to_world(landmarks_3d(dims, sk)), t, clip.far_sides[0]))
    mine = Palette.for_look(clip.look, np.random.default_rng(clip.look.seed)).shirt
    shirt, trousers = next(c for c in OTHER_CLOTHES if c[0] != mine)
    look = Look(seed=OTHER_SEED, height_m=OTHER_HEIGHT_M, noise_sigma=clip.look.noise_sigma, shirt_bgr=shirt,
                trousers_bgr=trousers)
    two = TugClip(**{f: getattr(clip, f) for f in clip.__dataclass_fields__}, other_skeletons=skeletons,
                  other_far_sides=[clip.far_sides[0]] * len(skeletons), other_poses=poses, other_look=look)
    return list(two.frames()), truth, poses


@pytest.fixture(scope="module")
def with_caregiver():
    """The live session of the rendered clip with the caregiver present (the factory's pose model)."""
    require_model("lite")
    from coach.live import LiveSession, SetPlan
    from coach.live.factory import LiveOptions, make_estimator
    from coach.live.holds import HoldCoach
    from coach.pipeline import Pipeline
    from coach.sources import TimedFrame
    from exercises.single_leg_stance import SPEC

    frames, truth, carer = _two_people_clip()
    estimator = make_estimator(LiveOptions("single-leg-stance", model="lite", caregiver="present"))
    session = LiveSession(Pipeline(estimator, SPEC.machine(SPEC)), SPEC.name,
                          plan=SetPlan(sets=1, reps=5, rest_s=5.0, skip_countdown=True, setup_gate=False),
                          holds=HoldCoach(SPEC.name, 30.0))
    hips = []
    try:
        for i, image in enumerate(frames):
            u = session.push(TimedFrame(i, i / FPS, image), captured_at=0.0)
            hips.append(float(u.result.raw_pose.image[23:25, 0].mean()) if u.result.raw_pose.has_person else None)
        session.finish()
    finally:
        estimator.close()
    return session, truth, carer, hips


def test_the_holds_timed_are_the_patients(with_caregiver):
    session, truth, _, _ = with_caregiver
    holds = [r for r in session.pipeline.exercise.reps if r.counted]
    want = truth["holds"]
    assert len(holds) == len(want) == 2, [(r.start_s, r.end_s, r.reason) for r in session.pipeline.exercise.reps]
    for got, w in zip(holds, want):
        assert got.start_s == pytest.approx(w["start_s"], abs=HOLD_TOLERANCE_S)
        assert got.end_s == pytest.approx(w["end_s"], abs=HOLD_TOLERANCE_S)


def test_the_pose_is_never_the_caregivers_and_they_are_no_set_up_problem(with_caregiver):
    session, _, carer, hips = with_caregiver
    carer_x = [float(p.image[23:25, 0].mean()) for p in carer]
    assert all(abs(h - c) > 0.1 for h, c in zip(hips, carer_x) if h is not None)
    assert sum(h is not None for h in hips) >= 0.95 * len(hips)
    assert "two_people" not in session.setup_problems
