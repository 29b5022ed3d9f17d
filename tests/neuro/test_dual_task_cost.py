"""Dual-task cost on true landmarks: a set of head turns done without a thinking task and one done
with it (slower, smaller, less regular: the generator's own pauses and degrees are the truth), read
by the head-turn state machine and compared as pace, amplitude and rhythm."""
import random

import numpy as np
import pytest

from coach.synth.extended import generate_ext
from coach.synth.scripts.head_turn import BACK_S, HOLD_S, TURN_S, Turn, script
from exercises.base import Rep
from exercises.dual_task import (TASK_NAMES, DualTaskParams, amplitude_unit, dual_task_cost, get_task,
                                 measure_sets)
from exercises.head_turn import SPEC

SINGLE_PAUSES = [0.45, 0.35, 0.5, 0.4, 0.3, 0.45, 0.4, 0.5]
SINGLE_DEG = [46.0, 44.0, 45.0, 47.0, 43.0, 45.0, 46.0, 44.0, 45.0]
# With the task: longer and uneven pauses (a hesitation while thinking), smaller turns.
DUAL_PAUSES = [0.9, 1.6, 0.7, 2.0, 1.0, 1.8, 0.8, 1.4]
DUAL_DEG = [34.0, 31.0, 33.0, 29.0, 32.0, 30.0, 33.0, 31.0, 32.0]
TURN_TOTAL_S = TURN_S + HOLD_S + BACK_S


def turns(pauses, degrees):
    return tuple(Turn("left" if k % 2 == 0 else "right", d, pause_s=p)
                 for k, (d, p) in enumerate(zip(degrees, [*pauses, 0.4])))


def read(pauses, degrees):
    """The head-turn machine's reps from the generator's true landmarks, and the generator's truth."""
    tl, truth = script(turns(pauses, degrees), start_rest_s=2.0)
    clip = generate_ext(tl, truth, "front", fps=15.0)  # 15 fps: a cheap test, onsets still within 0.07 s
    ex = SPEC.machine(SPEC)  # one causal pass, as the live coach reads a set (file mode's second
    for p in clip.poses:    # pass gives the same CVs here: 3.4% and 16.8%)
        ex.update(p)
    ex.finish(clip.poses[-1].timestamp_s)
    return ex.reps, truth


def true_measures(pauses, degrees):
    """Pace, amplitude and rhythm as made: each gap between two turns' ends (or onsets: every turn
    takes the same time) is one turn plus its pause."""
    gaps = TURN_TOTAL_S + np.asarray(pauses)
    return 60.0 / gaps.mean(), float(np.mean(degrees)), float(gaps.std(ddof=1) / gaps.mean())


@pytest.fixture(scope="module")
def pair():
    single, single_truth = read(SINGLE_PAUSES, SINGLE_DEG)
    dual, dual_truth = read(DUAL_PAUSES, DUAL_DEG)
    return single, dual, single_truth, dual_truth


def test_the_generator_made_what_the_truth_says(pair):
    _, _, single_truth, dual_truth = pair
    for truth, pauses in ((single_truth, SINGLE_PAUSES), (dual_truth, DUAL_PAUSES)):
        onsets = [t["start_s"] for t in truth["turns"]]
        assert np.allclose(np.diff(onsets), TURN_TOTAL_S + np.asarray(pauses), atol=1e-3)


def test_cost_of_a_slower_smaller_less_regular_set_matches_the_truth(pair):
    single, dual, *_ = pair
    assert sum(r.counted for r in single) == 9 and sum(r.counted for r in dual) == 9
    got = dual_task_cost(measure_sets([dual], SPEC.amplitude_metric), measure_sets([single], SPEC.amplitude_metric),
                         "serial-7s", amplitude_unit=amplitude_unit(SPEC.amplitude_metric))
    pace_s, amp_s, cv_s = true_measures(SINGLE_PAUSES, SINGLE_DEG)
    pace_d, amp_d, cv_d = true_measures(DUAL_PAUSES, DUAL_DEG)
    want = {"pace": (pace_s - pace_d) / pace_s * 100, "amplitude": (amp_s - amp_d) / amp_s * 100,
            "rhythm": (cv_d - cv_s) / cv_s * 100}
    # Stated tolerances: rep ends are read within a frame or two (pace within 3 points of percent);
    # head turns within 4 deg of the truth (exercises.head_turn), the same bias in both sets, so the
    # relative amplitude change within 5 points; the rhythm's change divides by a small single-task
    # CV (about 6%), so within 25% of the true change.
    assert got.cost("pace").cost_pct == pytest.approx(want["pace"], abs=3.0)
    assert got.cost("amplitude").cost_pct == pytest.approx(want["amplitude"], abs=5.0)
    assert got.cost("rhythm").cost_pct == pytest.approx(want["rhythm"], rel=0.25)
    assert got.dual.rhythm_cv == pytest.approx(cv_d, abs=0.03)
    # Every cost is positive (worse with the task) and beyond the person's own variation.
    assert all(c.cost_pct > 0 and c.clear for c in got.costs)
    assert got.cost("amplitude").unit == "deg" and len(got.words()) == 3
    assert got.to_dict()["costs"]["pace"]["change_pct"] == pytest.approx(-got.cost("pace").cost_pct, abs=0.11)


def test_the_same_movement_twice_costs_nothing_clear(pair):
    single, *_ = pair
    m = measure_sets([single], SPEC.amplitude_metric)
    got = dual_task_cost(m, m)
    assert all(c.cost_pct == 0 and not c.clear for c in got.costs)


def rep(i, start, size=40.0, counted=True):
    return Rep(i, start, start + 1.0, counted=counted, metrics={"range_deg": size})


def test_sets_are_measured_within_each_set_and_too_few_reps_give_nothing():
    # Two sets of 3 reps, 2 s apart, with a minute's rest between: the rest is no gap.
    a = [rep(1, 0.0), rep(2, 2.0), rep(3, 4.0)]
    b = [rep(1, 64.0), rep(2, 66.0), rep(3, 68.0), rep(0, 70.0, counted=False)]
    m = measure_sets([a, b], "range_deg")
    assert m.reps == 6 and m.gaps == 4 and m.pace_per_min == pytest.approx(30.0) and m.rhythm_cv == 0
    assert measure_sets([a], "range_deg") is None  # 3 counted reps < min_reps 4
    assert measure_sets([a], "range_deg", DualTaskParams(min_reps=3)) is not None
    assert measure_sets([a + b], "").amplitude is None
    # A steady set against itself with a floor: no division by a zero CV.
    got = dual_task_cost(m, m)
    assert got.cost("rhythm").cost_pct == 0


def test_every_task_has_a_prompt_in_plain_words_and_a_fresh_start_number():
    rng = random.Random(3)
    for name in TASK_NAMES:
        prompt = get_task(name).prompt(rng)
        assert prompt.task == name and prompt.spoken and len(prompt.shown) <= 32
    starts = {get_task("serial-7s").prompt(rng).spoken for _ in range(10)}
    assert len(starts) > 3  # not the same start every set
    with pytest.raises(ValueError):
        get_task("sudoku")
    assert DualTaskParams.bounds("clear_z") == (1.0, 4.0)
