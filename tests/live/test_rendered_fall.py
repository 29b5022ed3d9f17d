"""A rendered fall through the live loop itself (the clip played as the camera, MediaPipe full):
the person stands 4 s, the knees give way and the trunk pitches forward to the floor in 0.6 s,
and they stay down. The safety monitor must raise one fall, about ``confirm_s`` after they are
down (the generator knows when: 4.6 s). Squats, sit-to-stands and sitting down never do (the
real-clip evaluation and tests/live/test_safety_falls.py)."""
import pytest

from coach.live.headless import run_live_on_file
from coach.synth.body import ArmPose
from coach.synth.extended import ExtPosture, generate_ext
from coach.synth.motion import Timeline
from coach.synth.video import write_mp4
from tests.conftest import require_model

DOWN_AT_S = 4.6  # standing 4 s, then 0.6 s to the floor


def _fall_clip(path, view: str):
    arms = ArmPose(abduction=10, elbow_flex=10)
    stand = ExtPosture(trunk_flexion=2, left_arm=arms, right_arm=arms)
    reach = ArmPose(flexion=90, elbow_flex=20)  # hands out to the floor
    fallen = ExtPosture(trunk_flexion=85, left_arm=reach, right_arm=reach).with_legs(knee_flex=140, shank_tilt=70)
    tl = Timeline(stand)
    tl.hold(4.0)
    tl.to(0.6, fallen)
    tl.hold(4.0)
    write_mp4(generate_ext(tl, {}, view, fps=25, size=(480, 360)), path)
    return path


@pytest.mark.parametrize("view", ["side", "front"])
def test_a_rendered_fall_raises_one_fall_in_the_live_loop(tmp_path, view):
    require_model("full")
    summary = run_live_on_file(_fall_clip(tmp_path / f"fall_{view}.mp4", view), "squat", model="full")
    falls = [e for e in summary.events if e.kind == "fall_like"]
    assert len(falls) == 1, summary.events
    assert DOWN_AT_S < falls[0].time_s <= DOWN_AT_S + 2.0
    assert summary.reps == 0  # a fall is not a squat
