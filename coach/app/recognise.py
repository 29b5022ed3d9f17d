"""Which exercise does a landmark track look like? A check on an upload before anything is saved.

Two simple looks at the same track, no model of its own:

1. how the body moves: knee bend, hip travel, heel lift and hand travel, each scaled by the
   person's own leg length (so distance to the camera does not matter), which sorts the motion into
   a family (legs bend: sit-to-stand/squat; heels lift: heel raise; arms move: arm raise/reach);
2. how many reps each exercise's own counter (``exercises.create_exercise``) finds in it.

A warning is given only when the family is clear and the chosen exercise is not in it, or when
the chosen exercise counts nothing while another counts at least two. Sit-to-stand and squat share
a family on purpose: telling them apart from motion alone is not reliable.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.pose.landmarks import L
from exercises.faults import MOTION_FAMILIES
from exercises.registry import SPECS

# Each exercise's family is its spec's ``motion_family``. Only those with one are checked: balance
# holds (a lifted leg bends its knee like a sit-to-stand) and head turns (no limb moves) have none,
# and are never suggested either.
FAMILIES = {family: tuple(s.name for s in SPECS if s.motion_family == family) for family in MOTION_FAMILIES}
RECOGNISED = tuple(s.name for s in SPECS if s.motion_family is not None)
KNEE_BEND_DEG = 35.0  # knee angle range above this: the legs bend (sit-to-stand, squat)
KNEE_STILL_DEG = 20.0  # below this the knees stay straight (heel raise, arm work)
HIP_TRAVEL = 0.2  # hip up/down travel above this: the legs bend (a knee seen from the front barely bends in 2D)
HEEL_LIFT = 0.035  # heel travel as a share of leg length (~3 cm on a 85 cm leg)
HAND_TRAVEL = 0.45  # hand travel relative to the shoulder, as a share of leg length
MIN_FRAMES = 15


@dataclass(frozen=True)
class Movement:
    knee_range_deg: float
    hip_travel: float  # share of leg length
    heel_travel: float
    hand_travel: float

    @property
    def family(self) -> str | None:
        if self.knee_range_deg >= KNEE_BEND_DEG or self.hip_travel >= HIP_TRAVEL:
            return "legs"
        if self.knee_range_deg < KNEE_STILL_DEG:
            if self.hand_travel >= HAND_TRAVEL and self.hand_travel > 4 * self.heel_travel:
                return "arms"
            if self.heel_travel >= HEEL_LIFT and self.hand_travel < HAND_TRAVEL:
                return "heels"
        return None


@dataclass(frozen=True)
class Guess:
    chosen: str
    likely: str  # the exercise it looks like
    reason: str

    def message(self, label) -> str:
        return (f"This looks like {label(self.likely).lower()}, not {label(self.chosen).lower()}. "
                f"Nothing has been saved. Please choose the exercise again, or keep "
                f"{label(self.chosen).lower()} if you are sure.")


def _spread(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    if len(x) < MIN_FRAMES:
        return 0.0
    lo, hi = np.percentile(x, [5, 95])
    return float(hi - lo)


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1) + 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def movement(series) -> Movement | None:
    """The motion summary of a ``PoseSeries``; None when too few frames show a person."""
    if series is None or len(series) == 0:
        return None
    w, h = series.size if series.size and series.size[0] else (1, 1)
    p = series.image[..., :2] * np.array([w, h], dtype=float)  # pixels, so x and y share a scale
    vis = series.image[..., 3] if series.image.shape[-1] > 3 else np.ones(series.image.shape[:2])
    seen = np.isfinite(p[:, 0, 0])
    if seen.sum() < MIN_FRAMES:
        return None
    best = {}
    for side, (hip, knee, ankle, heel, shoulder, wrist) in {
            "left": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_SHOULDER, L.LEFT_WRIST),
            "right": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_SHOULDER, L.RIGHT_WRIST)}.items():
        best[side] = (np.nanmean(vis[seen][:, [hip, knee, ankle]]), (hip, knee, ankle, heel, shoulder, wrist))
    _, (hip, knee, ankle, heel, shoulder, wrist) = max(best.values(), key=lambda x: x[0])
    leg = np.nanmedian(np.linalg.norm(p[:, hip] - p[:, knee], axis=-1) + np.linalg.norm(p[:, knee] - p[:, ankle], axis=-1))
    if not np.isfinite(leg) or leg <= 1e-6:
        return None
    knee_angle = _angle(p[:, hip], p[:, knee], p[:, ankle])
    hand = np.linalg.norm(p[:, wrist] - p[:, shoulder], axis=-1)
    hand_travel = max(_spread(p[:, wrist, 1] - p[:, shoulder, 1]), _spread(p[:, wrist, 0] - p[:, shoulder, 0]),
                      _spread(hand))
    heel_travel = _spread(p[:, heel, 1])
    return Movement(_spread(knee_angle), _spread(p[:, hip, 1]) / leg, heel_travel / leg, hand_travel / leg)


def rep_counts(series, names) -> dict[str, int]:
    """Counted reps each exercise's own counter finds in the track (smoothed as in the pipeline)."""
    from coach.smoothing import PoseSmoother
    from exercises import create_exercise

    counts = {}
    frames = [series.frame(i) for i in range(len(series))]
    for name in names:
        try:
            ex = create_exercise(name)
        except Exception:  # noqa: BLE001 - an exercise that cannot be built counts nothing
            counts[name] = 0
            continue
        smoother = PoseSmoother()
        n = 0
        events = []
        for f in frames:
            events += ex.update(smoother.apply(f))
        if frames:
            events += ex.finish(frames[-1].timestamp_s)
        n = sum(1 for e in events if getattr(e, "kind", "") == "rep" and e.rep is not None and e.rep.counted)
        counts[name] = n
    return counts


def check(series, chosen: str, counted: int | None = None) -> Guess | None:
    """A ``Guess`` when the track does not look like ``chosen``; None when it does or it is unclear."""
    if chosen not in RECOGNISED:
        return None
    m = movement(series)
    if m is None:
        return None
    family = m.family
    counts = None
    if family is not None and chosen not in FAMILIES[family]:
        members = FAMILIES[family]
        counts = rep_counts(series, members)
        likely = max(members, key=lambda n: counts.get(n, 0))
        return Guess(chosen, likely, f"motion family {family} ({m})")
    if family is None and (counted if counted is not None else rep_counts(series, [chosen])[chosen]) == 0:
        counts = rep_counts(series, [n for n in RECOGNISED if n != chosen])
        likely, n = max(counts.items(), key=lambda kv: kv[1], default=(None, 0))
        if likely and n >= 2:
            return Guess(chosen, likely, f"{chosen} counted 0, {likely} counted {n}")
    return None
