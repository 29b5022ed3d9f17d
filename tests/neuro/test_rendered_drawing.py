"""The renderer draws what the true landmarks say for the movements only ``coach.synth.extended``
makes: a lifted or stepping foot, tandem feet, a turned head, a walk away from the chair. Checked
on the pixels at the projected true landmarks (no pose model)."""
from __future__ import annotations

import numpy as np
import pytest

from coach.pose.landmarks import Landmark as L
from coach.synth.extended import generate_ext
from coach.synth.render import SHOES, Renderer
from coach.synth.scene import Look
from coach.synth.scripts import head_turn, single_leg_stance, tandem_stance
from coach.synth.tug import tug_clip

QUIET = Look(seed=0, noise_sigma=0.0)


def picture(clip, t: float) -> tuple[np.ndarray, int]:
    i = min(int(round(t * clip.fps)), len(clip.poses) - 1)
    renderer = Renderer(clip.look, clip.scene, clip.chair)
    return renderer.draw(clip.skeletons[i], i, clip.far_sides[i]), i


def shoe_at(img: np.ndarray, xy: np.ndarray, radius: int = 2) -> bool:
    """A dark shoe pixel (near-side or shaded far-side) within ``radius`` of ``xy``."""
    x, y = int(round(xy[0])), int(round(xy[1]))
    patch = img[y - radius:y + radius + 1, x - radius:x + radius + 1].reshape(-1, 3).astype(int)
    return bool((np.abs(patch - np.array(SHOES)).max(axis=1) < 25).any())


def foot_middle(pose, side: str) -> np.ndarray:
    S = side.upper()
    return (pose.xy_px[L[f"{S}_HEEL"]] + pose.xy_px[L[f"{S}_FOOT_INDEX"]]) / 2


@pytest.mark.parametrize("view", ["side", "front"])
def test_a_lifted_foot_is_drawn_where_its_landmarks_are(view):
    tl, truth = single_leg_stance.script((single_leg_stance.Hold(3.0),), "left", start_rest_s=0.5)
    clip = generate_ext(tl, truth, view, size=(480, 360), fps=10.0, look=QUIET)
    standing, _ = picture(clip, 0.2)
    lifted, i = picture(clip, truth["holds"][0]["start_s"] + 1.0)
    pose, rest = clip.poses[i], clip.poses[2]
    assert pose.xy_px[L.RIGHT_ANKLE, 1] < rest.xy_px[L.RIGHT_ANKLE, 1] - 20  # the free (right) foot is up
    up = foot_middle(pose, "right")
    assert shoe_at(lifted, up)
    if view == "side":  # the spot the shoe moved to was bare wall or floor while standing
        assert not shoe_at(standing, up)


def test_a_step_forward_and_out_is_drawn_at_its_landing():
    tl, truth = single_leg_stance.script((single_leg_stance.Hold(2.0, "step"),), "left", start_rest_s=0.5)
    clip = generate_ext(tl, truth, "side", size=(480, 360), fps=10.0, look=QUIET)
    img, i = picture(clip, truth["holds"][0]["event"]["time_s"] + 0.3)
    pose = clip.poses[i]
    assert pose.xy_px[L.RIGHT_FOOT_INDEX, 0] > pose.xy_px[L.LEFT_FOOT_INDEX, 0] + 30  # landed ahead (facing right)
    assert shoe_at(img, foot_middle(pose, "right"))


def test_tandem_feet_are_drawn_one_in_front_of_the_other():
    tl, truth = tandem_stance.script((tandem_stance.TandemHold(3.0),), "right", "tandem", start_rest_s=0.5)
    clip = generate_ext(tl, truth, "side", size=(480, 360), fps=10.0, look=QUIET)
    img, i = picture(clip, truth["holds"][0]["start_s"] + 1.0)
    pose = clip.poses[i]
    front, back = foot_middle(pose, "right"), foot_middle(pose, "left")
    assert front[0] - back[0] > 25  # heel to toe: a foot length apart along the line of sight's side
    assert shoe_at(img, front) and shoe_at(img, back)
    # from the front the two feet line up: the lead foot straight in front of the other one
    clip = generate_ext(tl, truth, "front", size=(480, 360), fps=10.0, look=QUIET)
    img, i = picture(clip, truth["holds"][0]["start_s"] + 1.0)
    pose = clip.poses[i]
    assert abs(pose.xy_px[L.RIGHT_ANKLE, 0] - pose.xy_px[L.LEFT_ANKLE, 0]) < 2
    assert pose.xy_px[L.RIGHT_ANKLE, 0] - clip.poses[0].xy_px[L.RIGHT_ANKLE, 0] > 15  # moved across from its rest
    assert shoe_at(img, pose.xy_px[L.RIGHT_FOOT_INDEX] + np.array([0.0, -3.0]))


def eye_white_x(img: np.ndarray, pose, background: np.ndarray) -> float:
    """Mean x of the eye whites (light grey, not the wall) within the head's box."""
    face = pose.xy_px[: int(L.MOUTH_RIGHT) + 1]
    x0, y0 = (face.min(axis=0) - 3).astype(int)
    x1, y1 = (face.max(axis=0) + 3).astype(int)
    box = img[y0:y1, x0:x1].astype(int)
    wall = np.abs(box - background[y0:y1, x0:x1].astype(int)).max(axis=2) < 12
    white = (box.min(axis=2) > 195) & (box.max(axis=2) - box.min(axis=2) < 25) & ~wall
    ys, xs = np.nonzero(white)
    return float(xs.mean() + x0) if len(xs) else float("nan")


def test_a_turned_head_shows_its_face_turned():
    tl, truth = head_turn.script(head_turn.alternating(2, 45.0), seated=False, start_rest_s=0.5)
    clip = generate_ext(tl, truth, "front", size=(960, 720), fps=10.0, look=QUIET)  # eyes of a few pixels
    ahead, i0 = picture(clip, 0.3)
    left, i1 = picture(clip, truth["turns"][0]["peak_s"] + 0.1)
    right, i2 = picture(clip, truth["turns"][1]["peak_s"] + 0.1)
    head_x = clip.poses[i0].xy_px[[L.LEFT_EAR, L.RIGHT_EAR], 0].mean()
    wall = Renderer(clip.look, clip.scene, None).background
    # Front view: the person's left is the picture's right; the eyes move with the nose.
    assert abs(eye_white_x(ahead, clip.poses[i0], wall) - head_x) < 2
    assert eye_white_x(left, clip.poses[i1], wall) > head_x + 4
    assert eye_white_x(right, clip.poses[i2], wall) < head_x - 4
    for img, pose in ((left, clip.poses[i1]), (right, clip.poses[i2])):
        assert np.sign(pose.xy_px[L.NOSE, 0] - head_x) == np.sign(eye_white_x(img, pose, wall) - head_x)


def test_the_walker_moves_and_turns_and_the_chair_stays():
    clip = tug_clip("side", fps=5.0, size=(480, 270), noise_sigma=0.0)
    tr = clip.truth
    seated, _ = picture(clip, 0.5)
    far, i = picture(clip, (tr["turn_start_s"] + tr["turn_end_s"]) / 2)
    back, j = picture(clip, (tr["turn_end_s"] + tr["sit_turn_s"]) / 2)
    hips = [L.LEFT_HIP, L.RIGHT_HIP]
    x0, x_far = clip.poses[0].xy_px[hips, 0].mean(), clip.poses[i].xy_px[hips, 0].mean()
    assert x_far - x0 > 0.25 * clip.size[0]  # 3 m across the picture
    assert 0 < clip.poses[i].xy_px[:, 0].min() and clip.poses[i].xy_px[:, 0].max() < clip.size[0]  # still in view
    # The chair: where the seated person's hips were, the empty chair is seen while they are away.
    seat = clip.poses[0].xy_px[hips].mean(axis=0) + np.array([0.0, 12.0])
    assert np.abs(far[int(seat[1]), int(seat[0])].astype(int) - back[int(seat[1]), int(seat[0])]).max() < 10
    assert not np.array_equal(seated[int(seat[1]), int(seat[0])], far[int(seat[1]), int(seat[0])])
    # Walking back the person faces the other way: the nose is on the other side of the ears.
    ears = [L.LEFT_EAR, L.RIGHT_EAR]
    out_face = clip.poses[int(round((tr["stand_s"] + 1.0) * clip.fps))]
    back_face = clip.poses[j]
    assert out_face.xy_px[L.NOSE, 0] > out_face.xy_px[ears, 0].mean()
    assert back_face.xy_px[L.NOSE, 0] < back_face.xy_px[ears, 0].mean()
    assert clip.far_sides[0] != clip.far_sides[j]  # the far side changes when the walker turns
