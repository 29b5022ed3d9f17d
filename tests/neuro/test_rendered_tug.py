"""The Timed Up and Go drawn by the renderer (the chair stays, the person walks 3 m, turns and
comes back), seen by MediaPipe lite: the time within 0.3 s of the generator (issue 12)."""
from __future__ import annotations

import pytest

pytest.importorskip("mediapipe")

from coach.synth.neuro_check import TUG_TOLERANCE_S, compare_tug, estimate, smoothed  # noqa: E402
from coach.synth.tug import tug_clip  # noqa: E402
from tests.conftest import require_model  # noqa: E402

PHASE_TOLERANCE_S = 0.4
_SEEN: dict[str, dict] = {}


def seen(view: str) -> dict:
    """The clip through the pose model and ``exercises.tug`` once per view (two tests read it)."""
    if view not in _SEEN:
        require_model("lite")
        clip = tug_clip(view, speed=1.25, fps=15.0, start_rest_s=1.5)
        tracked = estimate(clip, "lite")
        assert tracked.detected >= 0.95
        _SEEN[view] = compare_tug(smoothed(tracked.poses), clip.truth)
    return _SEEN[view]


@pytest.mark.parametrize("view", ["side", "oblique"])
def test_tug_time_matches_the_generator(view):
    got = seen(view)
    assert got["time_s"] is not None, got
    assert abs(got["error_s"]) <= TUG_TOLERANCE_S, got
    assert abs(got["start_error_s"]) <= TUG_TOLERANCE_S and abs(got["seated_error_s"]) <= TUG_TOLERANCE_S, got
    assert got["phase_errors_s"]["stand_up"] == pytest.approx(0.0, abs=PHASE_TOLERANCE_S)


@pytest.mark.xfail(strict=True, reason="MediaPipe's world landmarks of the drawn walker do not turn 180 deg: the "
                   "shoulder/hip axis heading exercises.tug reads stays within ~80-130 deg of the way out, so the "
                   "turn at 3 m is missed (side) or dated ~3 s late (oblique); on the true landmarks it is within 0.1 s")
@pytest.mark.parametrize("view", ["side", "oblique"])
def test_tug_phases_match_the_generator(view):
    got = seen(view)
    for name, err in got["phase_errors_s"].items():
        assert err is not None and abs(err) <= PHASE_TOLERANCE_S, (name, got)
