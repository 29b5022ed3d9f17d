"""Exercises on synthetic clips with exact truth: counts, faults on their rep, no false faults."""
import pytest

from coach.smoothing import PoseSmoother
from coach.synth import ClipSpec, generate
from exercises import create_exercise
from exercises.validated_tests import five_times_sit_to_stand

INCOMPLETE = {"incomplete_stand", "shallow_squat", "heel_low", "short_range"}


def run(spec: ClipSpec):
    clip = generate(spec)
    ex = create_exercise(spec.exercise, side=spec.side)
    smoother = PoseSmoother()
    for pose in clip.poses:
        ex.update(smoother.apply(pose))
    ex.finish(clip.poses[-1].timestamp_s)
    return clip, ex


def rep_for(ex, truth_rep):
    return next((r for r in ex.reps if r.start_s - 0.5 <= truth_rep.peak_s <= r.end_s + 0.5), None)


CASES = [
    dict(exercise="sit-to-stand", view="side"),
    dict(exercise="sit-to-stand", view="front"),
    dict(exercise="sit-to-stand", view="side", partial_reps=(3,), faults={1: ("hands_on_thighs",), 4: ("uncontrolled_sit",)}),
    dict(exercise="squat", view="side"),
    dict(exercise="squat", view="front", faults={3: ("knee_valgus",)}),
    dict(exercise="heel-raise", view="side"),
    dict(exercise="heel-raise", view="front", faults={2: ("asymmetry",)}),
    dict(exercise="arm-raise", view="front", arm_mode="abduction", faults={1: ("shoulder_hike",), 3: ("elbow_bent",), 4: ("asymmetry",)}),
    dict(exercise="arm-raise", view="side", partial_reps=(3,), faults={2: ("trunk_lean",)}),
    dict(exercise="reach", view="side", partial_reps=(2,)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['exercise']}-{c['view']}-{len(c.get('faults', {}))}f")
def test_counts_and_faults_match_truth(case):
    clip, ex = run(ClipSpec(reps=4, **case))
    assert sum(r.counted for r in ex.reps) == clip.truth.true_reps
    for truth in clip.truth.reps:
        got = rep_for(ex, truth)
        assert got is not None, f"truth rep {truth.index} not found"
        assert got.counted == truth.counted
        assert set(truth.faults) <= set(got.fault_codes), (truth.index, got.faults)
        assert set(got.fault_codes) - INCOMPLETE <= set(truth.faults), (truth.index, got.faults)
        assert got.confidence == "ok"


def test_view_specific_checks_are_reported_as_skipped():
    _, ex = run(ClipSpec(exercise="sit-to-stand", view="front", reps=1))
    assert "trunk_flexion" in ex.reps[0].skipped_checks
    _, ex = run(ClipSpec(exercise="sit-to-stand", view="side", reps=1))
    assert {"lateral_shift", "knee_valgus"} <= set(ex.reps[0].skipped_checks)


def test_sit_to_stand_metrics_and_five_times_timing():
    clip, ex = run(ClipSpec(exercise="sit-to-stand", view="side", reps=5))
    rep = ex.reps[0]
    for key in ("rise_time_s", "sit_time_s", "stand_time_s", "peak_trunk_flexion_deg", "knee_extension_deg"):
        assert key in rep.metrics
    assert abs(rep.metrics["stand_time_s"] - clip.truth.reps[0].stand_s) < 0.3
    result = five_times_sit_to_stand(ex.reps, age=72)
    # Known bias: onset from the lean and re-seat at hip contact run ~0.5 s short of the
    # synthetic truth (which ends when the trunk is back upright).
    assert abs(result.score - clip.truth.test_time_s) < 0.8


def test_a_rep_below_zero_progress_on_an_exercise_without_a_progress_target_is_labelled_not_divided_by_zero():
    """Reach has no target on its arm signal (``clinical_target`` 0: its short range comes from the reach
    distance); a counted rep whose progress peak reads below zero (walking poses fed to it) must not
    divide by that target."""
    from exercises import create_exercise
    from exercises.rep_context import RepContext

    ex = create_exercise("reach")
    assert ex.clinical_target == 0
    ctx = RepContext(samples=[], start_s=0.0, target_s=None, end_s=1.0, reached=False, peak=-0.2, view="side")
    faults, _ = ex._run_checks(ctx, counted=True)
    assert not [f for f in faults if "of the target" in f.detail]  # the arm signal's target is not used
