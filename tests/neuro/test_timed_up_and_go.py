"""Timed Up and Go on true landmarks against the generator's truth, and on the real TUG track."""
from pathlib import Path

import pytest

from coach.smoothing import PoseSmoother
from coach.synth.extended import generate_ext
from coach.synth.scripts.timed_up_and_go import script
from exercises.validated_tests import interpret, score_test, timed_up_and_go
from exercises.tug import PHASES, time_up_and_go
from tests.robustness.tracks import TRACKS, load_track

TIME_TOLERANCE_S = 0.3  # issue 12: the TUG time within 0.3 s of the generator
PHASE_TOLERANCE_S = 0.35
WIDE = dict(size=(960, 540), figure_scale=0.38, center_x=0.25)  # chair and the whole 3 m path in view


def tug(view_kw=WIDE, **script_kw):
    tl, truth = script(**script_kw)
    clip = generate_ext(tl, truth, "side", **view_kw)
    return time_up_and_go(clip.poses), truth


@pytest.mark.parametrize("kw", [{}, {"speed": 1.25}, {"speed": 0.8, "walk_s": 4.5}, {"walk_s": 6.0}])
def test_tug_time_and_phases_match_the_generator(kw):
    got, truth = tug(**kw)
    assert got.time_s == pytest.approx(truth["time_s"], abs=TIME_TOLERANCE_S)
    assert got.start_s == pytest.approx(truth["start_s"], abs=TIME_TOLERANCE_S)
    assert got.seated_s == pytest.approx(truth["seated_s"], abs=TIME_TOLERANCE_S)
    assert set(got.phases) == set(PHASES)
    for name in PHASES:
        assert got.phases[name] == pytest.approx(truth["phases"][name], abs=PHASE_TOLERANCE_S), name
    assert got.unseen_s == 0.0


def test_a_walk_out_of_the_picture_is_timed_but_its_turn_is_not_guessed():
    narrow = dict(size=(640, 480), figure_scale=0.6, center_x=0.3, drop_outside=True)
    got, truth = tug(narrow)
    assert got.time_s == pytest.approx(truth["time_s"], abs=TIME_TOLERANCE_S)
    assert got.unseen_s > 2.0
    assert got.phases["turn"] is None and got.phases["walk_out"] is None
    assert got.phases["stand_up"] == pytest.approx(truth["phases"]["stand_up"], abs=PHASE_TOLERANCE_S)


def test_a_recording_that_ends_before_the_sit_is_not_timed():
    tl, truth = script()
    clip = generate_ext(tl, truth, "side", **WIDE)
    cut = [p for p in clip.poses if p.timestamp_s < truth["sit_turn_s"]]
    got = time_up_and_go(cut)
    assert got.time_s is None and "sat down" in got.problem


def test_the_real_tug_clip_against_a_reading_of_its_frames():
    """sit_to_stand_frailtyvision_tug_2, read frame by frame (the team's TIMED_TRUTH.tsv): the forward
    lean's onset at 0.57 s, he stands by ~1.3 s, turns at the cone ~2.6-3.4 s, turns back to the
    chair from ~4.8 s and his buttocks meet the seat at 5.93 s: a TUG of 5.36 s."""
    series, _ = load_track(Path(TRACKS) / "sit_to_stand_frailtyvision_tug_2.npz")
    smoother = PoseSmoother()
    got = time_up_and_go([smoother.apply(f) for f in series])
    assert got.start_s == pytest.approx(0.57, abs=0.15)
    assert got.seated_s == pytest.approx(5.93, abs=0.15)
    assert got.time_s == pytest.approx(5.36, abs=TIME_TOLERANCE_S)
    assert all(got.phases[name] is not None for name in PHASES)  # he stays in view throughout
    turn = got.phase_times["turn"]
    assert 2.3 <= turn[0] <= 2.9 and 3.2 <= turn[1] <= 3.8


@pytest.mark.parametrize("time_s,age,flags", [(8.0, 65, []), (9.5, 65, ["below_norm"]), (10.0, 75, []),
                                              (14.0, 85, ["below_norm", "fall_risk"]), (12.0, 85, [])])
def test_tug_norms(time_s, age, flags):
    got = interpret("timed-up-and-go", time_s, age)
    assert list(got.flags) == flags
    assert "Bohannon 2006" in got.interpretation and got.label == "Timed Up and Go"


def test_the_score_is_a_test_result():
    import numpy as np

    tl, truth = script(walk_s=5.0)
    clip = generate_ext(tl, truth, "side", **WIDE)
    got = timed_up_and_go(clip.poses, age=72, walking_aid="stick")
    assert got.test == "timed-up-and-go" and got.unit == "s" and got.trust == "ok"
    assert got.value == pytest.approx(truth["time_s"], abs=TIME_TOLERANCE_S)
    assert "walking_aid" in got.flags and got.details["walking_aid"] == "stick"
    assert set(got.details["phases"]) == set(PHASES)
    nobody = timed_up_and_go(clip.poses[:10])
    assert nobody.value is None and nobody.flags == ("cannot_score",) and nobody.cannot_score
    # Through the one entry point, with the recording's frame times checked.
    times = np.array([p.timestamp_s for p in clip.poses])
    checked = score_test("tug", [], times[-1], poses=clip.poses, timestamps_s=times,
                         person_found=np.ones(len(times), bool), age=72)
    assert checked.value == got.value and checked.timing_uncertainty_s is not None
    coarse = score_test("timed-up-and-go", [], times[-1], poses=clip.poses[::3], timestamps_s=times[::3],
                        person_found=np.ones(len(times[::3]), bool))
    assert coarse.value is None and "frame" in coarse.cannot_score


@pytest.mark.parametrize("kw", [{}, {"speed": 0.8, "walk_s": 4.5}])
def test_tug_with_landmark_jitter(kw):
    """1 px image and 5 mm world jitter through the One Euro smoother: still within 0.3 s. (At
    2 px a slow rise's onset reads ~0.3 s late and the total can be 0.5 s short.)"""
    import numpy as np

    from coach.pose.frame import PoseFrame

    tl, truth = script(**kw)
    clip = generate_ext(tl, truth, "side", **WIDE)
    rng = np.random.default_rng(0)
    smoother = PoseSmoother()
    poses = []
    for p in clip.poses:
        img = p.image.copy()
        img[:, 0] += rng.normal(0, 1.0 / p.size[0], 33)
        img[:, 1] += rng.normal(0, 1.0 / p.size[1], 33)
        poses.append(smoother.apply(PoseFrame(p.timestamp_s, img, p.world + rng.normal(0, 0.005, (33, 3)), p.size)))
    got = time_up_and_go(poses)
    assert got.time_s == pytest.approx(truth["time_s"], abs=TIME_TOLERANCE_S)
    for name in PHASES:
        assert got.phases[name] == pytest.approx(truth["phases"][name], abs=PHASE_TOLERANCE_S), name


@pytest.mark.parametrize("time_s,uncertainty_s,risk", [(12.9, 0.55, "no"), (13.2, 0.55, "cannot classify"),
                                                       (13.6, 0.55, "cannot classify"), (14.1, 0.55, "yes"),
                                                       (13.5, 2.0, "cannot classify"), (13.5, 0.0, "yes")])
def test_the_fall_risk_flag_is_given_only_when_the_time_is_clear_of_the_cut_off(time_s, uncertainty_s, risk):
    from exercises.validated_tests import interpret_tug, tug_fall_risk

    assert tug_fall_risk(time_s, uncertainty_s) == risk
    got = interpret_tug(time_s, 75, uncertainty_s)
    assert ("fall_risk" in got.flags) == (risk == "yes")
    assert ("cannot classify" in got.interpretation) == (risk == "cannot classify")


def test_a_time_just_under_the_cut_off_is_not_flagged_as_fall_risk():
    """A slow TUG (~13.2 s, under 13.5 s): its own uncertainty (frames, the camera-vs-expert spread
    of CLINICAL.md) spans the cut-off, so no fall-risk flag, and the words say so."""
    tl, truth = script(walk_s=4.3)
    got = timed_up_and_go(generate_ext(tl, truth, "side", **WIDE).poses, age=80)
    assert truth["time_s"] < 13.5 and got.value == pytest.approx(truth["time_s"], abs=TIME_TOLERANCE_S)
    assert got.timing_uncertainty_s >= 0.5
    assert "fall_risk" not in got.flags and got.details["fall_risk"] == "cannot classify"
    assert "cannot classify" in got.interpretation
