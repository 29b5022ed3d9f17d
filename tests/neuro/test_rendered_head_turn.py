"""Head turns drawn by the renderer (face, ears and hair turn with the head), seen by MediaPipe
lite: counts per side exact against the generator (issue 12)."""
from __future__ import annotations

import pytest

pytest.importorskip("mediapipe")

from coach.synth.extended import generate_ext  # noqa: E402
from coach.synth.neuro_check import compare_turns, estimate, run_machine, smoothed  # noqa: E402
from coach.synth.scene import Look  # noqa: E402
from coach.synth.scripts import head_turn  # noqa: E402
from tests.conftest import require_model  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def lite_available():
    require_model("lite")


# MediaPipe lite's world ears hardly follow the drawn turn (45 deg reads 1-9 deg); the picture's
# nose does, so exercises.head_turn reads the turn there. The drawn face under-reads the size of
# the turn (45 deg reads ~11-26 deg): the count is exact, the range is not tested here. (A camera
# 30 deg to the side: 8/8 at 640x480, 30 frames/s; at 480x360, 15 frames/s the turns away from
# the camera read under 10 deg and only the other side counts, 3/6.)
@pytest.mark.parametrize("yaw_deg", [0.0])  # a front camera
def test_head_turn_counts_are_exact(yaw_deg):
    tl, truth = head_turn.script(head_turn.alternating(6), seated=False, start_rest_s=1.5, end_rest_s=0.8)
    clip = generate_ext(tl, truth, "front", size=(480, 360), fps=15.0, yaw_deg=yaw_deg, look=Look(seed=7))
    tracked = estimate(clip, "lite")
    assert tracked.detected >= 0.98
    live, file_mode = run_machine("head-turn", smoothed(tracked.poses))
    for ex in (live, file_mode):
        got = compare_turns(ex, clip.truth)
        assert got["count"] == truth["true_reps"] == 6, got
        assert got["per_side"] == truth["per_side"], got
