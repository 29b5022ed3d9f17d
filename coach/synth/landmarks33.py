"""The 33 BlazePose landmarks of a solved skeleton, placed where MediaPipe puts them.

Face points sit on the front of the head, hand points on the knuckles (index, pinky) and the
thumb, foot points at the back of the heel and the tip of the big toe.
"""
from __future__ import annotations

import numpy as np

from coach.pose.landmarks import NUM_LANDMARKS, Landmark
from coach.synth.body import SIDES, BodyDims, Skeleton, side_sign, unit

L = Landmark


def landmarks_3d(dims: BodyDims, sk: Skeleton) -> np.ndarray:
    """(33, 3) landmark positions in the figure frame (metres)."""
    out = np.zeros((NUM_LANDMARKS, 3))
    h = dims.height_m / 1.70  # face and hand offsets were measured on a 1.70 m adult
    head, fwd, up, lat = sk["head"], sk.head_fwd, sk.head_up, sk.head_axis
    out[L.NOSE] = head + fwd * 0.095 * h - up * 0.01 * h
    for side in SIDES:
        s = side_sign(side)
        eye_base = head + fwd * 0.078 * h + up * 0.025 * h
        S = side.upper()
        out[L[f"{S}_EYE_INNER"]] = eye_base + lat * s * 0.016 * h
        out[L[f"{S}_EYE"]] = eye_base + lat * s * 0.032 * h - fwd * 0.004 * h
        out[L[f"{S}_EYE_OUTER"]] = eye_base + lat * s * 0.046 * h - fwd * 0.012 * h
        out[L[f"{S}_EAR"]] = head + lat * s * 0.075 * h + up * 0.005 * h - fwd * 0.005 * h
        out[L[f"MOUTH_{S}"]] = head + fwd * 0.08 * h - up * 0.045 * h + lat * s * 0.024 * h
        out[L[f"{S}_SHOULDER"]] = sk[f"{side}_shoulder"]
        out[L[f"{S}_ELBOW"]] = sk[f"{side}_elbow"]
        wrist = sk[f"{side}_wrist"]
        out[L[f"{S}_WRIST"]] = wrist
        hand = unit(wrist - sk[f"{side}_elbow"])
        thumb = sk.thumb_dir[side]
        out[L[f"{S}_INDEX"]] = wrist + hand * dims.hand * 1.1 + thumb * 0.018 * h
        out[L[f"{S}_PINKY"]] = wrist + hand * dims.hand * 0.95 - thumb * 0.025 * h
        out[L[f"{S}_THUMB"]] = wrist + hand * dims.hand * 0.55 + thumb * 0.035 * h
        for part in ("hip", "knee", "ankle", "heel"):
            out[L[f"{S}_{part.upper()}"]] = sk[f"{side}_{part}"]
        out[L[f"{S}_FOOT_INDEX"]] = sk[f"{side}_toe"]
    return out
