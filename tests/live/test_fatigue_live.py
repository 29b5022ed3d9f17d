"""Fatigue through the live session on true landmarks (no pose model) and once on a rendered clip
read by MediaPipe: generated sets of 9 whose last third is 20/30/40% slower (or 30% smaller) are
found within two reps of where the generator put the change, with the evidence in the event and
the set; steady and paced sets say nothing."""
import numpy as np
import pytest

from coach.live import LiveSession, SetPlan
from coach.live.pacer import LivePacer
from coach.pipeline import Pipeline
from coach.sources import TimedFrame
from coach.synth import ClipSpec, generate
from coach.synth.extended import generate_ext
from coach.synth.scripts.head_turn import Turn, script
from exercises import get_spec
from exercises.fatigue import from_detail
from exercises.pacing import Tempo
from tests.live.conftest import TruthEstimator

IMAGE = np.full((240, 320, 3), 90, np.uint8)
REPS, ONSET = 9, 7  # the last third: reps 7-9 (the shortest set judged: 8 after the first)


def run(clip, exercise: str, pacer=None) -> tuple[LiveSession, list]:
    spec = get_spec(exercise)
    session = LiveSession(Pipeline(TruthEstimator(clip.poses, clip.fps), spec.machine(spec)), exercise,
                          plan=SetPlan(sets=1, reps=REPS, rest_s=0, skip_countdown=True, setup_gate=False),
                          clock=lambda: 0.0, pacer=pacer)
    reps = []
    for i, p in enumerate(clip.poses):
        reps += [r for r in session.push(TimedFrame(i, p.timestamp_s, IMAGE), captured_at=0.0).reps if r.counted]
    session.finish()
    return session, reps


def slowed(slower: float):
    """Sit-to-stands whose reps from ONSET on are ``slower`` longer (the generator's rep tempo)."""
    tempo = {k: 1 / (1 + slower) for k in range(ONSET, REPS + 1)} if slower else {}
    return generate(ClipSpec(exercise="sit-to-stand", view="side", reps=REPS, fps=30, size=(320, 240), seed=4,
                             rep_tempo=tempo))


@pytest.mark.parametrize("slower", [0.2, 0.3, 0.4])
def test_a_slowdown_is_said_within_two_reps_of_where_the_generator_put_it(slower):
    session, reps = run(slowed(slower), "sit-to-stand")
    [event] = [e for e in session.events if e.kind == "fatigue"]
    text, finding = from_detail(event.detail)
    assert finding is not None and finding.reason == "slower"
    assert ONSET <= finding.found_at_rep <= ONSET + 2 and abs(finding.onset_rep - ONSET) <= 2
    assert event.time_s == pytest.approx(reps[finding.found_at_rep - 1].end_s)
    assert finding.change == pytest.approx(slower, abs=0.05)
    [s] = session.sets.results
    assert s.fatigue == text and s.fatigue_evidence["onset_rep"] == finding.onset_rep
    assert len(s.fatigue_evidence["values"]) == finding.found_at_rep


def test_steady_and_paced_sets_say_nothing():
    steady, _ = run(slowed(0.0), "sit-to-stand")
    assert not [e for e in steady.events if e.kind == "fatigue"]
    paced, _ = run(slowed(0.4), "sit-to-stand", pacer=LivePacer.for_exercise("sit-to-stand", Tempo(3.0)))
    assert not [e for e in paced.events if e.kind == "fatigue"]  # the beat sets the speed: slowing is not fatigue


def test_a_loss_of_range_in_head_turns_is_said():
    degrees = [45.0] * (ONSET - 1) + [45.0 * 0.7] * (REPS - ONSET + 1)
    tl, truth = script(tuple(Turn("left" if k % 2 == 0 else "right", d, pause_s=0.6) for k, d in enumerate(degrees)))
    session, reps = run(generate_ext(tl, truth, "front", size=(320, 240)), "head-turn")
    assert len(reps) == REPS
    [event] = [e for e in session.events if e.kind == "fatigue"]
    _, finding = from_detail(event.detail)
    assert finding.reason == "smaller" and ONSET <= finding.found_at_rep <= ONSET + 2
    assert finding.change == pytest.approx(0.3, abs=0.06)
    assert session.cue_engine is not None and "smaller" in event.detail


def test_a_rendered_20_percent_slowdown_through_the_pose_model(lite_estimator_factory):
    """The smallest required slowdown, drawn and read back by MediaPipe (lite), through the live
    session (about 30 s). Measured once the same way: 30% and 40% found at rep 9 (onset 7) too,
    and the steady set said nothing."""
    clip = slowed(0.2)
    spec = get_spec("sit-to-stand")
    session = LiveSession(Pipeline(lite_estimator_factory(), spec.machine(spec)), "sit-to-stand",
                          plan=SetPlan(sets=1, reps=REPS, rest_s=0, skip_countdown=True, setup_gate=False),
                          clock=lambda: 0.0)
    reps = []
    for i, image in enumerate(clip.frames()):
        reps += [r for r in session.push(TimedFrame(i, i / clip.fps, image), captured_at=0.0).reps if r.counted]
    session.finish()
    assert len(reps) == REPS
    [event] = [e for e in session.events if e.kind == "fatigue"]
    _, finding = from_detail(event.detail)
    assert ONSET <= finding.found_at_rep <= ONSET + 2 and abs(finding.onset_rep - ONSET) <= 2
    assert finding.change == pytest.approx(0.2, abs=0.05)
