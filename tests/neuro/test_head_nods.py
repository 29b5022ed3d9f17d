"""Up-down head turns (nods) on landmarks whose face is turned, by this test, about the ear axis
with a known pitch profile (3D points rotated, picture points moved by the same displacement at the
figure's scale): exact counts per direction, range in degrees. The body comes from the generator
standing still, seen from the front; the truth is the profile below."""
from dataclasses import replace

import numpy as np
import pytest

from coach.pose.landmarks import Landmark as L
from coach.synth.extended import FACE, generate_ext
from coach.synth.scripts.head_turn import script
from exercises.head_turn import SPEC, head_angles_deg

OUT_S, HOLD_S, BACK_S, PAUSE_S = 0.7, 0.25, 0.7, 0.5


def _profile(nods, start_s=2.0):
    """(times, pitch(t)) for nods [(direction, degrees)], cosine-eased out and back; the truth."""
    segments, t = [], start_s
    for direction, deg in nods:
        sign = 1.0 if direction == "up" else -1.0
        segments.append((t, sign * deg))
        t += OUT_S + HOLD_S + BACK_S + PAUSE_S
    return segments, t + 1.0

def _pitch_at(t, segments):
    for t0, peak in segments:
        u = t - t0
        if 0 <= u < OUT_S:
            return peak * (1 - np.cos(np.pi * u / OUT_S)) / 2
        if OUT_S <= u < OUT_S + HOLD_S:
            return peak
        if OUT_S + HOLD_S <= u < OUT_S + HOLD_S + BACK_S:
            return peak * (1 + np.cos(np.pi * (u - OUT_S - HOLD_S) / BACK_S)) / 2
    return 0.0


def _rotate(points, origin, axis, deg):
    """Rodrigues rotation of ``points`` about ``axis`` through ``origin``."""
    a = np.radians(deg)
    k = axis / np.linalg.norm(axis)
    v = points - origin
    return origin + v * np.cos(a) + np.cross(k, v) * np.sin(a) + np.outer(v @ k, k) * (1 - np.cos(a))


def _nodded(pose, deg, sign):
    w = pose.world.copy()
    left, right = w[int(L.LEFT_EAR)], w[int(L.RIGHT_EAR)]
    face = list(FACE)
    w[face] = _rotate(w[face], (left + right) / 2, left - right, sign * deg)
    # The picture: the same displacement, at the figure's pixels per metre (front view: world x, y
    # run along the picture's x, y).
    shoulders = [int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER)]
    px_per_m = np.linalg.norm(np.diff(pose.xy_px[shoulders], axis=0)) / np.linalg.norm(np.diff(pose.world[shoulders], axis=0))
    img = pose.image.copy()
    img[face, :2] += (w[face, :2] - pose.world[face, :2]) * px_per_m / np.asarray(pose.size)
    return replace(pose, world=w, image=img)


def nodding(nods, view="front"):
    segments, duration = _profile(nods)
    tl, truth = script((), start_rest_s=duration)
    clip = generate_ext(tl, truth, "front", yaw_deg=30.0 if view == "oblique" else 0.0)
    probe = clip.poses[0]
    sign = 1.0 if head_angles_deg(_nodded(probe, 10, 1.0), "front")[1] > head_angles_deg(probe, "front")[1] else -1.0
    # (+ chin up)
    return [_nodded(p, _pitch_at(p.timestamp_s, segments), sign) for p in clip.poses]


def run(poses):
    live = SPEC.machine(SPEC)
    for p in poses:
        live.update(p)
    live.finish(poses[-1].timestamp_s)
    return live, live.second_pass(poses)


@pytest.mark.parametrize("view", ["front", "oblique"])
def test_nods_are_counted_by_direction(view):
    nods = [("down", 35.0), ("up", 30.0)] * 3
    for ex in run(nodding(nods, view)):
        reps = [r for r in ex.reps if r.counted]
        assert [r.side for r in reps] == [d for d, _ in nods]
        for r, (_, deg) in zip(reps, nods):
            assert r.metrics["range_deg"] == pytest.approx(deg, abs=5.0)


def test_a_small_nod_among_usual_ones_is_not_counted():
    nods = [("down", 35.0)] * 4 + [("down", 8.0)] + [("down", 35.0)] * 2
    for ex in run(nodding(nods)):
        assert sum(r.counted for r in ex.reps) == 6
