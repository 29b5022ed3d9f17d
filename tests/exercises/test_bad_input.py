"""Bad input never raises, never counts, and tells the UI why."""
import numpy as np
import pytest

from coach.pose.frame import PoseFrame
from coach.synth import ClipSpec, generate
from exercises import EXERCISE_NAMES, create_exercise
from tests.exercises.builders import rotated, with_holes


def _count(name, poses):
    ex = create_exercise(name)
    events = []
    for pose in poses:
        events += ex.update(pose)
    events += ex.finish(poses[-1].timestamp_s)
    return sum(r.counted for r in ex.reps), ex, events


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_nobody_and_nan_frames(name):
    """The generator's clip counts its true reps; the same clip's frames with nobody in them (or all
    NaN), at the same times and size, count nothing and say why."""
    clip = generate(ClipSpec(exercise=name, reps=2))
    assert clip.truth.true_reps == 2 and _count(name, clip.poses)[0] == 2
    blank = []
    for i, pose in enumerate(clip.poses):
        if i % 3:
            blank.append(PoseFrame.empty(pose.timestamp_s, pose.size))
        else:
            blank.append(PoseFrame(pose.timestamp_s, np.full((33, 4), np.nan), np.full((33, 3), np.nan), pose.size))
    _, ex, events = _count(name, blank)
    assert ex.reps == []
    assert any(e.kind == "warning" for e in events)


def test_person_lying_down_does_not_count():
    clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=3))
    assert _count("sit-to-stand", clip.poses)[0] == 3  # upright, the same clip counts
    assert _count("sit-to-stand", [rotated(pose, 90.0) for pose in clip.poses])[0] == 0


def test_rep_not_counted_across_a_long_gap_mid_rise():
    clip = generate(ClipSpec(exercise="squat", view="side", reps=3))
    first = clip.truth.reps[0]
    holes = [(first.start_s + 0.2, first.end_s - 0.2)]  # lose the person for most of rep 1
    ex = create_exercise("squat")
    events = []
    for pose in with_holes(clip.poses, holes):
        events += ex.update(pose)
    events += ex.finish(clip.poses[-1].timestamp_s)
    assert sum(r.counted for r in ex.reps) == 2
    assert any(e.kind == "warning" for e in events)


def test_legs_out_of_frame_arm_raise_still_counts():
    clip = generate(ClipSpec(exercise="arm-raise", view="front", reps=3, arm_mode="abduction"))
    ex = create_exercise("arm-raise")
    for pose in clip.poses:
        if pose.has_person:
            img = pose.image.copy()
            img[23:, 1] += 1.0   # hips and legs pushed below the frame
            img[23:, 3] = 0.05
            pose = PoseFrame(pose.timestamp_s, img, pose.world, pose.size)
        ex.update(pose)
    ex.finish(clip.poses[-1].timestamp_s)
    assert sum(r.counted for r in ex.reps) == 3
