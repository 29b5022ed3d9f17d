"""Small landmark-sequence builders for tests: progress humps at known times, NaN holes,
and whole-body poses taken from ``coach.synth`` (true landmarks, no rendering)."""
from __future__ import annotations

import numpy as np

from coach.pose.frame import PoseFrame


def humps(peaks: list[float], fps: float = 30.0, rest_s: float = 1.0, hump_s: float = 2.0,
          gap_s: float = 0.5, jitter: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(times, progress): a rest, then one sine-shaped hump per entry of ``peaks`` (its height)."""
    rng = np.random.default_rng(seed)
    t_total = rest_s + len(peaks) * (hump_s + gap_s) + rest_s
    t = np.arange(0.0, t_total, 1.0 / fps)
    p = np.zeros_like(t)
    for i, h in enumerate(peaks):
        t0 = rest_s + i * (hump_s + gap_s)
        inside = (t >= t0) & (t <= t0 + hump_s)
        p[inside] = h * np.sin(np.pi * (t[inside] - t0) / hump_s) ** 2
    return t, p + jitter * rng.standard_normal(len(t))


def with_holes(poses: list[PoseFrame], holes: list[tuple[float, float]]) -> list[PoseFrame]:
    """Replace poses inside the given (start, end) windows with empty frames (nobody found)."""
    out = []
    for p in poses:
        if any(a <= p.timestamp_s <= b for a, b in holes):
            out.append(PoseFrame.empty(p.timestamp_s, p.size))
        else:
            out.append(p)
    return out


def rotated(pose: PoseFrame, degrees: float = 90.0) -> PoseFrame:
    """The same pose turned in the image plane (a person lying down on the floor)."""
    if not pose.has_person:
        return pose
    a = np.radians(degrees)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    image = pose.image.copy()
    centre = np.nanmean(image[:, :2], axis=0)
    image[:, :2] = (image[:, :2] - centre) @ rot.T + centre
    world = pose.world.copy()
    world[:, :2] = world[:, :2] @ rot.T
    return PoseFrame(pose.timestamp_s, image, world, pose.size)


def rendered(spec, folder):
    """(the generated clip, its rendered video at ``folder``) for tests through the pose model: the
    fixture shape the new exercises' rendered tests share (MediaPipe needed)."""
    import pytest

    pytest.importorskip("mediapipe")
    from coach.synth import generate, write_clip

    clip = generate(spec)
    video, _ = write_clip(clip, folder / f"{spec.exercise}.mp4")
    return clip, video


def run_clip(spec, second_pass: bool = False, **exercise_kwargs):
    """(the generated clip, the exercise after its smoothed true poses): the causal (live) pass, or
    with ``second_pass`` the file mode's second pass over the same poses."""
    from coach.synth import generate

    clip = generate(spec)
    ex, poses = live_pass(spec.exercise, clip.poses, **exercise_kwargs)
    return clip, (ex.second_pass(poses) if second_pass else ex)


def live_pass(exercise: str, true_poses, **exercise_kwargs):
    """(the exercise after one causal pass over the smoothed poses, those smoothed poses): the live
    coach's reading; ``ex.second_pass(poses)`` is the file mode's."""
    from coach.smoothing import PoseSmoother
    from exercises import create_exercise

    ex = create_exercise(exercise, **exercise_kwargs)
    smoother = PoseSmoother()
    poses = [smoother.apply(p) for p in true_poses]
    for pose in poses:
        ex.update(pose)
    ex.finish(poses[-1].timestamp_s)
    return ex, poses


def counted_by_side(reps) -> dict[str, int]:
    """Counted reps of each side ("left", "right")."""
    return {s: sum(r.counted and r.side == s for r in reps) for s in ("left", "right")}
