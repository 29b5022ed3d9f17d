"""Robustness on real motion: landmark tracks of the team's real clips, transformed in ways whose
effect on the human count is known. File mode (two passes) must give the human count every time.

The tracks were computed once from the real clips (``make_tracks.py``); the truth is the human
count in each track's ``meta``, never an earlier run of the coach.
"""
from __future__ import annotations

import pytest

from tests.robustness import transforms as tf
from tests.robustness.tracks import TRACKS, counted, load_track, run

ALL = sorted(p.stem for p in TRACKS.glob("*.npz"))
# Clips that start and end at rest (their notes say so), so two of them back to back are twice the reps.
AT_REST_BOTH_ENDS = ["sit_to_stand_frailtyvision_1", "squat_postopcv_1", "squat_squatanalysis_barbell_1",
                     "squat_fitnesscontent_jump_2"]


def _track(name):
    return load_track(TRACKS / f"{name}.npz")


def _count(series, meta, **kw) -> int:
    return counted(run(series, meta["exercise"], **kw))


@pytest.mark.parametrize("name", ALL)
def test_real_clip_counts_the_human_count(name):
    series, meta = _track(name)
    assert _count(series, meta) == meta["true_reps"]


@pytest.mark.parametrize("factor", [0.5, 2.0])
@pytest.mark.parametrize("name", ALL)
def test_time_stretch_slow_and_fast_movers(name, factor):
    series, meta = _track(name)
    assert _count(tf.time_stretch(series, factor), meta) == meta["true_reps"]


@pytest.mark.parametrize("name", ALL)
def test_random_frame_drops_30_percent(name):
    series, meta = _track(name)
    assert _count(tf.drop_frames(series, 0.3, seed=1), meta) == meta["true_reps"]


@pytest.mark.parametrize("name", ALL)
def test_wrist_tremor_5hz(name):
    series, meta = _track(name)
    assert _count(tf.tremor(series, hz=5.0), meta) == meta["true_reps"]


# The head turns alternate without a pause: a hole just after a return to the middle hides the
# next turn's start (the other way), so the two read as one excursion. Strict, so a fix shows up.
NO_REST_BETWEEN_REPS = pytest.mark.xfail(strict=True, reason="head_turn_sagorbme_1 turns on at once: the hole hides "
                                         "the passage through the middle and two turns merge")


@pytest.mark.parametrize("name", [pytest.param(n, marks=NO_REST_BETWEEN_REPS) if n.startswith("head_turn") else n
                                  for n in ALL])
def test_visibility_dropouts_after_reps(name):
    """Half-second holes right after each rep completes (the rest between reps)."""
    series, meta = _track(name)
    spans = [(t + 0.2, t + 0.7) for t in meta["rep_times_s"]]
    assert _count(tf.dropouts(series, spans), meta) == meta["true_reps"]


@pytest.mark.parametrize("name", ALL)
def test_left_right_mirror(name):
    series, meta = _track(name)
    assert _count(tf.mirror(series), meta) == meta["true_reps"]


@pytest.mark.parametrize("name", AT_REST_BOTH_ENDS)
def test_two_clips_back_to_back(name):
    series, meta = _track(name)
    assert _count(tf.back_to_back(series, series), meta) == 2 * meta["true_reps"]


@pytest.mark.parametrize("name", [n for n in ALL if len(_track(n)[1]["rep_times_s"]) >= 2])
def test_camera_knocked_between_reps(name):
    series, meta = _track(name)
    t1 = meta["rep_times_s"][0]
    shifted = tf.camera_shift(series, t1 + 0.4, dx=0.04, dy=-0.03, zoom=0.9)  # at rest; the body stays in frame
    assert _count(shifted, meta) == meta["true_reps"]


@pytest.mark.parametrize("name, cut_s", [
    ("sit_to_stand_frailtyvision_1", 0.75),  # mid-rise: full standing at ~1.1 s (human count)
    ("sit_to_stand_frailtyvision_tug_2", 0.85),  # rises 0.8-1.2 s
])
def test_start_cut_mid_rise_keeps_that_rep(name, cut_s):
    series, meta = _track(name)
    assert _count(tf.cut_before(series, cut_s), meta) == meta["true_reps"]


@pytest.mark.parametrize("name", ALL)
def test_never_a_silent_zero(name):
    """A real clip cut to its first second or two shows movement: a count or a reason, never neither."""
    series, meta = _track(name)
    ex = run(tf.cut_before(series, 0.0), meta["exercise"])
    assert counted(ex) > 0 or ex.warnings


@pytest.mark.parametrize("name", ALL)
def test_the_live_pass_at_half_the_frame_rate(name):
    """The live coach (one causal pass) on a camera giving every other frame (a slow laptop drops
    them) counts within one of the human count. Only the live pass's own limits are the one: a
    clip that starts mid-turn (head turns: the first turn comes before any straight ahead) and a
    barbell squat's small un-racking dip before the person's range is known. Before the head turn
    learned its straight ahead only after ``learn_middle_after_s``, this read 4 of 10 turns."""
    import numpy as np

    from coach.pose.frame import PoseSeries

    series, meta = _track(name)
    keep = np.arange(0, len(series.timestamps_s), 2)
    half = PoseSeries(series.timestamps_s[keep], series.image[keep], series.world[keep], series.size)
    assert abs(counted(run(half, meta["exercise"], two_pass=False)) - meta["true_reps"]) <= 1
