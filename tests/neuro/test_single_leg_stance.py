"""Single-leg stance on true landmarks: hold times against the generator's truth, a step and a
fall-like drop as balance-loss events (truth from coach.synth.scripts.single_leg_stance)."""
import pytest

from coach.synth.extended import generate_ext
from coach.synth.scripts.single_leg_stance import Hold, add_sway_truth, script
from exercises.holds import hold_summary
from exercises.single_leg_stance import SPEC

HOLD_TOLERANCE_S = 0.2


def run(holds, stance="left", view="side", side="auto"):
    tl, truth = script(holds, stance)
    clip = generate_ext(tl, truth, view)
    add_sway_truth(clip)
    ex = SPEC.machine(SPEC, side=side)
    events = []
    for p in clip.poses:
        events += ex.update(p)
    events += ex.finish(clip.poses[-1].timestamp_s)
    return ex, events, clip.truth


@pytest.mark.parametrize("view", ["side", "front"])
@pytest.mark.parametrize("stance", ["left", "right"])
def test_hold_times_match_the_generator(view, stance):
    ex, events, truth = run((Hold(5.0), Hold(3.2), Hold(12.5)), stance, view)
    assert len(ex.reps) == 3
    for got, want in zip(ex.reps, truth["holds"]):
        assert abs(got.metrics["hold_s"] - want["hold_s"]) <= HOLD_TOLERANCE_S
        assert abs(got.start_s - want["start_s"]) <= HOLD_TOLERANCE_S
        assert got.side == stance
    assert not ex.balance_events
    summary = hold_summary(ex.reps)
    assert summary["best_s"] == pytest.approx(max(h["hold_s"] for h in truth["holds"]), abs=HOLD_TOLERANCE_S)
    assert summary["total_s"] == pytest.approx(sum(h["hold_s"] for h in truth["holds"]), abs=3 * HOLD_TOLERANCE_S)


def test_sway_path_matches_the_generator():
    ex, _, truth = run((Hold(6.0),), "left", "side")
    got, want = ex.reps[0].metrics, truth["holds"][0]
    assert want["sway_hip_cm"] > 10  # the script sways: a path worth measuring
    assert got["sway_hip_cm"] == pytest.approx(want["sway_hip_cm"], rel=0.1)
    assert got["sway_shoulder_cm"] == pytest.approx(want["sway_shoulder_cm"], rel=0.1)
    assert got["sway_speed_cm_s"] == pytest.approx(want["sway_speed_cm_s"], rel=0.1)


def test_a_sudden_step_ends_the_hold_and_is_an_event():
    ex, events, truth = run((Hold(4.0, "step"),), "left", "side")
    want = truth["holds"][0]
    assert len(ex.reps) == 1
    assert abs(ex.reps[0].end_s - want["end_s"]) <= HOLD_TOLERANCE_S
    assert [e.kind for e in ex.balance_events] == ["step"]
    assert abs(ex.balance_events[0].time_s - want["event"]["time_s"]) <= 0.3
    assert any(e.kind == "balance_loss" for e in events)


def test_a_controlled_lowering_is_no_step():
    ex, events, _ = run((Hold(4.0, "lowered"),), "left", "side")
    assert not ex.balance_events and not [e for e in events if e.kind == "balance_loss"]


@pytest.mark.parametrize("view", ["side", "front"])
def test_a_fall_like_drop_ends_the_hold_and_is_an_event(view):
    ex, events, truth = run((Hold(3.0), Hold(4.0, "drop")), "right", view)
    want = truth["holds"][1]
    drop = [r for r in ex.reps if r.reason == "drop"]
    assert len(drop) == 1
    assert abs(drop[0].end_s - want["end_s"]) <= HOLD_TOLERANCE_S
    assert abs(drop[0].metrics["hold_s"] - want["hold_s"]) <= HOLD_TOLERANCE_S
    assert [e.kind for e in ex.balance_events] == ["drop"]
    assert abs(ex.balance_events[0].time_s - want["event"]["time_s"]) <= HOLD_TOLERANCE_S


def test_standing_on_the_other_leg_is_not_the_prescribed_hold():
    ex, _, _ = run((Hold(4.0),), "left", "side", side="right")
    assert ex.reps == []


@pytest.mark.parametrize("stance", ["left", "right"])
def test_a_session_with_a_step_and_a_drop_seen_from_the_side(stance):
    """Four holds in a row, one ended by a sudden step (the foot lands forward and out, nearer or
    further from the camera), one by a fall-like drop: every hold time within 0.2 s."""
    ex, _, truth = run((Hold(5.0), Hold(3.0, "step"), Hold(4.0, "drop"), Hold(8.3)), stance, "side")
    assert len(ex.reps) == 4
    for got, want in zip(ex.reps, truth["holds"]):
        assert abs(got.metrics["hold_s"] - want["hold_s"]) <= HOLD_TOLERANCE_S
        assert abs(got.start_s - want["start_s"]) <= HOLD_TOLERANCE_S
    assert [e.kind for e in ex.balance_events] == ["step", "drop"]
    assert abs(ex.balance_events[1].time_s - truth["holds"][2]["event"]["time_s"]) <= HOLD_TOLERANCE_S
