"""Every threshold of every exercise (and of the live safety monitor) says its unit, why it has its
value and the range a physio may set it to; a value outside that range is refused by name."""
from dataclasses import fields

import pytest

from exercises.registry import SPECS
from exercises.spec import Params


def _params_classes() -> list[type[Params]]:
    from coach.live.safety import SafetyParams
    from coach.pose.follow import FollowParams
    from exercises.tug import TugParams

    return [spec.params for spec in SPECS] + [TugParams, SafetyParams, FollowParams]


@pytest.mark.parametrize("cls", _params_classes(), ids=lambda c: c.__name__)
def test_every_field_has_unit_reason_and_a_range_holding_its_default(cls):
    assert fields(cls), cls
    for d in cls.describe():
        assert d["unit"], (cls.__name__, d["name"], "no unit")
        assert len(d["why"]) > 10, (cls.__name__, d["name"], "no reason")
        assert d["bounds"] is not None, (cls.__name__, d["name"], "no range")
        low, high = d["bounds"]
        assert low < high and low <= d["default"] <= high, (cls.__name__, d["name"], d["bounds"], d["default"])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_an_override_outside_its_range_is_refused_and_the_ends_are_accepted(spec):
    for d in spec.params.describe():
        low, high = d["bounds"]
        assert getattr(spec.params.with_overrides({d["name"]: low}), d["name"]) == low
        assert getattr(spec.params.with_overrides({d["name"]: high}), d["name"]) == high
        for bad in (high + max(1.0, abs(high)), low - max(1.0, abs(low))):
            with pytest.raises(ValueError, match=f"{d['name']} = .* outside its range"):
                spec.params.with_overrides({d["name"]: bad})
    with pytest.raises(ValueError, match="must be a number"):
        spec.params.with_overrides({spec.params.names()[0]: float("nan")})


def test_a_default_outside_its_own_range_fails_where_it_is_declared():
    from exercises.spec import param

    with pytest.raises(ValueError, match="outside its range"):
        param(5.0, "deg", "a limit whose default is not allowed", bounds=(10.0, 20.0))


def test_the_programme_and_the_command_line_refuse_by_the_same_range():
    from coach.programme import threshold_range

    assert threshold_range.problem("squat", "min_depth", 0.1) is None
    assert "0.05 to 1.2" in threshold_range.problem("squat", "min_depth", 0.01)
