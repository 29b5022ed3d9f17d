"""Tandem stance and feet together on true landmarks: hold times against the generator's truth,
which foot is in front, a sudden step as a balance-loss event (coach.synth.scripts.tandem_stance)."""
import pytest

from coach.synth.extended import generate_ext
from coach.synth.scripts.tandem_stance import TandemHold, script, standing
from coach.synth.motion import Timeline
from exercises.tandem_stance import SPEC

HOLD_TOLERANCE_S = 0.2


def run(holds, lead="right", variant="tandem", view="front"):
    tl, truth = script(holds, lead, variant)
    clip = generate_ext(tl, truth, view)
    ex = SPEC.machine(SPEC)
    events = []
    for p in clip.poses:
        events += ex.update(p)
    events += ex.finish(clip.poses[-1].timestamp_s)
    return ex, events, truth


@pytest.mark.parametrize("view,variant", [("front", "tandem"), ("front", "feet_together"), ("side", "tandem")])
@pytest.mark.parametrize("lead", ["left", "right"])
def test_hold_times_match_the_generator(view, variant, lead):
    ex, _, truth = run((TandemHold(6.0), TandemHold(11.3)), lead, variant, view)
    assert len(ex.reps) == 2
    for got, want in zip(ex.reps, truth["holds"]):
        assert abs(got.metrics["hold_s"] - want["hold_s"]) <= HOLD_TOLERANCE_S
        assert abs(got.start_s - want["start_s"]) <= HOLD_TOLERANCE_S
        if variant == "tandem":
            assert got.side == lead  # the foot in front
    assert not ex.balance_events  # stepping back out of the position on purpose is no loss of balance


def test_a_sudden_step_out_ends_the_hold_and_is_an_event():
    ex, events, truth = run((TandemHold(5.0, "step"),), "right", "tandem", "front")
    want = truth["holds"][0]
    assert len(ex.reps) == 1
    assert abs(ex.reps[0].end_s - want["end_s"]) <= HOLD_TOLERANCE_S
    assert [e.kind for e in ex.balance_events] == ["step"]
    assert abs(ex.balance_events[0].time_s - want["event"]["time_s"]) <= 0.3
    assert any(e.kind == "balance_loss" for e in events)


@pytest.mark.parametrize("view", ["front", "side"])
def test_ordinary_standing_is_no_hold(view):
    tl = Timeline(standing())
    tl.hold(8.0)
    clip = generate_ext(tl, {}, view)
    ex = SPEC.machine(SPEC)
    for p in clip.poses:
        ex.update(p)
    ex.finish(clip.poses[-1].timestamp_s)
    assert ex.reps == []
