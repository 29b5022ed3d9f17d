"""Heel raises in the pictures where one foot landmark is not enough (true landmarks from the
generator, so every rep's truth is known): a side view with the far leg hidden behind the near
one and the upper body out of the picture, fast raises; a hold at the top of every raise; the
person turning round half-way through the set; small raises seen through landmark noise with
frames dropped by a busy computer. Exact counts in file mode and live (one causal pass)."""
from __future__ import annotations

import numpy as np
import pytest

from coach.pose.frame import PoseSeries
from coach.pose.landmarks import Landmark as L
from coach.synth import ClipSpec, generate
from tests.robustness import transforms as tf
from tests.robustness.tracks import counted, run

MODES = pytest.mark.parametrize("two_pass", [True, False], ids=["file", "live"])


def _clip(**kw):
    clip = generate(ClipSpec(exercise="heel-raise", **kw))
    return PoseSeries.from_frames(clip.poses, clip.size), clip.truth


def _far_side(series: PoseSeries) -> str:
    z = {s: np.nanmean(series.image[:, int(L[f"{s.upper()}_ANKLE"]), 2]) for s in ("left", "right")}
    return max(z, key=z.get)  # MediaPipe's z grows away from the camera


def _side_view(**kw):
    series, truth = _clip(view="side", **kw)
    return tf.far_leg_behind(series, _far_side(series)), truth


@MODES
def test_side_view_lower_body_only_fast_raises(two_pass):
    series, truth = _side_view(reps=5, tempo=1.6, seed=41)
    ex = run(tf.hide(series, tf.UPPER_BODY), "heel-raise", two_pass=two_pass)
    assert counted(ex) == truth.true_reps == 5
    assert not any("only" in w for w in ex.warnings), ex.warnings  # a bilateral raise is not one-sided


@MODES
def test_a_hold_at_the_top_of_every_raise(two_pass):
    series, truth = _side_view(reps=4, seed=42)
    for rep in reversed(truth.reps):  # from the last, so earlier peaks keep their times
        series = tf.hold_at(series, rep.peak_s, hold_s=3.0)
    ex = run(series, "heel-raise", two_pass=two_pass)
    assert counted(ex) == truth.true_reps == 4
    assert all(r.end_s - r.start_s > 3.0 for r in ex.reps if r.counted)  # each rep spans its hold


@MODES
def test_turning_round_half_way_through_the_set(two_pass):
    first, t1 = _side_view(reps=3, facing="right", seed=43, end_rest_s=0.6)
    second, t2 = _side_view(reps=3, facing="left", seed=44, start_rest_s=1.0)
    ex = run(tf.turn_round(first, second, turn_s=1.5), "heel-raise", two_pass=two_pass)
    assert counted(ex) == t1.true_reps + t2.true_reps == 6


@MODES
@pytest.mark.parametrize("view", ["front", "side"])
def test_small_raises_through_noise_and_dropped_frames(two_pass, view):
    # Every raise ~2.8 cm (40% of a full one: the person's own usual, so counted, each heel_low),
    # 1.5 px of noise at 480 px on every point, 40% of the frames lost.
    series, truth = _clip(view=view, reps=5, faults={i: ("heel_low",) for i in range(1, 6)}, seed=45)
    noisy = tf.drop_frames(tf.jitter(series, 0.003, seed=3), 0.4, seed=4)
    ex = run(noisy, "heel-raise", two_pass=two_pass)
    assert counted(ex) == truth.true_reps == 5


@MODES
def test_standing_still_through_noise_counts_nothing(two_pass):
    series, _ = _clip(view="front", reps=0, start_rest_s=6.0, end_rest_s=6.0, seed=46)
    ex = run(tf.jitter(series, 0.003, seed=5), "heel-raise", two_pass=two_pass)
    assert counted(ex) == 0


@pytest.mark.parametrize("name, spec", [
    # Side view, fast raises, and the camera low and close: the picture ends at the waist.
    ("side_fast_lower_body", dict(view="side", reps=4, tempo=1.5, figure_scale=1.25, seed=51)),
    ("side_fast", dict(view="side", reps=4, tempo=1.5, seed=52)),
])
def test_rendered_side_views_through_the_pose_model(tmp_path, name, spec):
    """The same classes drawn and read by MediaPipe (full), file mode: exact."""
    from coach.analysis import analyze_video
    from coach.synth import write_clip
    from tests.conftest import require_model

    require_model("full")
    clip = generate(ClipSpec(exercise="heel-raise", fps=25, size=(480, 360), **spec))
    path = tmp_path / f"{name}.mp4"
    write_clip(clip, path)
    result = analyze_video(path, "heel-raise", model="full")
    assert sum(r.counted for r in result.reps) == clip.truth.true_reps == 4
