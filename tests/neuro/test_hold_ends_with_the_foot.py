"""A hold ends when the lifted foot comes down, not with the recording: a small, 10 frames/s
front view whose recording stops half a second after the foot came down, the foot put down a
little behind where it was (so by perspective it reads slightly above its floor level) and
landmark noise, so the coach never saw it stand still long enough to confirm the touchdown.
Truth from the generator (coach.synth.scripts.single_leg_stance)."""
import pytest

from coach.pose.frame import PoseSeries
from coach.pose.landmarks import Landmark as L
from coach.synth.extended import generate_ext
from coach.synth.scripts.single_leg_stance import Hold, script
from exercises.single_leg_stance import SPEC
from tests.robustness import transforms as tf

TOLERANCE_S = 0.3  # the team's target for holds on real video


def _free_foot_put_down_behind(s: PoseSeries, free: str, after_s: float, shank_share: float) -> PoseSeries:
    out = tf.hide(s, [], 0.0)  # a copy
    shank = abs(s.image[0, int(L[f"{free.upper()}_KNEE"]), 1] - s.image[0, int(L[f"{free.upper()}_ANKLE"]), 1])
    late = s.timestamps_s >= after_s
    for part in ("ANKLE", "HEEL", "FOOT_INDEX"):
        out.image[late, int(L[f"{free.upper()}_{part}"]), 1] -= shank_share * shank
    return out


@pytest.mark.parametrize("tail_s", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_hold_cut_short_by_the_recording_ends_where_the_foot_came_down(tail_s, seed):
    tl, truth = script((Hold(4.0),), "left")
    clip = generate_ext(tl, truth, "front", fps=10, size=(320, 240), figure_scale=0.6)
    want = truth["holds"][0]
    s = PoseSeries.from_frames(clip.poses, clip.size)
    s = _free_foot_put_down_behind(s, "right", want["end_s"], 0.07)  # between contact (0.05) and up (0.1)
    keep = s.timestamps_s <= want["end_s"] + tail_s
    s = tf.jitter(PoseSeries(s.timestamps_s[keep], s.image[keep], s.world[keep], s.size), 0.003, seed=seed)
    ex = SPEC.machine(SPEC)
    for pose in s:
        ex.update(pose)
    ex.finish(float(s.timestamps_s[-1]))
    assert len(ex.reps) == 1
    got = ex.reps[0]
    assert abs(got.end_s - want["end_s"]) <= TOLERANCE_S
    assert abs(got.metrics["hold_s"] - want["hold_s"]) <= TOLERANCE_S
