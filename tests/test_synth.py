"""The synthetic clip generator: truth consistency and true-landmark geometry (no rendering)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from coach.pose.landmarks import Landmark as L
from coach.synth import EXERCISES, ClipSpec, generate, load_truth
from coach.synth.cli import main as synth_main
from exercises import get_spec
from exercises.faults import FAULTS


def angle(p: np.ndarray, a: L, v: L, b: L) -> float:
    x, y = p[a] - p[v], p[b] - p[v]
    return float(np.degrees(np.arccos(np.dot(x, y) / np.linalg.norm(x) / np.linalg.norm(y))))


def trunk_flexion_deg(world: np.ndarray) -> float:
    """Sagittal trunk lean from vertical (world y is down)."""
    hip = (world[L.LEFT_HIP] + world[L.RIGHT_HIP]) / 2
    sh = (world[L.LEFT_SHOULDER] + world[L.RIGHT_SHOULDER]) / 2
    v = sh - hip
    return float(np.degrees(np.arctan2(np.hypot(v[0], v[2]), -v[1])))


def frame_at(clip, t: float) -> int:
    return min(int(round(t * clip.fps)), len(clip.poses) - 1)


REP_EXERCISES = [name for name in EXERCISES if not get_spec(name).timed_hold]
HOLD_EXERCISES = [name for name in EXERCISES if get_spec(name).timed_hold]


@pytest.mark.parametrize("exercise", REP_EXERCISES)
@pytest.mark.parametrize("view", ["side", "front"])
def test_truth_is_consistent(exercise, view):
    spec = ClipSpec(exercise=exercise, view=view, reps=3, partial_reps=(2,), fps=25, size=(480, 360),
                    pauses_s={3: 1.5}, rep_tempo={4: 1.6})
    clip = generate(spec)
    t = clip.truth
    assert t.fps == 25 and t.size == (480, 360) and clip.size == (480, 360)
    assert len(clip.poses) == t.frames and t.duration_s == pytest.approx(t.frames / 25)
    # A partial reach (short lean) is still a reach out and back: it counts, with short_range.
    partial_counts = exercise == "reach"
    assert t.true_reps == 3 + partial_counts and len(t.reps) == 4
    assert [r.counted for r in t.reps] == [True, partial_counts, True, True]
    assert [r.index for r in t.reps] == [1, 2, 3, 4]
    assert all(p.size == (480, 360) and p.has_person for p in clip.poses)
    assert t.reps[0].start_s >= spec.start_rest_s - 1e-6  # quiet calibration period first
    for prev, rep in zip(t.reps, t.reps[1:]):
        assert prev.end_s <= rep.start_s
    assert t.reps[3].start_s - t.reps[2].end_s > 1.5  # the requested pause
    assert (t.reps[3].end_s - t.reps[3].start_s) < (t.reps[0].end_s - t.reps[0].start_s) / 1.4  # faster rep
    for rep in t.reps:
        assert 0 < rep.start_s < rep.peak_s < rep.end_s < t.duration_s - 0.9
        assert all(code in FAULTS for code in rep.faults)
    assert t.reps[1].faults  # the partial attempt names its fault
    assert not t.reps[0].faults


def test_sit_to_stand_truth_and_json(tmp_path):
    spec = ClipSpec(exercise="sit-to-stand", reps=5, partial_reps=(3,),
                    faults={2: ("trunk_flexion",), 4: ("hands_on_thighs",), 6: ("uncontrolled_sit",)})
    clip = generate(spec)
    t = clip.truth
    assert t.true_reps == 5
    assert t.reps[2].faults == ("incomplete_stand",) and t.reps[2].stand_s is None
    assert t.reps[1].faults == ("trunk_flexion",) and t.reps[3].faults == ("hands_on_thighs",)
    counted = [r for r in t.reps if r.counted]
    # 5xSTS stops when the buttocks touch the seat (seated_s), before the trunk is back upright
    assert t.test_time_s == pytest.approx(counted[4].seated_s - t.reps[0].start_s, abs=1e-3)
    for r in counted:
        assert r.start_s < r.stand_s < r.seated_s < r.end_s
        assert r.end_s - r.seated_s < 0.5
    fast = t.reps[5]
    assert fast.metrics["descent_s"] * 3 <= fast.metrics["rise_s"] + 1e-6
    d = t.to_dict()
    for key in ("exercise", "view", "side", "fps", "frames", "duration_s", "size", "true_reps", "reps",
                "test_time_s", "spec"):
        assert key in d
    json.dumps(d)
    path = tmp_path / "t.json"
    t.save(path)
    again = load_truth(path)
    assert again == t
    assert ClipSpec.from_dict(again.spec) == spec


def test_sit_to_stand_geometry():
    clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=2, faults={2: ("trunk_flexion",)}))
    t = clip.truth
    seated = clip.poses[0].world
    assert 80 < angle(seated, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE) < 100
    standing = clip.poses[frame_at(clip, t.reps[0].stand_s)].world
    assert angle(standing, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE) > 175
    assert angle(standing, L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE) > 170
    def peak_trunk(rep):
        return max(trunk_flexion_deg(p.world) for p in clip.poses[frame_at(clip, rep.start_s):frame_at(clip, rep.end_s)])
    assert 28 < peak_trunk(t.reps[0]) < 36
    assert peak_trunk(t.reps[1]) > 58
    # hips rise by most of a thigh length from the seat to standing (image y is down)
    hip_y = lambda p: (p.image[L.LEFT_HIP, 1] + p.image[L.RIGHT_HIP, 1]) / 2  # noqa: E731
    assert hip_y(clip.poses[0]) - hip_y(clip.poses[frame_at(clip, t.reps[0].stand_s)]) > 0.08
    assert clip.motion.chair is not None and 0.42 < clip.motion.chair.seat_height_m < 0.48


def test_side_view_far_side_has_lower_visibility():
    clip = generate(ClipSpec(exercise="squat", view="side", facing="right", reps=1))
    vis = clip.poses[0].visibility
    assert vis[L.RIGHT_KNEE] == 1.0 and vis[L.LEFT_KNEE] < vis[L.RIGHT_KNEE]
    front = generate(ClipSpec(exercise="squat", view="front", reps=1)).poses[0]
    assert np.all(front.visibility == 1.0)
    # facing right: the person's nose is right of their ears in the image
    img = clip.poses[0].image
    assert img[L.NOSE, 0] > img[L.RIGHT_EAR, 0]
    # front view: the person's left appears on the image's right; world x follows the image
    assert front.image[L.LEFT_HIP, 0] > front.image[L.RIGHT_HIP, 0]
    assert front.world[L.LEFT_HIP, 0] > 0 > front.world[L.RIGHT_HIP, 0]
    assert front.world[L.NOSE, 1] < -0.4  # y down: head above the hips


def test_heel_raise_lift_magnitudes():
    clip = generate(ClipSpec(exercise="heel-raise", view="front", reps=2, faults={2: ("heel_low",)},
                             partial_reps=(3,)))
    t = clip.truth
    base = clip.poses[0].world
    def lift(rep):
        w = clip.poses[frame_at(clip, rep.peak_s)].world
        rel = lambda p: p[L.LEFT_FOOT_INDEX, 1] - p[L.LEFT_HEEL, 1]  # noqa: E731 (y down)
        return rel(w) - rel(base)
    assert 0.06 <= lift(t.reps[0]) <= 0.08
    assert lift(t.reps[1]) == pytest.approx(0.4 * lift(t.reps[0]), rel=0.05)
    # Low among full raises: a smaller movement than the person's usual, an attempt (heel_low).
    assert not t.reps[1].counted and t.reps[1].faults == ("heel_low",)
    all_low = generate(ClipSpec(exercise="heel-raise", view="front", reps=2, faults={1: ("heel_low",), 2: ("heel_low",)}))
    assert all(r.counted for r in all_low.truth.reps)  # every raise low: that is this person's raise
    assert not t.reps[2].counted and lift(t.reps[2]) < 0.02
    standing = clip.poses[frame_at(clip, t.reps[0].peak_s)].world
    assert angle(standing, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE) > 175


def test_heel_raise_knee_bend_and_single_leg():
    clip = generate(ClipSpec(exercise="heel-raise", view="side", reps=1, faults={1: ("knee_bend",)}))
    w = clip.poses[frame_at(clip, clip.truth.reps[0].peak_s)].world
    assert 150 < angle(w, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE) < 160
    single = generate(ClipSpec(exercise="heel-raise", view="side", side="left", reps=1))
    w = single.poses[0].world
    assert w[L.RIGHT_ANKLE, 1] < w[L.LEFT_ANKLE, 1] - 0.15  # the free foot is held up


def test_arm_raise_and_reach():
    clip = generate(ClipSpec(exercise="arm-raise", view="front", arm_mode="abduction", reps=2, partial_reps=(2,)))
    t = clip.truth
    up = clip.poses[frame_at(clip, t.reps[0].peak_s)].world
    part = clip.poses[frame_at(clip, t.reps[1].peak_s)].world
    assert angle(up, L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_ELBOW) > 155
    assert angle(up, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST) > 170
    assert angle(part, L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_ELBOW) < 75
    assert t.reps[1].faults == ("short_range",) and not t.reps[1].counted
    reach = generate(ClipSpec(exercise="reach", view="side", side="right", reps=2, faults={2: ("trunk_compensation",)}))
    t = reach.truth
    def reach_m(rep):
        raised = reach.poses[frame_at(reach, rep.start_s + 1.2)].world  # arm up, before reaching
        far = reach.poses[frame_at(reach, rep.peak_s)].world
        return abs(far[L.RIGHT_WRIST, 0] - raised[L.RIGHT_WRIST, 0])
    assert 0.12 < reach_m(t.reps[0]) < 0.3
    assert reach_m(t.reps[1]) > reach_m(t.reps[0]) + 0.1
    assert trunk_flexion_deg(reach.poses[frame_at(reach, t.reps[1].peak_s)].world) > 35


def test_asymmetry_moves_weak_side_less():
    clip = generate(ClipSpec(exercise="arm-raise", view="front", arm_mode="abduction", reps=1,
                             faults={1: ("asymmetry",)}, weak_side="right"))
    w = clip.poses[frame_at(clip, clip.truth.reps[0].peak_s)].world
    left = angle(w, L.LEFT_HIP, L.LEFT_SHOULDER, L.LEFT_ELBOW)
    right = angle(w, L.RIGHT_HIP, L.RIGHT_SHOULDER, L.RIGHT_ELBOW)
    assert left - right > 40


def test_deterministic_and_rejects_bad_specs():
    a = generate(ClipSpec(exercise="squat", reps=1, seed=3, size=(160, 120)))
    b = generate(ClipSpec(exercise="squat", reps=1, seed=3, size=(160, 120)))
    fa, fb = next(a.frames()), next(b.frames())
    assert fa.shape == (120, 160, 3) and fa.dtype == np.uint8 and np.array_equal(fa, fb)
    assert np.array_equal(a.poses[10].image, b.poses[10].image)
    c = generate(ClipSpec(exercise="squat", reps=1, seed=4, size=(160, 120)))
    assert not np.array_equal(fa, next(c.frames()))
    with pytest.raises(ValueError):
        generate(ClipSpec(exercise="squat", reps=2, faults={1: ("heel_low",)}))
    with pytest.raises(ValueError):
        ClipSpec(exercise="squat", reps=2, faults={5: ("trunk_flexion",)})
    with pytest.raises(ValueError):
        ClipSpec(exercise="jumping", reps=2)


def test_cli_writes_video_and_truth(tmp_path):
    rc = synth_main(["--exercise", "heel-raise", "--view", "front", "--reps", "1", "--size", "160x120",
                     "--fps", "25", "--out", str(tmp_path), "--name", "hr", "--fault", "1:heel_low",
                     "--start-rest", "1.5", "--end-rest", "1"])
    assert rc == 0
    truth = load_truth(tmp_path / "hr.json")
    assert truth.true_reps == 1 and truth.reps[0].faults == ("heel_low",) and truth.fps == 25
    import cv2
    cap = cv2.VideoCapture(str(tmp_path / "hr.mp4"))
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    ok, frame = cap.read()
    cap.release()
    assert ok and frame.shape == (120, 160, 3) and n == truth.frames


@pytest.mark.parametrize("exercise", HOLD_EXERCISES)
def test_hold_clips_follow_the_spec(exercise):
    spec = ClipSpec(exercise=exercise, view="front", reps=2, hold_s=6.0, pauses_s={1: 1.5}, fps=25, size=(320, 240))
    t = generate(spec).truth
    assert t.true_reps == 2 and [r.index for r in t.reps] == [1, 2]
    holds = t.notes["holds"]
    for rep, hold in zip(t.reps, holds):
        assert rep.metrics["hold_s"] == hold["hold_s"] == pytest.approx(rep.end_s - rep.start_s, abs=1e-3)
        assert hold["hold_s"] == pytest.approx(6.0, abs=0.6)  # timed from foot off / placed: near the asked length
    assert t.reps[1].start_s - t.reps[0].end_s > 1.5 + 2.0  # the asked pause on top of the usual rest
    assert load_truth_roundtrip(t) == t
    with pytest.raises(ValueError):
        generate(ClipSpec(exercise=exercise, reps=2, partial_reps=(1,)))


def load_truth_roundtrip(t):
    from coach.synth.truth import GroundTruth

    return GroundTruth.from_dict(json.loads(json.dumps(t.to_dict())))


def test_y4m_holds_the_rendered_frames(tmp_path):
    from coach.synth import write_y4m
    from coach.synth.video import read_y4m

    clip = generate(ClipSpec(exercise="squat", reps=1, size=(160, 120), fps=12.5, start_rest_s=0.5, end_rest_s=0.2))
    path = write_y4m(clip, tmp_path / "c.y4m")
    fps, frames = read_y4m(path)
    assert fps == 12.5 and len(frames) == len(clip.poses)
    drawn = list(clip.frames())
    for k in (0, len(frames) // 2, len(frames) - 1):
        assert frames[k].shape == (120, 160, 3)
        assert np.abs(frames[k].astype(int) - drawn[k]).mean() < 4  # 4:2:0 loses only chroma detail


def test_cli_writes_a_hold_clip_and_a_tug(tmp_path):
    rc = synth_main(["--exercise", "single-leg-stance", "--view", "front", "--reps", "1", "--hold", "3",
                     "--size", "160x120", "--fps", "5", "--out", str(tmp_path), "--name", "sls", "--format", "y4m"])
    assert rc == 0 and (tmp_path / "sls.y4m").read_bytes().startswith(b"YUV4MPEG2 W160 H120 F5:1")
    truth = load_truth(tmp_path / "sls.json")
    assert truth.notes["holds"][0]["hold_s"] == truth.reps[0].metrics["hold_s"] == pytest.approx(2.6, abs=0.3)
    rc = synth_main(["--test", "timed-up-and-go", "--view", "oblique", "--size", "320x180", "--fps", "4",
                     "--out", str(tmp_path), "--speed", "1.25"])
    assert rc == 0
    tug = json.loads((tmp_path / "timed_up_and_go_oblique.json").read_text())
    assert tug["test"] == "timed-up-and-go" and tug["view"] == "oblique" and tug["yaw_deg"] == 30.0
    assert tug["time_s"] == pytest.approx(sum(tug["phases"].values()), abs=1e-3)
    import cv2

    cap = cv2.VideoCapture(str(tmp_path / "timed_up_and_go_oblique.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == tug["frames"]
    cap.release()
