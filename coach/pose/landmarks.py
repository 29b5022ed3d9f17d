"""BlazePose's 33 landmarks by name, the skeleton to draw, and joint angles as data.

Code elsewhere says ``Landmark.LEFT_KNEE``, never ``23``; angles are named joint triples
computed by one function (see ``coach.geometry``).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Landmark(IntEnum):
    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


NUM_LANDMARKS = len(Landmark)
L = Landmark

# Bones drawn by the overlay (the subset of BlazePose connections a patient recognises).
SKELETON: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW), (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_SHOULDER, L.LEFT_HIP), (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_HIP, L.LEFT_KNEE), (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.RIGHT_HIP, L.RIGHT_KNEE), (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL), (L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX), (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
)


@dataclass(frozen=True)
class JointAngle:
    """Angle at ``vertex`` between the segments to ``a`` and ``b``, in degrees (0..180).

    180 means the three joints are in a straight line (a fully extended knee or elbow).
    """

    name: str
    a: Landmark
    vertex: Landmark
    b: Landmark


def _pair(name: str, a: str, vertex: str, b: str) -> tuple[JointAngle, JointAngle]:
    return tuple(  # type: ignore[return-value]
        JointAngle(f"{side.lower()}_{name}", L[f"{side}_{a}"], L[f"{side}_{vertex}"], L[f"{side}_{b}"])
        for side in ("LEFT", "RIGHT")
    )


ANGLES: dict[str, JointAngle] = {
    angle.name: angle
    for angle in (
        *_pair("knee", "HIP", "KNEE", "ANKLE"),
        *_pair("hip", "SHOULDER", "HIP", "KNEE"),
        *_pair("elbow", "SHOULDER", "ELBOW", "WRIST"),
        *_pair("shoulder", "HIP", "SHOULDER", "ELBOW"),  # flexion or abduction, by view
        *_pair("ankle", "KNEE", "ANKLE", "FOOT_INDEX"),
    )
}


def side_landmark(side: str, part: str) -> Landmark:
    """``side_landmark("left", "knee") -> Landmark.LEFT_KNEE``."""
    return L[f"{side.upper()}_{part.upper()}"]
