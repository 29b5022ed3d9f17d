import pytest

from exercises.base import Fault, Rep
from exercises.validated_tests import calf_raise_30s, chair_stand_30s, five_times_sit_to_stand, functional_reach


def sts(start, stand, end, counted=True, faults=(), conf="ok"):
    return Rep(1 if counted else 0, start, end, counted, {"stand_time_s": stand} if counted else {"peak_rise_pct": 60.0},
               tuple(Fault(c, start) for c in faults), conf)


@pytest.mark.parametrize("age, score_s, flags", [
    (65, 10.0, set()),
    (65, 12.0, {"below_norm"}),
    (75, 13.9, {"below_norm"}),
    (85, 15.5, {"below_norm", "fall_risk"}),
    (None, 15.0, {"fall_risk"}),
])
def test_five_times_sit_to_stand(age, score_s, flags):
    step = score_s / 5
    reps = [sts(i * step, i * step + 0.5 * step, (i + 1) * step) for i in range(5)]
    r = five_times_sit_to_stand(reps, age=age)
    assert r.score == pytest.approx(score_s)
    assert set(r.flags) == flags
    assert r.trust == "ok"


def test_five_times_needs_five_and_hands_fail_the_protocol():
    assert five_times_sit_to_stand([sts(0, 1, 2)]).score is None
    reps = [sts(i * 2, i * 2 + 1, i * 2 + 2, faults=("hands_on_thighs",) if i == 2 else ()) for i in range(5)]
    r = five_times_sit_to_stand(reps)
    assert "used_hands" in r.flags and r.trust == "low"


@pytest.mark.parametrize("stands, age, sex, expected_band", [
    (12, 72, "female", "10-15"),
    (7, 72, "female", "10-15"),
    (20, 62, "male", "14-19"),
])
def test_chair_stand_norm_band(stands, age, sex, expected_band):
    reps = [sts(i * 2.4, i * 2.4 + 1.0, i * 2.4 + 2.2) for i in range(stands)]
    r = chair_stand_30s(reps, start_s=0.0, age=age, sex=sex)
    assert r.score == min(stands, 13)  # stands after 30 s are not counted (13th stands at 29.8 s)
    assert expected_band in r.norm
    assert ("below_norm" in r.flags) == (r.score < int(expected_band.split("-")[0]))


def test_chair_stand_more_than_halfway_at_30s_counts():
    reps = [sts(i * 3.0, i * 3.0 + 1.0, i * 3.0 + 2.5) for i in range(9)]  # 9 stands by 25 s
    reps.append(sts(29.5, 30.3, 31.5))  # at 30 s: 0.5 of 0.8 s rise = 62% up
    assert chair_stand_30s(reps, start_s=0.0).score == 10
    reps[-1] = sts(29.9, 30.9, 32.0)  # only 10% up at 30 s
    assert chair_stand_30s(reps, start_s=0.0).score == 9


def test_a_stand_reached_before_go_is_not_the_halfway_stand_at_the_bell():
    """A clip that loops: someone already standing when Go is pressed counts from Go, and that stand is
    no extra one at the end (it gave 8 where the generator had 7)."""
    before_go = sts(8.0, 9.2, 10.5)  # standing at 9.2 s, Go at 10 s
    after = [sts(11.0 + i * 4.0, 12.2 + i * 4.0, 13.5 + i * 4.0) for i in range(7)]  # 7 stands by 36.2 s
    assert chair_stand_30s([before_go, *after], start_s=10.0).score == 7


@pytest.mark.parametrize("distances, mean, risk", [
    ([30, 31, 28, 27, 29], 28.0, False),
    ([10, 12, 14, 13, 12], 13.0, True),
])
def test_functional_reach(distances, mean, risk):
    reps = [Rep(i + 1, i * 5, i * 5 + 4, True, {"reach_distance_cm": d}) for i, d in enumerate(distances)]
    r = functional_reach(reps)
    assert r.score == pytest.approx(mean)  # mean of trials 3-5 after two practice trials
    assert ("fall_risk" in r.flags) == risk


def test_calf_raise_counts_within_30s_and_has_no_invented_norm():
    reps = [Rep(i + 1, i * 2.0, i * 2.0 + 1.8, True) for i in range(20)]
    r = calf_raise_30s(reps, start_s=0.0)
    assert r.score == 15
    assert "no published normal range" in r.interpretation.lower()


def test_the_one_catalogue_is_complete_and_every_reader_names_its_tests():
    """Each test has everything the CLI, the guided page, the scoring and the reports read from it,
    and a stop rule the guided coach can follow; the readers offer exactly the catalogue's tests."""
    from coach import labels
    from coach.app import guided_test
    from exercises import EXERCISES, norms
    from exercises.validated_tests import TEST_IDS, TESTS, interpret

    sources = {norms.CHAIR_STAND_SOURCE, norms.FTSTS_SOURCE, norms.FRT_SOURCE, norms.CALF_RAISE_SOURCE,
               norms.TUG_SOURCE, norms.GAIT_SOURCE}
    for spec in TESTS.values():
        assert spec.label and spec.unit and spec.needs and len(spec.steps) >= 3, spec.id
        assert spec.exercise in EXERCISES and spec.norm_source in sources, spec.id
        assert spec.duration_s is None or spec.stop_after is None, spec.id  # one stop rule, not two
        lo, hi = spec.value_range
        assert 0 <= lo < hi, spec.id
        assert labels.TESTS[spec.id] == spec.label
    # the protocols' own stop rules: 30 s; five stands; 2 practice + 3 reaches; the TUG ends when seated again
    stops = {t: (TESTS[t].duration_s, TESTS[t].stop_after) for t in TEST_IDS}
    assert stops == {"chair-stand-30s": (30.0, None), "five-times-sts": (None, 5), "functional-reach": (None, 5),
                     "calf-raise-30s": (30.0, None), "timed-up-and-go": (None, None), "gait-speed": (None, None)}
    assert guided_test.target(TESTS["five-times-sts"]) == 5
    assert TEST_IDS == ("chair-stand-30s", "five-times-sts", "functional-reach", "calf-raise-30s", "timed-up-and-go",
                        "gait-speed")
    assert interpret("5xsts", 10.0, 65).test == "five-times-sts"  # an old spelling reads as the catalogue's id
