"""The Timed Up and Go times the patient, the person seated at the start, whoever else is in view
(coach.pose.patient on the true landmarks of coach.synth.tug's second person: fast, no pose model)."""
import numpy as np
import pytest

from coach.pose.frame import PoseFrame
from coach.pose.patient import follow_patient
from coach.synth.tug import tug_clip
from coach.tug_video import tug_from_people

TIME_TOLERANCE_S = 0.3
PHASE_TOLERANCE_S = 0.5

_CLIPS: dict = {}


def clip(other: str):
    if other not in _CLIPS:
        view = "side" if other == "passer-by" else "oblique"
        _CLIPS[other] = tug_clip(view, fps=15.0, start_rest_s=4.0, other=other)
    return _CLIPS[other]


def people(c, swap_every: int = 1, drop=lambda t: False) -> list[list[PoseFrame]]:
    """Every frame's poses as a pose model returns them: in no fixed order (swapped every
    ``swap_every`` frames), the patient missing where ``drop(t)``."""
    out = []
    for i, (me, other) in enumerate(zip(c.poses, c.other_poses)):
        frame = [p for p in (me if not drop(me.timestamp_s) else None, other) if p is not None and p.has_person]
        out.append(frame[::-1] if (i // swap_every) % 2 else frame)
    return out


def times(c) -> np.ndarray:
    return np.array([p.timestamp_s for p in c.poses])


@pytest.mark.parametrize("other", ["passer-by", "companion"])
@pytest.mark.parametrize("swap_every", [1, 7])
def test_the_patient_is_followed_not_the_other_person(other, swap_every):
    c = clip(other)
    assert sum(p.has_person for p in c.other_poses) > c.fps  # the other person is in view for over a second
    track = follow_patient(people(c, swap_every), times(c))
    assert track.problem == "" and track.most_in_one_frame == 2
    mine = [i for i, p in enumerate(track.poses) if p.has_person]
    assert len(mine) == sum(p.has_person for p in c.poses)
    assert all(track.poses[i] is c.poses[i] for i in mine)


@pytest.mark.parametrize("other", ["passer-by", "companion"])
def test_the_time_and_phases_are_the_patients(other):
    c = clip(other)
    got = tug_from_people(people(c), times(c), c.size)
    truth = c.truth
    assert got.time_s == pytest.approx(truth["time_s"], abs=TIME_TOLERANCE_S)
    assert got.start_s == pytest.approx(truth["start_s"], abs=TIME_TOLERANCE_S)
    assert got.end_s == pytest.approx(truth["seated_s"], abs=TIME_TOLERANCE_S)
    for name, value in got.timing.phases.items():
        assert value == pytest.approx(truth["phases"][name], abs=PHASE_TOLERANCE_S), name


def test_the_patient_lost_at_the_turn_is_found_again_and_the_companion_is_not_taken_for_them():
    c = clip("companion")
    tr = c.truth
    gone = (tr["turn_start_s"] - 0.8, tr["turn_end_s"] + 0.8)
    track = follow_patient(people(c, drop=lambda t: gone[0] <= t <= gone[1]), times(c))
    assert track.tracklets_used == 2
    back = [i for i, p in enumerate(track.poses) if p.has_person and p.timestamp_s > gone[1]]
    assert back and all(track.poses[i] is c.poses[i] for i in back)
    assert not any(track.poses[i] is c.other_poses[i] for i in range(len(c.poses)))


def test_two_people_seated_who_both_get_up_are_refused():
    c = clip("companion")
    shift = np.array([0.3, 0.0, 0.0, 0.0])  # the same TUG again, a third of the picture to the right
    twin = [PoseFrame(p.timestamp_s, p.image + shift, p.world, p.size) if p.has_person else p for p in c.poses]
    track = follow_patient([[a, b] for a, b in zip(c.poses, twin)], times(c))
    assert track.problem and "cannot be told apart" in track.problem
    assert not any(p.has_person for p in track.poses)


def test_nobody_seated_at_the_start_is_refused():
    c = clip("passer-by")
    only_the_passer_by = [[p] if p.has_person else [] for p in c.other_poses]
    got = tug_from_people(only_the_passer_by, times(c), c.size)
    assert got.time_s is None and "seated" in got.problem


def _analysis(frames: list[list[PoseFrame]], c):
    """What ``coach analyze`` gives for ``frames``: the model's first pose of each frame."""
    from coach.analysis import AnalysisResult
    from coach.pose.frame import PoseSeries

    first = [f[0] if f else PoseFrame.empty(p.timestamp_s, c.size) for f, p in zip(frames, c.poses)]
    return AnalysisResult("sit-to-stand", "auto", "full", "clip", c.fps, len(first), c.duration_s, 1.0, [],
                          poses=PoseSeries.from_frames(first, c.size))


def test_coach_test_scores_the_patient_or_refuses():
    """``coach test timed-up-and-go``'s scoring with every pose of every frame: the patient's time,
    who was timed in the details; two seated people who both get up: no score, and why."""
    from coach.commands.validated import score

    c = clip("passer-by")
    frames = people(c)
    got = score("timed-up-and-go", _analysis(frames, c), 80, None, False, people=frames)
    assert got.value == pytest.approx(c.truth["time_s"], abs=TIME_TOLERANCE_S)
    assert got.details["people_in_view"] == 2 and "seated" in got.details["timed_person"]
    shift = np.array([0.3, 0.0, 0.0, 0.0])
    twin = [[p, PoseFrame(p.timestamp_s, p.image + shift, p.world, p.size)] if p.has_person else [] for p in c.poses]
    refused = score("timed-up-and-go", _analysis(twin, c), 80, None, False, people=twin)
    assert refused.value is None and "cannot be told apart" in refused.cannot_score


def test_while_the_patient_is_out_of_the_picture_someone_appearing_elsewhere_is_not_them():
    """The picture cropped so the far end of the walk is out of it (a partial exit at the turn, as
    in real clinic clips); while the patient is out, a standing person appears mid-picture and
    stays: the patient's track resumes only where they come back in, at the edge they left."""
    c = clip("companion")
    crop = np.array([1.6, 1.0, 1.6, 1.0])  # x stretched: the far end of the walk beyond the right edge
    hips = [23, 24]

    def cropped(p):
        if not p.has_person:
            return p
        q = PoseFrame(p.timestamp_s, p.image * crop, p.world, p.size)
        return q if q.image[hips, 0].mean() <= 1.0 else PoseFrame.empty(p.timestamp_s, p.size)
    mine = [cropped(p) for p in c.poses]
    gone = [p.timestamp_s for p, q in zip(c.poses, mine) if p.has_person and not q.has_person]
    assert gone and gone[-1] - gone[0] > 1.5
    stranger_from = gone[0] + 1.0  # appears a second after the patient left, in the middle, standing
    standing = next(p for p in c.poses if p.timestamp_s > c.truth["stand_s"] + 0.2)
    offset = np.array([0.5 - standing.image[hips, 0].mean(), 0.0, 0.0, 0.0])
    stranger = [PoseFrame(p.timestamp_s, standing.image + offset, standing.world, p.size) for p in c.poses]
    frames = [[m] * m.has_person + [s] * (s.timestamp_s >= stranger_from) for m, s in zip(mine, stranger)]
    track = follow_patient(frames, times(c))
    assert not any(p is s for p, s in zip(track.poses, stranger))
    back = [i for i, p in enumerate(mine) if p.has_person and p.timestamp_s > gone[-1]]
    assert sum(track.poses[i] is mine[i] for i in back) >= 0.9 * len(back)  # (passing the stranger, one is hidden)
    got = tug_from_people(frames, times(c), c.size)
    assert got.time_s == pytest.approx(c.truth["time_s"], abs=TIME_TOLERANCE_S)
