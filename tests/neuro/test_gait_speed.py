"""Gait speed (issue 22 item 5) on the generator's true landmarks: each walk's speed and the moments
the hips cross the marks against the script's truth, both scales (the person's height, the marks'
places in the picture), both directions, the usual and the fast pace as two trials; a walk that
leaves the picture before the far mark, a camera too close and a body never seen whole are refused
in plain words; the norms read from the one norms table."""
from __future__ import annotations

from argparse import Namespace

import pytest

from coach.smoothing import PoseSmoother
from coach.synth.gait import gait_clip
from exercises import norms
from exercises import validated_tests as vt
from exercises.gait_speed import time_gait

FPS = 20.0  # the test's own minimum frame rate (catalogue: min_fps)
_CLIPS: dict[tuple, object] = {}


def clip(**kw):
    """One generated walk per set of arguments, shared by the tests of this module."""
    key = tuple(sorted(kw.items()))
    if key not in _CLIPS:
        _CLIPS[key] = gait_clip(fps=FPS, **kw)
    return _CLIPS[key]


def smoothed(c):
    smoother = PoseSmoother()
    return [smoother.apply(p) for p in c.poses]


def scored(c, **kw):
    poses = smoothed(c)
    return vt.score_test("gait-speed", [], c.duration_s, poses=poses, timestamps_s=[p.timestamp_s for p in poses],
                         person_found=[p.has_person for p in poses], **kw)


@pytest.mark.parametrize("kw", [{}, {"speeds": (0.5, 0.9)}, {"facing": "left"}, {"speeds": (0.3,), "height_m": 1.55}],
                         ids=["1.2-1.6", "slow", "walks-left-first", "household-short"])
@pytest.mark.parametrize("scale", ["height", "marks"])
def test_each_walk_is_timed_between_the_marks(kw, scale):
    c = clip(**kw)
    truth = c.truth
    given = {"height_m": truth["height_m"]} if scale == "height" else {"marks_x": tuple(truth["marks_x"])}
    timing = time_gait(c.poses, course_m=truth["course_m"], **given)
    assert not timing.problem and timing.calibration == scale
    assert [t.pace for t in timing.trials] == ["usual", "fast"][:len(truth["passes"])]
    for got, want in zip(timing.trials, truth["passes"]):
        assert got.speed_m_s == pytest.approx(want["speed_m_s"], abs=0.01), (got, want)
        assert got.cross_s == pytest.approx(want["cross_s"], abs=0.02)  # a frame is 0.05 s
        assert got.direction == want["direction"] * (1 if truth["facing"] == "right" else -1)
    assert timing.m_per_px == pytest.approx(truth["m_per_px"], rel=0.01)


def test_the_score_is_the_usual_pace_with_the_fast_one_beside_it_and_the_norms():
    c = clip()
    result = scored(c, height_m=1.70, age=72, sex="f")
    usual, fast = c.truth["passes"]
    assert result.value == pytest.approx(usual["speed_m_s"], abs=0.02) and result.unit == "m/s"
    assert result.details["fast_speed_m_s"] == pytest.approx(fast["speed_m_s"], abs=0.02)
    assert result.details["usual_time_s"] == pytest.approx(usual["time_s"], abs=0.05)
    assert result.trust == "ok" and result.timing_uncertainty_s == pytest.approx(2 / FPS, abs=0.01)
    assert "1.13 m/s" in result.norm and "Bohannon" in result.norm  # women 70-79 (CLINICAL.md)
    assert "community walker" in result.interpretation and "Perera 2006" in result.interpretation
    assert not vt.implausible(result)


def test_a_household_walker_is_flagged_and_one_walk_leaves_the_fast_pace_untimed():
    c = clip(speeds=(0.3,), height_m=1.55)
    result = scored(c, height_m=1.55, age=85, sex="m")
    assert result.value == pytest.approx(0.3, abs=0.01)
    assert "household_walker" in result.flags
    assert "fast_speed_m_s" not in result.details and "no second walk" in result.details["fast_problem"]
    assert "0.97 m/s" in result.norm  # men 80-99


def test_a_walk_that_leaves_the_picture_before_the_far_mark_is_not_scored():
    # The camera moved 2.5 m along the walk: the second mark is outside the picture.
    c = clip(camera_offset_m=-2.5)
    assert max(c.truth["marks_x"]) > 1.0
    result = scored(c, marks_x=tuple(c.truth["marks_x"]))
    assert result.value is None and "leaves the picture before the far mark" in result.cannot_score
    # by height the course is centred on the picture, which here starts behind where the walk starts
    assert "first seen past the first mark" in scored(c, height_m=1.70).cannot_score


def test_a_walker_lost_between_the_marks_is_refused_and_the_next_walk_is_still_the_fast_one():
    from coach.pose.frame import PoseFrame

    c = clip()
    a, b = c.truth["passes"][0]["cross_s"]
    hidden = [PoseFrame.empty(p.timestamp_s, p.size) if a + 1.0 <= p.timestamp_s <= a + 2.0 else p for p in c.poses]
    timing = time_gait(hidden, height_m=1.70)
    usual, fast = timing.trials
    assert usual.speed_m_s is None and "not seen before the far mark (for 1." in usual.problem
    assert fast.speed_m_s == pytest.approx(c.truth["passes"][1]["speed_m_s"], abs=0.01)


def test_a_camera_too_close_for_the_course_is_not_scored():
    c = clip(view_m=3.2)
    result = scored(c, height_m=1.70)
    assert result.value is None and "shows only 3.2 m of the walk" in result.cannot_score
    assert "further back" in result.cannot_score


def test_a_walker_never_seen_whole_is_not_scored_by_height():
    c = clip(feet_y=1.08)  # the feet below the picture's bottom edge all along
    result = scored(c, height_m=1.70)
    assert result.value is None and "never seen whole, head to feet" in result.cannot_score
    # the marks' places need no whole body: the same walk is timed from them
    timed = scored(c, marks_x=tuple(c.truth["marks_x"]))
    assert timed.value == pytest.approx(c.truth["passes"][0]["speed_m_s"], abs=0.02)


def test_no_scale_no_walk_and_a_walk_begun_past_the_first_mark_say_why():
    c = clip()
    assert "scale is unknown" in scored(c).cannot_score
    late = [p for p in c.poses if p.timestamp_s >= c.truth["passes"][0]["cross_s"][0] + 0.5]
    timing = time_gait(late, height_m=1.70)
    assert "first seen past the first mark" in timing.trials[0].problem
    still = [p for p in c.poses if p.timestamp_s < c.truth["passes"][0]["start_s"]]
    assert "no walk across the marks" in time_gait(still, height_m=1.70).problem


def test_the_gait_norms_are_the_ones_in_clinical_md():
    assert norms.gait_reference(65, "m") == (1.34, "male, 60-69 years")
    assert norms.gait_reference(75, "female") == (1.13, "female, 70-79 years")
    assert norms.gait_reference(90, "f") == (0.94, "female, 80-99 years")
    assert norms.gait_reference(50, "f") is None and norms.gait_reference(70, None) is None
    assert [norms.gait_category(v) for v in (0.39, 0.4, 0.8, 0.81)] == [
        "household walker", "limited community walker", "limited community walker", "community walker"]
    assert norms.GAIT_MEANINGFUL_CHANGE_M_S == (0.05, 0.10)
    assert {n.source.split(",")[0] for n in norms.condition_norms("gait-speed", "stroke")} == {
        "Perry et al. 1995", "Tilson et al. 2010"}
    assert vt.interpret("gait-speed", 0.6, 72, "m").flags == ("limited_community_walker",)


def test_the_command_line_needs_a_scale_before_it_analyses():
    from coach.commands.validated import _gait_setup

    args = Namespace(height_cm=None, course_m=4.0, marks=None)
    with pytest.raises(ValueError, match="needs the person's height"):
        _gait_setup(args, None)
    assert _gait_setup(Namespace(height_cm=170.0, course_m=4.0, marks=None), None) == {
        "height_m": 1.7, "course_m": 4.0, "marks_x": None}
    assert _gait_setup(Namespace(height_cm=None, course_m=10.0, marks="0.2,0.8"), None)["marks_x"] == (0.2, 0.8)
    for bad in (Namespace(height_cm=40.0, course_m=4.0, marks=None),
                Namespace(height_cm=None, course_m=4.0, marks="0.5"),
                Namespace(height_cm=170.0, course_m=0.2, marks=None)):
        with pytest.raises(ValueError):
            _gait_setup(bad, None)


def test_the_command_line_keeps_the_recordings_warnings_not_the_tracking_exercises():
    from coach.commands.validated import recording_warnings

    said = ["two people were in view for about 3 s: only the reps of the person on the left were counted",
            "Freezing at 4.1 s: 3.0 s without a step", "9 movements not counted (most often: a smaller movement)",
            "the video ended early (100 of 120 frames): it may be truncated"]
    assert recording_warnings(said) == [said[0], said[3]]


def test_coach_synth_writes_the_walk_and_its_truth(tmp_path):
    import json

    from coach.synth.cli import main as synth_main

    rc = synth_main(["--test", "gait-speed", "--walk-speeds", "1.0,1.5", "--size", "320x180", "--fps", "4",
                     "--out", str(tmp_path)])
    assert rc == 0 and (tmp_path / "gait_speed_side.mp4").stat().st_size > 0
    truth = json.loads((tmp_path / "gait_speed_side.json").read_text())
    assert truth["test"] == "gait-speed" and [p["speed_m_s"] for p in truth["passes"]] == [1.0, 1.5]
    assert [p["pace"] for p in truth["passes"]] == ["usual", "fast"] and truth["course_m"] == 4.0
    assert all(p["time_s"] == pytest.approx(4.0 / p["speed_m_s"], abs=0.002) for p in truth["passes"])


def _sampled(c, count: int = 25):
    import numpy as np

    return list(c.frames(only=np.linspace(0, len(c.poses) - 1, count).astype(int)))


@pytest.mark.parametrize("kw", [{}, {"facing": "left", "seed": 4, "height_m": 1.55}, {"view_m": 9.0}],
                         ids=["default", "left-short", "wider"])
def test_the_tape_marks_are_found_where_the_generator_drew_them(kw):
    from coach.gait_marks import find_marks

    c = clip(**kw)
    found = find_marks(_sampled(c), c.poses)
    assert found.marks_x == pytest.approx(sorted(c.truth["marks_x"]), abs=0.002), found  # 2 px of 960
    timing = time_gait(c.poses, marks_x=found.marks_x)
    assert [t.speed_m_s for t in timing.trials] == pytest.approx([p["speed_m_s"] for p in c.truth["passes"]], abs=0.01)


def test_a_floor_without_tape_says_no_mark_was_found():
    from coach.gait_marks import find_marks
    from coach.synth.render import Renderer

    c = clip()
    bare = Renderer(c.look, c.scene, c.chair)  # the same walk drawn without the tape
    frames = [bare.draw(c.skeletons[i], i, c.far_sides[i]) for i in range(0, len(c.poses), len(c.poses) // 25)]
    found = find_marks(frames, c.poses)
    assert found.marks_x is None and "no mark found" in found.why
    assert "not seen walking" in find_marks(frames, [p for p in c.poses if not p.has_person]).why
