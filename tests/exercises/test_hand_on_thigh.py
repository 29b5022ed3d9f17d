"""The sit-to-stand's hand-on-thigh reading (``exercises.lower_body.hand_to_thigh``) on a seated,
side-view pose built here: a wrist on the thigh counts only when the pose model saw it.

The case comes from the bundled 5xSTS sample: the far arm, crossed on the chest and hidden behind
the body, was placed over the thigh at visibility 0.01, and a tracker started one frame later
read a push on the rep with a forward lean (hands_on_thighs, not in the clip's truth).
"""
from __future__ import annotations

import numpy as np
import pytest

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.lower_body import WRIST_UNSEEN, hand_to_thigh

SIZE = (640, 480)
OFF_CHEST = 0.55  # trunk lengths: the sit-to-stand's default


def seated(left_wrist: tuple[float, float, float], right_wrist: tuple[float, float, float]) -> PoseFrame:
    """Side view, seated: shoulders above the hips, thighs level towards the knees, shins down.
    Wrists as (x, y, visibility)."""
    image = np.zeros((33, 4))
    image[:, 3] = 0.9
    for a, b, xy in ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER, (0.50, 0.30)), (L.LEFT_HIP, L.RIGHT_HIP, (0.50, 0.55)),
                     (L.LEFT_KNEE, L.RIGHT_KNEE, (0.65, 0.56)), (L.LEFT_ANKLE, L.RIGHT_ANKLE, (0.65, 0.80))):
        image[[a, b], :2] = xy
    image[L.LEFT_WRIST] = (left_wrist[0], left_wrist[1], 0.0, left_wrist[2])
    image[L.RIGHT_WRIST] = (right_wrist[0], right_wrist[1], 0.0, right_wrist[2])
    return PoseFrame(0.0, image, np.zeros((33, 3)), SIZE)


ON_THIGH = (0.58, 0.555)
ON_CHEST = (0.52, 0.36)


@pytest.mark.parametrize("visibility", [0.5, 0.9, WRIST_UNSEEN])
def test_a_seen_wrist_on_the_thigh_reads_as_touching_it(visibility):
    pose = seated((*ON_THIGH, visibility), (*ON_CHEST, 0.9))
    assert hand_to_thigh(pose, OFF_CHEST) < 0.2  # the sit-to-stand's "resting on it" distance


@pytest.mark.parametrize("visibility", [0.0, 0.01, 0.04, WRIST_UNSEEN - 0.01])
def test_an_unseen_wrist_over_the_thigh_is_no_reading(visibility):
    """The hidden wrist's place is the model's guess: no distance from it (9.0 = none)."""
    pose = seated((*ON_THIGH, visibility), (*ON_CHEST, 0.9))
    assert hand_to_thigh(pose, OFF_CHEST) == 9.0


def test_the_other_wrist_still_counts_when_one_is_unseen():
    pose = seated((*ON_THIGH, 0.02), (0.60, 0.56, 0.6))
    assert hand_to_thigh(pose, OFF_CHEST) < 0.2


def test_a_wrist_on_the_chest_never_counts_however_well_seen():
    pose = seated((*ON_CHEST, 0.99), (0.51, 0.34, 0.99))
    assert hand_to_thigh(pose, OFF_CHEST) == 9.0
