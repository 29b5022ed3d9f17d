"""The fatigue judgement (``exercises.fatigue``) against generated truth: rep times (or ranges)
with a known change over the last third of a set are found within two reps of where the
generator put it; +-30% random variation with no trend is never a finding; holds and paced sets
are never judged; the evidence survives the trip through a stored event's detail."""
import math

import numpy as np
import pytest

from coach.live.fatigue import FatigueMonitor
from exercises.fatigue import (SLOWER, SMALLER, FatigueParams, applies, baseline_variation, first_finding,
                               from_detail, judge, rep_variation)

SEEDS = range(100)


def rep_values(n: int, change: float, noise: float, seed: int, base: float = 2.0) -> tuple[list[float], int]:
    """``n`` reps around ``base`` with uniform +-``noise`` (relative) variation; from the first rep of
    the last third on (the onset, 1-based, returned), every rep is ``change`` larger (-0.3: 30% smaller)."""
    rng = np.random.default_rng(seed)
    onset = n - n // 3 + 1
    return [base * (1 + (change if i >= onset else 0.0)) * (1 + rng.uniform(-noise, noise))
            for i in range(1, n + 1)], onset


@pytest.mark.parametrize("n", [9, 12, 15])
@pytest.mark.parametrize("slower", [0.2, 0.3, 0.4])
def test_a_known_slowdown_is_found_within_two_reps_of_its_onset(slower, n):
    for seed in SEEDS:
        durations, onset = rep_values(n, slower, 0.03, seed)
        found = first_finding(durations)
        assert found is not None and found.reason == SLOWER, (seed, durations)
        assert onset <= found.found_at_rep <= onset + 2 and abs(found.onset_rep - onset) <= 2
        assert found.change == pytest.approx(slower, abs=0.08)


@pytest.mark.parametrize("n, at_least", [(12, 85), (15, 95)])
def test_a_20_percent_slowdown_is_mostly_found_through_5_percent_variation(n, at_least):
    """The price of never mistaking +-30% noise for fatigue: with +-5% variation a 20% slowdown
    is found in time in most sets of 12 and nearly all of 15 (in sets of 9: about a third)."""
    hits = 0
    for seed in SEEDS:
        durations, onset = rep_values(n, 0.2, 0.05, seed)
        found = first_finding(durations)
        hits += found is not None and found.found_at_rep <= onset + 2
    assert hits >= at_least


@pytest.mark.parametrize("n", [9, 12, 15])
@pytest.mark.parametrize("smaller", [0.2, 0.3, 0.4])
def test_a_known_loss_of_range_is_found_within_two_reps(smaller, n):
    for seed in SEEDS:
        ranges, onset = rep_values(n, -smaller, 0.03, seed, base=80.0)
        durations = list(rep_values(n, 0.0, 0.03, seed + 1000)[0])
        found = first_finding(durations, ranges)
        assert found is not None and found.reason == SMALLER, seed
        assert onset <= found.found_at_rep <= onset + 2 and abs(found.onset_rep - onset) <= 2


@pytest.mark.parametrize("n", [6, 8, 10, 12, 15, 20])
def test_30_percent_random_variation_without_a_trend_is_never_fatigue(n):
    for seed in SEEDS:
        durations = rep_values(n, 0.0, 0.30, seed)[0]
        ranges = rep_values(n, 0.0, 0.30, seed + 1000, base=80.0)[0]
        assert first_finding(durations, ranges) is None, (seed, durations, ranges)
        rng = np.random.default_rng(seed)
        gaussian = list(2.0 * np.clip(1 + 0.17 * rng.standard_normal(n), 0.3, None))  # the same spread, unbounded
        assert first_finding(gaussian) is None, (seed, gaussian)


def test_the_live_monitor_says_it_once_at_the_rep_the_judgement_finds_it():
    durations, onset = rep_values(12, 0.3, 0.03, seed=1)
    monitor = FatigueMonitor()
    signals = [monitor.add_rep(float(i), d, 80.0) for i, d in enumerate(durations, start=1)]
    fired = [(i, s) for i, s in enumerate(signals, start=1) if s is not None]
    assert len(fired) == 1 and fired[0][0] == first_finding(durations).found_at_rep <= onset + 2
    assert fired[0][1].reason == SLOWER and "longer" in fired[0][1].text
    monitor.reset()
    assert monitor.add_rep(0.0, 9.0, 80.0) is None and not monitor.signalled


def test_a_short_set_and_one_slow_rep_are_not_fatigue():
    assert first_finding([2.0, 2.0, 2.1, 2.9, 3.0, 3.2, 3.3]) is None  # 7 reps: too few to judge
    assert first_finding([2.0] * 9 + [4.0]) is None  # one long rep is not a trend
    assert first_finding([2.0] * 8 + [4.0, 4.0]) is None  # nor two


def test_the_persons_own_variation_from_earlier_sessions_raises_the_bar():
    durations, _ = rep_values(12, 0.3, 0.03, seed=2)
    assert first_finding(durations) is not None
    earlier = [rep_values(12, 0.0, 0.35, seed)[0] for seed in range(5)]  # a person whose reps vary a lot
    base = baseline_variation(earlier)
    assert base is not None and 0.12 < base < 0.30
    assert first_finding(durations, baseline={"duration_s": base}) is None
    assert baseline_variation([[2.0, 2.1]]) is None and rep_variation([2.0]) is None


def test_holds_and_paced_sets_are_never_judged():
    assert not applies("single-leg-stance", paced=False)
    assert not applies("squat", paced=True)
    assert applies("squat", paced=False) and applies("head-turn", paced=False)


def test_the_evidence_goes_through_the_stored_detail_and_old_details_have_none():
    durations, _ = rep_values(12, 0.4, 0.03, seed=3)
    found = first_finding(durations)
    text, back = from_detail(found.to_detail())
    assert text == found.text and back is not None
    assert back.values == pytest.approx(found.values, abs=1e-3) and back.onset_rep == found.onset_rep
    assert back.change == pytest.approx(found.change, abs=1e-4) and len(back.trend()) == found.found_at_rep
    assert from_detail("reps take 48% longer than at the start of the set") == \
        ("reps take 48% longer than at the start of the set", None)
    with_gap = list(durations)
    with_gap[3] = math.nan  # a rep whose range was not measured (not in view) is skipped, not a zero
    assert judge(with_gap, SMALLER) is None


def test_params_name_their_limits():
    with pytest.raises(ValueError):
        FatigueParams(min_reps=5)
    with pytest.raises(ValueError):
        FatigueParams(min_change=1.5)
