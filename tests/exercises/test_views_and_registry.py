import pytest

from coach.synth import ClipSpec, generate
from coach.views import classify_view
from exercises import EXERCISE_NAMES, create_exercise


@pytest.mark.parametrize("view", ["side", "front"])
def test_view_detected_from_landmarks(view):
    clip = generate(ClipSpec(exercise="squat", view=view, reps=1))
    assert classify_view(clip.poses[10]) == view


def test_every_name_builds_and_unknown_lists_valid_names():
    for name in EXERCISE_NAMES:
        assert create_exercise(name, side="left").state.reps == 0
    with pytest.raises(ValueError, match="sit-to-stand"):
        create_exercise("jumping-jacks")
    with pytest.raises(ValueError):
        create_exercise("squat", side="middle")
