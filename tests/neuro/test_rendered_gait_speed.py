"""Gait speed on a rendered walk seen by MediaPipe lite (issue 22 item 5): a 4 m course walked at
1.2 m/s, then back at 1.6 m/s, drawn by the renderer; each pace within 0.05 m/s of the generator's
speed, by the person's height and by the marks' places in the picture. One clip, rendered and
tracked once for the module (~260 frames at 20 fps; 0.75 m to reach the pace before the first mark)."""
from __future__ import annotations

import pytest

pytest.importorskip("mediapipe")

from coach.synth.gait import gait_clip  # noqa: E402
from coach.synth.neuro_check import estimate, smoothed  # noqa: E402
from exercises import validated_tests as vt  # noqa: E402
from tests.conftest import require_model  # noqa: E402

TOLERANCE_M_S = 0.05  # the bar


@pytest.fixture(scope="module")
def tracked():
    require_model("lite")
    clip = gait_clip(speeds=(1.2, 1.6), fps=20.0, accel_m=0.75, start_rest_s=0.3)
    got = estimate(clip, "lite")
    assert got.detected >= 0.95
    return clip, smoothed(got.poses)


@pytest.mark.parametrize("scale", ["height", "marks"])
def test_each_pace_within_five_hundredths_of_a_metre_a_second(tracked, scale):
    clip, poses = tracked
    given = {"height_m": clip.truth["height_m"]} if scale == "height" else {"marks_x": tuple(clip.truth["marks_x"])}
    result = vt.score_test("gait-speed", [], clip.duration_s, poses=poses, age=72, sex="f",
                           timestamps_s=[p.timestamp_s for p in poses], person_found=[p.has_person for p in poses],
                           **given)
    usual, fast = clip.truth["passes"]
    assert result.value is not None, result.cannot_score
    assert result.value == pytest.approx(usual["speed_m_s"], abs=TOLERANCE_M_S), result.details
    assert result.details["fast_speed_m_s"] == pytest.approx(fast["speed_m_s"], abs=TOLERANCE_M_S), result.details
    # the hips cross each mark where the generator's do (the pose smoothing lags them a little)
    for pace, truth in (("usual", usual), ("fast", fast)):
        assert result.details[f"{pace}_cross_s"] == pytest.approx(truth["cross_s"], abs=0.15)
