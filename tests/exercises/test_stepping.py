"""Marching in place (``exercises.stepping``), the exercise added as one module plus one registry line:
steps per leg, low steps, knee lift, cadence and seconds off the beat against the generator's truth
(true landmarks), then a rendered clip through the pose model, in file mode and live as the camera."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from coach.synth import ClipSpec, generate
from tests.exercises.builders import counted_by_side, live_pass, rendered, run_clip
from exercises.pacing import Tempo, pacing_metrics


def count(spec: ClipSpec, second_pass: bool = False):
    return run_clip(spec, second_pass)


per_leg = counted_by_side


def true_errors(clip) -> tuple[np.ndarray, float]:
    """Each true onset's distance from the beat grid that starts at the first onset, and the true cadence."""
    onsets = np.array([o for o, r in zip(clip.truth.notes["onsets_s"], clip.truth.reps) if r.counted])
    period = clip.truth.notes["step_period_s"]
    beats = np.round((onsets - onsets[0]) / period)
    return onsets - (onsets[0] + beats * period), 60.0 / period


@pytest.mark.parametrize("view", ["front", "side"])
@pytest.mark.parametrize("tempo", [1.0, 2.0])  # 60 and 120 steps a minute
@pytest.mark.parametrize("second_pass", [False, True], ids=["live", "file"])
def test_every_step_is_counted_for_its_leg(view, tempo, second_pass):
    clip, ex = count(ClipSpec(exercise="stepping", view=view, reps=10, tempo=tempo), second_pass)
    assert per_leg(ex.reps) == clip.truth.notes["per_side"] == {"left": 5, "right": 5}
    assert not [r for r in ex.reps if not r.counted]


def test_one_leg_stepping_and_a_short_try_among_full_steps():
    clip, ex = count(ClipSpec(exercise="stepping", view="front", reps=6, side="right"))
    assert per_leg(ex.reps) == {"left": 0, "right": 6}
    clip, ex = count(ClipSpec(exercise="stepping", view="front", reps=7, partial_reps=(4,)))
    assert per_leg(ex.reps) == clip.truth.notes["per_side"]
    tries = [r for r in ex.reps if not r.counted]
    truth = next(t for t in clip.truth.reps if not t.counted)
    assert len(tries) == 1 and "low_step" in tries[0].fault_codes
    assert tries[0].start_s < truth.end_s and tries[0].end_s > truth.start_s


def test_a_patient_whose_every_step_is_low_has_them_counted_and_labelled():
    clip, ex = count(ClipSpec(exercise="stepping", view="front", reps=6, faults={k: ("low_step",) for k in range(1, 7)}))
    counted = [r for r in ex.reps if r.counted]
    assert len(counted) == clip.truth.true_reps == 6
    assert all("low_step" in r.fault_codes for r in counted)


@pytest.mark.parametrize("view", ["front", "side"])
def test_knee_lift_and_step_onsets_match_the_generator(view):
    clip, ex = count(ClipSpec(exercise="stepping", view=view, reps=6, tempo=1.5), second_pass=True)
    counted = [r for r in ex.reps if r.counted]
    for rep, true in zip(counted, [t for t in clip.truth.reps if t.counted]):
        assert rep.metrics["knee_lift_deg"] == pytest.approx(true.metrics["knee_lift_deg"], abs=3.0)
        assert rep.start_s == pytest.approx(true.start_s, abs=0.15)


def test_cadence_and_seconds_off_the_beat_match_the_generator():
    # 96 steps a minute; a 0.3 s hesitation after the 4th step puts every later step 0.3 s late.
    clip, ex = count(ClipSpec(exercise="stepping", view="front", reps=10, tempo=1.6, pauses_s={4: 0.3}), second_pass=True)
    paced = pacing_metrics(ex.reps, Tempo(clip.truth.notes["step_period_s"]), "knee_lift_deg")
    want, cadence = true_errors(clip)
    got = np.array([p.timing_error_s for p in paced.reps])
    assert len(got) == len(want) == 10
    assert np.max(np.abs(got - want)) <= 0.1, (got, want)
    assert max(want) > 0.25  # the late steps are there, and were seen late
    assert paced.cadence_per_min == pytest.approx(cadence, abs=2.0)
    assert not any(p.bigger_cue for p in paced.reps)  # even steps: no "Bigger!"


# ---- through the pose model ------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered_march(tmp_path_factory):
    spec = ClipSpec(exercise="stepping", view="front", reps=10, tempo=1.6, fps=25, size=(480, 360), seed=5)
    return rendered(spec, tmp_path_factory.mktemp("march"))


def test_a_rendered_march_is_counted_per_leg_with_its_cadence_and_beat(rendered_march):
    from coach.analysis import analyze_video
    from tests.conftest import require_model

    require_model("full")
    clip, video = rendered_march
    result = analyze_video(video, "stepping", model="full")
    assert per_leg(result.reps) == clip.truth.notes["per_side"] == {"left": 5, "right": 5}
    paced = pacing_metrics(result.reps, Tempo(clip.truth.notes["step_period_s"]), "knee_lift_deg")
    want, cadence = true_errors(clip)
    assert paced.cadence_per_min == pytest.approx(cadence, abs=2.0)
    assert np.max(np.abs(np.array([p.timing_error_s for p in paced.reps]) - want)) <= 0.1


def test_the_live_loop_counts_a_march_played_as_the_camera_to_a_metronome(rendered_march):
    """The live loop itself (set-up check, safety monitor, pacer) in real time, the clip as the camera;
    the pose from the generator (tests/live/conftest.TruthEstimator) so a busy machine's dropped frames
    do not decide the count (the pose model's reading is the test above)."""
    from coach.live.factory import LiveOptions, build_session
    from coach.live.grabber import LatestFrameGrabber, RealtimeFileSource
    from coach.live.runner import LiveRunner
    from tests.live.conftest import TruthEstimator

    clip, video = rendered_march
    opts = LiveOptions(exercise="stepping", sets=1, reps=10, rest_s=0.0, window=False, speech="none",
                       beat_sound="none", tempo=Tempo(clip.truth.notes["step_period_s"]))
    session = build_session(opts, TruthEstimator(clip.poses, clip.fps))
    summary = LiveRunner(session, LatestFrameGrabber(RealtimeFileSource(video))).run()
    assert summary.reps == clip.truth.true_reps == 10, summary.warnings
    pacing = summary.sets[0].pacing
    assert pacing["cadence_per_min"] == pytest.approx(true_errors(clip)[1], abs=2.0)
    # Seconds off the beat are judged live against the metronome's own clock, which this clip was not
    # made to follow; every step of this steady march is off by the same amount. Read within 0.1 s of
    # it for at least 8 of the 10: a loaded machine drops frames in real time, and a step seen in
    # three frames has its onset read from them (measured: 10 of 10 on a quiet run, a 0.27 s spread
    # with the load average at 27).
    errors = np.array([r["timing_error_s"] for r in pacing["reps"]])
    steady = np.abs(errors - np.median(errors)) <= 0.1
    assert steady.sum() >= 8, [(r["index"], r["beat"], r["timing_error_s"]) for r in pacing["reps"]]


@pytest.mark.parametrize("trembling", [False, True], ids=["still", "trembling"])
def test_a_freeze_is_told_with_its_moment_and_no_step_is_lost(trembling):
    """2.5 s without a step after the 5th (standing still, or the knees bobbing 10 deg in turn three
    times a second): one freeze where the generator put it, all ten steps still counted per leg."""
    from coach.synth.body import BodyDims
    from coach.synth.extended import generate_ext
    from coach.synth.scripts.stepping import build

    spec = ClipSpec(exercise="stepping", view="front", reps=10, tempo=1.6, pauses_s={} if trembling else {5: 2.5})
    motion = build(spec, BodyDims(spec.height_m), {5: 2.5} if trembling else None)
    clip = generate_ext(motion.timeline, {}, view="front")
    for second_pass in (False, True):
        ex, poses = live_pass("stepping", clip.poses)
        ex = ex.second_pass(poses) if second_pass else ex
        assert per_leg(ex.reps) == motion.notes["per_side"] == {"left": 5, "right": 5}
        (true,) = motion.notes["freezes"]
        (seen,) = ex.freezes()
        assert seen.start_s == pytest.approx(true["start_s"], abs=0.15)
        assert seen.end_s == pytest.approx(true["end_s"], abs=0.15)
        assert any(w.startswith(f"Freezing at {seen.start_s:.1f} s") for w in ex.warnings)
        if trembling:  # the legs trembled: told so, from when to when
            assert seen.trembling[0] == pytest.approx(true["start_s"], abs=0.15)
            assert seen.trembling[1] == pytest.approx(true["end_s"], abs=0.15)
            assert any("the legs trembling in place" in w for w in ex.warnings)
        else:
            assert seen.trembling is None and not any("trembling" in w for w in ex.warnings)


def _march(spec: ClipSpec, **build_kwargs):
    """(truth notes, the live pass, the file pass) of a march built with ``build_kwargs``."""
    from coach.synth.body import BodyDims
    from coach.synth.extended import generate_ext
    from coach.synth.scripts.stepping import build

    motion = build(spec, BodyDims(spec.height_m), **build_kwargs)
    clip = generate_ext(motion.timeline, {}, view=spec.view, fps=spec.fps)
    ex, poses = live_pass("stepping", clip.poses)
    return motion.notes, ex, ex.second_pass(poses)


@pytest.mark.parametrize("fps", [30.0, 15.0])
def test_legs_trembling_before_the_first_step_are_a_freeze_of_their_own(fps):
    """A freeze at the start (the legs tremble 2 s, 3 times a second, before the first step): told
    with its moment where the generator put it, though no pause between steps can be judged yet.
    Every step is counted per leg in both passes (the live pass at 30 fps used to lose the first two:
    4.5 s standing before them and a step ~0.3 s out of rest, under the 5% of the window the running
    high percentile needs; see ``exercises.counting.EXCURSION_HOLD_S``)."""
    notes, live, file = _march(ClipSpec(exercise="stepping", view="front", reps=6, tempo=1.6, fps=fps), trembles={0: 2.0})
    (true,) = notes["freezes"]
    assert per_leg(live.reps) == per_leg(file.reps) == notes["per_side"] == {"left": 3, "right": 3}
    assert not [r for r in live.reps if not r.counted]
    for ex in (live, file):
        (seen,) = ex.freezes()
        assert seen.trembling is not None
        assert seen.start_s == pytest.approx(true["start_s"], abs=0.15)
        assert seen.end_s == pytest.approx(true["end_s"], abs=0.15)
        assert seen.words() in ex.warnings
        assert seen.words().startswith(f"Freezing at {seen.start_s:.1f} s: the legs trembling in place for ")


@pytest.mark.parametrize("tempo", [1.0, 2.0])  # 60 and 120 steps a minute
def test_the_live_pass_counts_the_first_steps_after_a_long_still_start(tempo):
    """10 s standing still before the first step: the live pass's running levels have seen only rest,
    and each leg's first quick step (0.25-0.5 s out of rest) is counted all the same, with its knee
    lift (before: the first 2-4 of 6 steps lost)."""
    spec = ClipSpec(exercise="stepping", view="front", reps=6, tempo=tempo, fps=30, start_rest_s=10.0)
    clip, live = count(spec)
    assert per_leg(live.reps) == clip.truth.notes["per_side"] == {"left": 3, "right": 3}
    assert not [r for r in live.reps if not r.counted]
    assert [r.side for r in live.reps] == clip.truth.notes["sides"]
    for rep, true in zip(live.reps, clip.truth.reps):
        assert rep.start_s == pytest.approx(true.start_s, abs=0.2)
        # The pose smoother trims a brisk step's top by ~4 deg (120 a minute; both passes alike).
        assert rep.metrics["knee_lift_deg"] == pytest.approx(true.metrics["knee_lift_deg"], abs=5.0)


def test_a_slow_small_sway_and_a_short_tremble_are_not_trembling():
    """Knees bobbing in turn once a second (a leg's rate near the march's own) is not a tremble, nor
    is half a second of fast bobbing (a hesitation): ``tremble_min_hz`` and ``tremble_min_s``."""
    spec = ClipSpec(exercise="stepping", view="front", reps=6, tempo=1.6)
    for kwargs in ({"trembles": {3: 2.0}, "tremble_hz": 1.0}, {"trembles": {3: 0.5}}):
        notes, live, file = _march(spec, **kwargs)
        assert live.trembles() == file.trembles() == [], kwargs
        assert per_leg(file.reps) == notes["per_side"]


def test_an_even_march_has_no_freeze():
    clip, ex = count(ClipSpec(exercise="stepping", view="front", reps=10, tempo=1.6, pauses_s={3: 0.3}))
    assert ex.freezes() == [] and not any("Freezing" in w for w in ex.warnings)


def test_a_rendered_trembling_freeze_is_told_through_the_pose_model(tmp_path):
    """The legs tremble 2 s in place after the 3rd step of a rendered march (front view): through
    MediaPipe full, one freeze with the legs trembling, where the generator put it, every step
    counted per leg; the pose model's own jitter while standing still is no tremble."""
    pytest.importorskip("mediapipe")
    from coach.analysis import analyze_video
    from coach.synth import write_clip
    from coach.synth.body import BodyDims
    from coach.synth.extended import generate_ext
    from coach.synth.scripts.stepping import build
    from tests.conftest import require_model

    require_model("full")
    spec = ClipSpec(exercise="stepping", view="front", reps=6, tempo=1.6, fps=20, size=(480, 360), seed=5,
                    start_rest_s=1.5, end_rest_s=1.0)
    motion = build(spec, BodyDims(spec.height_m), trembles={3: 2.0})
    video, _ = write_clip(generate_ext(motion.timeline, {}, view="front", fps=spec.fps, size=spec.size),
                          tmp_path / "tremble.mp4")
    result = analyze_video(video, "stepping", model="full")
    assert per_leg(result.reps) == motion.notes["per_side"] == {"left": 3, "right": 3}
    (true,) = motion.notes["freezes"]
    told = [w for w in result.warnings if w.startswith("Freezing at")]
    assert len(told) == 1 and "the legs trembling in place" in told[0], result.warnings
    said = re.search(r"Freezing at ([\d.]+) s: the legs trembling in place for ([\d.]+) s", told[0])
    assert float(said.group(1)) == pytest.approx(true["start_s"], abs=0.2)
    assert float(said.group(2)) == pytest.approx(true["end_s"] - true["start_s"], abs=0.3)
