"""Per-frame measurements are typed: each exercise declares their names, and a name it never
declared raises at once (written or read), where a plain dict read back a silent NaN."""
import numpy as np
import pytest

from coach.smoothing import PoseSmoother
from coach.synth import ClipSpec, generate
from exercises import create_exercise
from exercises.engine import RepExercise
from exercises.measures import Measures, UnknownMeasure
from exercises.registry import SPECS

COUNTED = [s for s in SPECS if issubclass(s.machine, RepExercise)]


@pytest.mark.parametrize("spec", COUNTED, ids=lambda s: s.name)
def test_every_counted_exercise_declares_its_measurements_and_its_key_measure_among_them(spec):
    names = spec.machine.measure_names
    assert names, f"{spec.name}: declare measure_names (exercises.measures)"
    assert len(set(names)) == len(names), spec.name
    assert spec.key_measure in names, (spec.name, spec.key_measure)


def test_a_misspelt_measurement_raises_where_a_dict_gave_nan():
    m = Measures(frozenset({"lift_left", "lift_right"}), {"lift_left": 0.3}, "heel-raise")
    assert m["lift_left"] == 0.3 and m.get("lift_right", np.nan) is np.nan and "lift_right" not in m
    with pytest.raises(UnknownMeasure, match="lift_lefft"):
        m.get("lift_lefft", np.nan)
    with pytest.raises(UnknownMeasure):
        m["lift_lefft"] = 0.1
    with pytest.raises(UnknownMeasure):
        _ = "lift_lefft" in m
    assert m.as_dict() == {"lift_left": 0.3} and type(m.as_dict()) is dict


def test_a_rep_read_back_by_a_wrong_name_raises_and_by_its_own_names_matches_the_truth():
    clip = generate(ClipSpec(exercise="heel-raise", view="front", reps=2))
    ex = create_exercise("heel-raise")
    smoother = PoseSmoother()
    seen = []
    for pose in clip.poses:
        for e in ex.update(smoother.apply(pose)):
            if e.kind == "rep":
                seen.append(e.rep)
    ex.finish(clip.poses[-1].timestamp_s)
    assert sum(r.counted for r in ex.reps) == clip.truth.true_reps == 2
    sample = next(s for s in ex._recent)
    assert isinstance(sample.values, Measures)
    assert set(sample.values) <= set(ex.measure_names) | {"rel_body", "rel_left", "rel_right"}
    with pytest.raises(UnknownMeasure):
        sample.values.get("lift_pct_feet")
