"""The upload's wrong-exercise check leaves balance holds and head turns alone: a lifted leg bends
its knee like a sit-to-stand, so the motion families would query every one-leg stand."""
from coach.app.recognise import RECOGNISED, check, movement
from coach.pose.frame import PoseSeries
from coach.synth.extended import generate_ext
from coach.synth.scripts.single_leg_stance import Hold, script


def test_a_one_leg_stand_is_not_queried_and_never_suggested():
    tl, truth = script((Hold(4.0), Hold(4.0)), "left")
    clip = generate_ext(tl, truth, "side")
    series = PoseSeries.from_frames(clip.poses, clip.size)
    assert movement(series).family == "legs"  # why it must be left out
    assert check(series, "single-leg-stance") is None
    assert check(series, "head-turn") is None
    assert "single-leg-stance" not in RECOGNISED and "head-turn" not in RECOGNISED
