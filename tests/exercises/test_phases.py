import numpy as np
import pytest

from exercises.phases import PhaseConfig, PhaseMachine
from tests.exercises.builders import humps

CFG = PhaseConfig(start=0.25, rest=0.12, target=0.85, target_exit=0.7, attempt_min=0.35)


def run(t, p, cfg=CFG):
    m = PhaseMachine(cfg)
    out = []
    for ti, pi in zip(t, p):
        out += m.update(float(ti), float(pi))
    out += m.finish(float(t[-1]))
    return [tr for tr in out if tr.kind in ("end", "abort") and tr.peak > 0]


@pytest.mark.parametrize("peaks, counted, attempts", [
    ([1.0, 1.0, 1.0], 3, 0),
    ([1.0, 0.5, 1.0], 2, 1),      # a half stand is an attempt, not a rep
    ([0.2, 1.0], 1, 0),           # a fidget below the attempt threshold is nothing
    ([0.9, 0.86, 1.2, 1.0], 4, 0),
])
def test_counts_humps(peaks, counted, attempts):
    t, p = humps(peaks)
    ends = run(t, p)
    assert sum(tr.reached for tr in ends) == counted
    assert sum(not tr.reached for tr in ends) == attempts


def test_jitter_at_threshold_does_not_double_count():
    t, p = humps([1.0, 1.0], jitter=0.04, seed=3)
    assert sum(tr.reached for tr in run(t, p)) == 2


def test_onset_is_backdated_to_where_the_movement_began():
    t, p = humps([1.0], rest_s=1.0, hump_s=2.0)
    m = PhaseMachine(CFG)
    starts = [tr for ti, pi in zip(t, p) for tr in m.update(float(ti), float(pi)) if tr.kind == "start"]
    assert starts and 1.0 < starts[0].time_s < 1.3


def test_getting_into_position_is_not_a_rep():
    # starts at the goal (already standing), goes to rest, nothing else
    t = np.arange(0, 4, 1 / 30)
    p = np.where(t < 2, 1.0, 0.0)
    assert run(t, p) == []


def test_long_gap_breaks_a_rep_in_progress():
    t, p = humps([1.0])
    m = PhaseMachine(CFG)
    out = []
    for ti, pi in zip(t, p):
        if 1.6 < ti < 2.6:   # hole during the rise (progress ~0.65), before the goal
            out += m.gap(float(ti))
            continue
        out += m.update(float(ti), float(pi))
    assert any(tr.kind == "abort" and not tr.reached for tr in out)
    assert not any(tr.kind == "end" and tr.reached for tr in out)


def test_thresholds_must_nest():
    with pytest.raises(ValueError):
        PhaseConfig(start=0.1, rest=0.2)


@pytest.mark.parametrize("first_share, counted", [
    (0.9, 2),  # the clip starts at the goal and still rising: that rep's top is seen, it counts
    (1.0, 1),  # the clip starts at the very top, only coming back: its top came before, not counted
])
def test_a_clip_that_starts_at_the_goal(first_share, counted):
    from dataclasses import replace

    cfg = replace(CFG, mid_rep_start=True)
    t = np.arange(0.0, 6.0, 1 / 30)
    # Two humps of 1.0 peaking at 0.5 s and 3.5 s (the first cut so the clip starts on its way up
    # at ``first_share`` of the top, or at the top itself).
    p = sum(np.where(np.abs(t - c) < 1.0, np.cos(np.pi * (t - c) / 2.0) ** 2, 0.0) for c in (0.5, 3.5))
    start = np.searchsorted(t, 0.5 - np.arccos(np.sqrt(first_share)) * 2.0 / np.pi) if first_share < 1 else 15
    ends = run(t[start:], p[start:], cfg)
    assert sum(tr.reached for tr in ends) == counted
