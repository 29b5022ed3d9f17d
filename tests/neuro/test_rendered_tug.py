"""The Timed Up and Go drawn by the renderer (the chair stays, the person walks 3 m, turns and
comes back), seen by MediaPipe lite: the time within 0.3 s of the generator (issue 12)."""
from __future__ import annotations

import pytest

pytest.importorskip("mediapipe")

from coach.synth.neuro_check import TUG_TOLERANCE_S, compare_tug, estimate, smoothed  # noqa: E402
from coach.synth.tug import tug_clip  # noqa: E402
from tests.conftest import require_model  # noqa: E402

PHASE_TOLERANCE_S = 0.4


@pytest.fixture(scope="module")  # module-scoped: the module's tests run on one worker and share the runs
def seen():
    """view -> the clip through the pose model and ``exercises.tug``, once per view (two tests read it)."""
    done: dict[str, dict] = {}

    def run(view: str) -> dict:
        if view not in done:
            require_model("lite")
            clip = tug_clip(view, speed=1.25, fps=15.0, start_rest_s=1.5)
            tracked = estimate(clip, "lite")
            assert tracked.detected >= 0.95
            done[view] = compare_tug(smoothed(tracked.poses), clip.truth)
        return done[view]
    return run


@pytest.mark.parametrize("view", ["side", "oblique"])
def test_tug_time_matches_the_generator(view, seen):
    got = seen(view)
    assert got["time_s"] is not None, got
    assert abs(got["error_s"]) <= TUG_TOLERANCE_S, got
    assert abs(got["start_error_s"]) <= TUG_TOLERANCE_S and abs(got["seated_error_s"]) <= TUG_TOLERANCE_S, got
    assert got["phase_errors_s"]["stand_up"] == pytest.approx(0.0, abs=PHASE_TOLERANCE_S)


@pytest.mark.xfail(strict=True, reason="MediaPipe lite's world landmarks of this fast (speed 1.25) drawn walker turn "
                   "only ~60-90 deg at the cone, with stalls, so exercises.tug finds no turn there (phases None); with "
                   "the full model (the TUG's default) the phases are within 0.5 s (the second-person tests below), "
                   "on the true landmarks within 0.1 s")
@pytest.mark.parametrize("view", ["side", "oblique"])
def test_tug_phases_match_the_generator(view, seen):
    got = seen(view)
    for name, err in got["phase_errors_s"].items():
        assert err is not None and abs(err) <= PHASE_TOLERANCE_S, (name, got)


# --- a second person in view: the patient is timed, not whoever moves --------------------------------
SECOND_PERSON_PHASE_TOLERANCE_S = 0.5


@pytest.fixture(scope="module")
def timed_with(tmp_path_factory):
    """other -> the clip with ``other`` written as a file and timed through ``coach.tug_video.time_tug_video``
    (MediaPipe full, several people, the patient chosen), once per kind: the passer-by clip as a
    browser writes it (WebM, variable frame rate, a 1000 fps header), the companion as MP4."""
    done: dict[str, tuple] = {}

    def run(other: str) -> tuple:
        if other not in done:
            require_model("full")
            from coach.synth.clip import write_clip
            from coach.synth.tug import write_browser_webm
            from coach.tug_video import time_tug_video

            folder = tmp_path_factory.mktemp("tug_people")
            if other == "passer-by":
                clip = tug_clip("side", fps=15.0, start_rest_s=4.0, other=other)
                path = folder / "passer_by.webm"
                times = write_browser_webm(clip, path)
            else:
                clip = tug_clip("oblique", fps=15.0, other=other)
                path, _ = write_clip(clip, folder / "companion.mp4")
                times = [p.timestamp_s for p in clip.poses]
            done[other] = (time_tug_video(path, model="full"), clip.truth, path, times)
        return done[other]
    return run


@pytest.mark.parametrize("other", ["passer-by", "companion"])
def test_a_second_person_in_view_the_patient_is_timed(other, timed_with):
    got, truth, _, _ = timed_with(other)
    assert got.time_s is not None, got.problem
    assert got.time_s == pytest.approx(truth["time_s"], abs=TUG_TOLERANCE_S)
    assert got.start_s == pytest.approx(truth["start_s"], abs=TUG_TOLERANCE_S)
    assert got.end_s == pytest.approx(truth["seated_s"], abs=TUG_TOLERANCE_S)
    for name, value in got.timing.phases.items():
        assert value is not None, (name, got.timing.phases)
        assert value == pytest.approx(truth["phases"][name], abs=SECOND_PERSON_PHASE_TOLERANCE_S), (name, got.timing.phases)


def test_a_browser_webm_is_timed_by_its_frames_own_timestamps(timed_with):
    import numpy as np

    from coach.sources import VideoFileSource

    got, truth, path, times = timed_with("passer-by")
    source = VideoFileSource(path)
    assert not source.fps_from_header and source.fps == pytest.approx(15.0, rel=0.05)  # the median step, not 1000
    assert np.allclose(got.poses.timestamps_s, times, atol=0.002)  # every kept frame at its own time
    assert got.time_s == pytest.approx(truth["time_s"], abs=TUG_TOLERANCE_S)
