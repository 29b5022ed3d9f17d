"""Live: follow the patient, not the caregiver beside them, frame by frame (causal).

``coach.pose.patient`` picks the patient of a whole recording (the one seated at the start) for the
validated tests. Live, with a caregiver standing close to spot a balance hold or a step-up, the coach
must choose as frames arrive: ``PatientFollower`` takes every pose the model found in a frame (the
model's order is not trusted: it swaps people between frames) and returns the patient's, or an empty
pose when the patient is not among them. Never the other person's.

How, in the person's own units (their torso: shoulders' to hips' midpoint, in pixels):

1. the patient is chosen at the start as the person nearest the middle of the picture (the set-up
   check asks the patient to stand in the middle, facing or side-on to the camera; a caregiver
   stands beside them, to one side), once they have been seen ``settle_s``; for an exercise or a
   test that starts seated (``start="seated"``: sit-to-stand, and the chair tests and the Timed Up and
   Go that count it) the person seated (hips within ``seated_max_shank`` shank lengths above the lower
   ankle, as ``coach.pose.patient`` judges it), the caregiver standing beside the chair never;
2. from then on, each frame's patient is the pose whose body centre is nearest the patient's last
   one, within ``link_torso`` torsos plus ``link_torso_per_s`` for each second since last seen, up
   to ``max_link_torso`` (an exercise in place hardly moves the body's centre; a caregiver beside the
   patient stands two torsos or more away), and whose torso is within a factor ``size_ratio``;
3. nobody there: the patient is not seen this frame (the set pauses as for anyone out of view);
   the other person is never taken instead.

Limits: a caregiver who stands in the middle at the start is taken for the patient (the page asks
the patient to stand in the middle first); a caregiver who steps in front of the patient, closer
than ``max_link_torso``, can be taken for the patient while they overlap.

``FollowingEstimator`` wraps a ``PoseEstimator`` made with ``keep_people=True`` and gives the pipeline
the patient's pose; a second person in view is then no set-up problem (it is expected). The live
coach (``coach.live.factory.make_estimator``) asks the model for one pose a frame: its tracker stays
on the person it found first, and the follower turns a jump to someone else into "not seen". Asked
for two, the live model re-detected the caregiver alone for whole seconds in a rendered hold with a
caregiver beside the patient (tests/app/test_caregiver_rendered.py's clip), so the choice among
several poses (the middle, the seated) is for a caller whose model reliably returns everyone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.spec import Params, param

STARTS_SEATED = ("sit-to-stand",)  # exercises (and the tests counted by them) that begin seated
LEGS = tuple((int(L[f"{s}_KNEE"]), int(L[f"{s}_ANKLE"])) for s in ("LEFT", "RIGHT"))
SHOULDERS = (int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER))
HIPS = (int(L.LEFT_HIP), int(L.RIGHT_HIP))
MIN_VISIBILITY = 0.3  # a torso point below this is a guess (a visibility gate, not a decision)


@dataclass(frozen=True)
class FollowParams(Params):
    settle_s: float = param(0.5, "s", "the person nearest the middle this long at the start is the patient "
                            "(one frame's guess is not a choice)", bounds=(0.0, 5.0))
    link_torso: float = param(0.8, "torso lengths", "the patient's body centre moves less than this between "
                              "two frames (an exercise in place, a step, a sway)", bounds=(0.3, 2.0))
    link_torso_per_s: float = param(1.0, "torso lengths a second", "... plus this much for each second the "
                                    "patient was not seen", bounds=(0.0, 5.0))
    max_link_torso: float = param(1.5, "torso lengths", "never further than this from where the patient "
                                  "was: a caregiver beside them stands two torsos or more away",
                                  bounds=(0.8, 4.0))
    seated_max_shank: float = param(1.45, "shank lengths", "hips this high above the lower ankle or lower: seated "
                                    "(about 1 seated, 2 standing; coach.pose.patient's SEATED_MAX_SHANK)",
                                    bounds=(1.1, 1.8))
    size_ratio: float = param(1.5, "ratio", "the patient's torso changes size by less than this factor "
                              "(a caregiver nearer the camera looks bigger)", bounds=(1.1, 3.0))


def _torso(p: PoseFrame) -> tuple[np.ndarray, float] | None:
    """(body centre in px, torso length in px), or None when the torso is not seen."""
    if not p.has_person:
        return None
    idx = list(SHOULDERS + HIPS)
    if float(np.min(p.visibility[idx])) < MIN_VISIBILITY:
        return None
    xy = p.xy_px
    shoulders, hips = xy[list(SHOULDERS)].mean(axis=0), xy[list(HIPS)].mean(axis=0)
    length = float(np.linalg.norm(shoulders - hips))
    return ((shoulders + hips) / 2.0, length) if length > 1.0 else None


def _seated(p: PoseFrame, hips_y: float, max_shank: float) -> bool:
    """Hips within ``max_shank`` shank lengths above the lower ankle (False when the legs are not seen)."""
    xy, vis = p.xy_px, p.visibility
    legs = [(k, a) for k, a in LEGS if vis[k] >= MIN_VISIBILITY and vis[a] >= MIN_VISIBILITY]
    if not legs:
        return False
    shank = max(float(np.linalg.norm(xy[k] - xy[a])) for k, a in legs)
    ankle = max(float(xy[a][1]) for _, a in legs)
    return shank > 1.0 and (ankle - hips_y) / shank <= max_shank


@dataclass
class PatientFollower:
    params: FollowParams = field(default_factory=FollowParams)
    start: str = "middle"  # "middle": the person nearest the picture's middle; "seated": the one seated
    _centre: np.ndarray | None = field(default=None, init=False)
    _torso: float = field(default=0.0, init=False)
    _seen_t: float = field(default=0.0, init=False)
    _settling_since: float | None = field(default=None, init=False)
    others_seen: int = field(default=0, init=False)  # frames with someone else in view (for the record)

    @property
    def following(self) -> bool:
        """Someone is taken for the patient (chosen, or being chosen at the start)."""
        return self._centre is not None

    @property
    def chosen(self) -> bool:
        return self._centre is not None and self._settling_since is None

    def choose(self, people: list[PoseFrame], t: float, size: tuple[int, int]) -> PoseFrame:
        """The patient's pose among this frame's ``people`` (empty when they are not seen)."""
        found = [(p, m) for p in people if (m := _torso(p)) is not None]
        self.others_seen += len(found) > 1
        if not found:
            return PoseFrame.empty(t, size)
        if self._centre is None or self._settling_since is not None:
            return self._settle(found, t, size)
        p = self.params
        reach = min(p.link_torso + p.link_torso_per_s * max(0.0, t - self._seen_t), p.max_link_torso) * self._torso
        best = None
        for pose, (centre, torso) in found:
            d = float(np.linalg.norm(centre - self._centre))
            same_size = 1.0 / p.size_ratio <= torso / self._torso <= p.size_ratio
            if d <= reach and same_size and (best is None or d < best[0]):
                best = (d, pose, centre, torso)
        if best is None:
            return PoseFrame.empty(t, size)
        _, pose, self._centre, self._torso = best
        self._seen_t = t
        return pose

    def _settle(self, found, t: float, size: tuple[int, int]) -> PoseFrame:
        """Before the choice: the person nearest the middle (or the one seated), who must stay so ``settle_s``."""
        if self.start == "seated":
            found = [(p, m) for p, m in found
                     if _seated(p, float(p.xy_px[list(HIPS)].mean(axis=0)[1]), self.params.seated_max_shank)]
            if not found:  # nobody seated yet: nobody is the patient yet
                self._centre, self._settling_since = None, None
                return PoseFrame.empty(t, size)
        middle = size[0] / 2.0
        pose, (centre, torso) = min(found, key=lambda f: abs(f[1][0][0] - middle))
        if self._centre is None or np.linalg.norm(centre - self._centre) > self.params.link_torso * self._torso:
            self._settling_since = t  # a different person (or the first): start again
        self._centre, self._torso, self._seen_t = centre, torso, t
        if t - self._settling_since >= self.params.settle_s:
            self._settling_since = None
        return pose


class FollowingEstimator:
    """A ``PoseEstimator`` (``num_poses`` 2 or more, ``keep_people=True``) whose ``estimate`` returns
    the patient's pose (``PatientFollower``); the rest is the wrapped estimator's."""

    def __init__(self, estimator, follower: PatientFollower | None = None):
        self.estimator = estimator
        self.follower = follower or PatientFollower()

    def estimate(self, rgb, timestamp_s: float) -> PoseFrame:
        first = self.estimator.estimate(rgb, timestamp_s)
        kept = getattr(self.estimator, "people_per_frame", None)
        people = kept.pop() if kept else [first]  # taken as it comes: nothing piles up over a session
        return self.follower.choose(people, timestamp_s, first.size)

    @property
    def people_at_last_check(self) -> int:
        """The people that matter to the set-up check: the patient (a caregiver beside them is expected)."""
        return 1 if self.follower.following else getattr(self.estimator, "people_at_last_check", 0)

    def __getattr__(self, name):
        return getattr(self.estimator, name)
