"""How high the whole body is, from every landmark that carries the movement.

A heel raise lifts everything above the ankles by the same few centimetres: ankles, knees,
hips, shoulders and head go up together while the toes stay on the floor. One foot landmark
moves a few pixels and jitters as much; a dozen points moving together do not.

The body keeps its shape during a raise, so each point sits a fixed vertical distance from the
body's reference height. ``BodyRise`` learns each point's distance (the median over the last
``window_s`` of its position minus the reference) and reads the reference of each frame as the
visibility-weighted median of the seen points' positions minus their distances. A point that
comes into view joins once its distance is known; hidden points (the far leg in a side view, an
upper body out of the picture) weigh nothing; one badly placed point or a nod of the head cannot
carry the median. The distances are about the body's shape, not its height, so however long the
person stays up (a hold at the top), nothing drifts. The result is the height above where
the body was when this picture began, in the person's own shank lengths (distance from the
camera and body size drop out), larger = higher; only its changes mean anything (the counting
takes the person's own rest and top levels from it).

Pure: numpy in, a float out; no camera, no MediaPipe.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.window_stats import SortedWindow

# Points that rise rigidly with the ankles in a heel raise (not the heels and toes, which turn
# about the ball of the foot, nor the hands, which may hold a wall or a weight).
RISING_POINTS = tuple(int(p) for p in (
    L.NOSE, L.LEFT_EAR, L.RIGHT_EAR, L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP,
    L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE))
SHANKS = ((int(L.LEFT_KNEE), int(L.LEFT_ANKLE)), (int(L.RIGHT_KNEE), int(L.RIGHT_ANKLE)))


@dataclass
class BodyRise:
    """Causal: feed frames in time order; ``update`` returns the body's height in shank lengths
    (NaN when too little is seen). ``window_s``: the memory of each point's place in the body."""

    window_s: float = 8.0
    min_visibility: float = 0.3  # side views: MediaPipe scores well-placed near-leg points 0.3-0.6
    min_points: int = 3  # fewer known points seen than this: no reading
    min_history: int = 5  # a point votes once this many of its own distances are known
    # A new picture (a cut, a knocked camera, a step nearer): relearn the shape from scratch when
    # the body is half a shank from where this picture began (no raise goes that high), or moved
    # 0.15 shank between two frames (a full raise, ~0.12 shank, takes a quarter second at least).
    jump_shank: float = 0.5
    jump_frame_shank: float = 0.15
    _offsets: dict[int, deque] = field(default_factory=dict, init=False)  # point -> (t, y - reference)
    _shank: deque = field(default_factory=deque, init=False)
    # The same windows' values sorted, so their medians are read without sorting them each frame.
    _offsets_sorted: dict[int, SortedWindow] = field(default_factory=dict, init=False)
    _shank_sorted: SortedWindow = field(default_factory=SortedWindow, init=False)
    _anchor: float | None = field(default=None, init=False)  # reference height when this picture began, px
    _last: tuple[float, float] | None = field(default=None, init=False)  # (t, reference height) of the last frame

    def reset(self) -> None:
        self._offsets.clear()
        self._shank.clear()
        self._offsets_sorted.clear()
        self._shank_sorted.clear()
        self._anchor = self._last = None

    def update(self, pose: PoseFrame) -> float:
        if not pose.has_person:
            return float("nan")
        t, xy, vis = pose.timestamp_s, pose.xy_px, pose.visibility
        shank = self._shank_px(t, xy, vis)
        seen = [i for i in RISING_POINTS if vis[i] >= self.min_visibility and np.isfinite(xy[i, 1])]
        placed = [i for i in seen if self._offsets.get(i)]
        known = [i for i in placed if len(self._offsets[i]) >= self.min_history]
        voters = known if len(known) >= self.min_points else placed
        if len(voters) >= self.min_points:
            ref = weighted_median(np.array([xy[i, 1] - self._offset(i) for i in voters]), vis[voters])
        elif seen:
            ref = weighted_median(xy[seen, 1], vis[seen])  # starting afresh: the points place themselves
        else:
            return float("nan")
        if shank > 0 and ((self._anchor is not None and abs(ref - self._anchor) > self.jump_shank * shank) or (
                self._last is not None and t - self._last[0] < 0.2
                and abs(ref - self._last[1]) > self.jump_frame_shank * shank)):
            self.reset()
            return float("nan")
        self._last = (t, ref)
        for i in seen:
            buf = self._offsets.setdefault(i, deque())
            window = self._offsets_sorted.setdefault(i, SortedWindow())
            d = float(xy[i, 1] - ref)
            buf.append((t, d))
            window.add(d)
            while buf[0][0] < t - self.window_s:
                window.remove(buf.popleft()[1])
        if len(known) < self.min_points or not shank > 0:
            return float("nan")
        if self._anchor is None:
            self._anchor = ref
        # Against a fixed anchor, not the absolute height: a shank length that settles over the
        # first seconds then only scales the small rise, instead of shifting a large height.
        return (self._anchor - ref) / shank  # image y grows downwards: up is positive

    def _offset(self, i: int) -> float:
        return self._offsets_sorted[i].median()  # = np.median of the window's distances

    def _shank_px(self, t: float, xy: np.ndarray, vis: np.ndarray) -> float:
        for knee, ankle in SHANKS:
            if min(vis[knee], vis[ankle]) >= self.min_visibility:
                length = float(np.hypot(*(xy[knee] - xy[ankle])))
                if np.isfinite(length) and length > 1.0:
                    self._shank.append((t, length))
                    self._shank_sorted.add(length)
        while self._shank and self._shank[0][0] < t - self.window_s:
            self._shank_sorted.remove(self._shank.popleft()[1])
        return self._shank_sorted.median() if self._shank else float("nan")


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    v, w = values[order], np.asarray(weights, float)[order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1])])
