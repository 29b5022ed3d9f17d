"""A validated test with a second person in view is scored on the patient or refused, never on
the other person (true landmarks from the generator, no pose model): the patient sits and does
five sit-to-stands; someone else stands nearer the camera doing squats, and the pose model's first
pose is theirs."""
from types import SimpleNamespace

import pytest

from coach.commands.validated import score
from coach.pose.frame import PoseFrame, PoseSeries
from coach.smoothing import PoseSmoother
from coach.synth import ClipSpec, generate
from exercises import create_exercise


def _scene():
    patient = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=5, center_x=0.3, seed=61))
    other = generate(ClipSpec(exercise="squat", view="side", reps=6, center_x=0.75, seed=62, tempo=1.3))
    n = len(patient.poses)
    others = [other.poses[i] if i < len(other.poses) else PoseFrame.empty(p.timestamp_s, patient.size)
              for i, p in enumerate(patient.poses)]
    others = [PoseFrame(p.timestamp_s, o.image, o.world, patient.size) if o.has_person else o
              for p, o in zip(patient.poses, others)]
    people = [[o, p] if o.has_person else [p] for p, o in zip(patient.poses, others)]  # the other first
    return patient, others, people, n


def _analysis_of(poses, size):
    """What file mode made of the model's first pose: the other person's movements."""
    smoother = PoseSmoother()
    smoothed = [smoother.apply(p) for p in poses]
    ex = create_exercise("sit-to-stand", side="both")
    for p in smoothed:
        ex.update(p)
    ex.finish(smoothed[-1].timestamp_s)
    reps = ex.second_pass(smoothed).reps
    return SimpleNamespace(poses=PoseSeries.from_frames(poses, size), reps=reps, side="both",
                           duration_s=poses[-1].timestamp_s + 1 / 30, counted_person="the person on the right",
                           orientation_problem="")


def test_five_times_sit_to_stand_is_timed_on_the_person_seated_at_the_start():
    patient, others, people, _ = _scene()
    wrong = _analysis_of(others, patient.size)
    truth = patient.truth.reps
    true_time = truth[4].end_s - truth[0].start_s
    got = score("five-times-sts", wrong, age=70, sex="f", parkinsons=False, people=people)
    assert got.cannot_score == ""
    assert got.value == pytest.approx(true_time, abs=0.5)
    assert got.details["people_in_view"] == 2


def test_without_a_look_at_everyone_two_people_are_not_scored():
    patient, others, _, _ = _scene()
    got = score("five-times-sts", _analysis_of(others, patient.size), age=70, sex="f", parkinsons=False)
    assert got.value is None and "two people" in got.cannot_score
