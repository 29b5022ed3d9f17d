"""What a balance hold reads from each pose: the feet, their floor and their speed, in the person's
own shank lengths (``HoldReader``). The hold itself (when it starts, breaks and ends, and the losses
of balance around it) is ``exercises.holds``.

Module constants say how the feet's floor level, speeds and the scale are estimated and what
MediaPipe can be trusted with; no number here starts, ends or breaks a hold.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from coach.geometry import norm, trunk_lean_deg
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.window_stats import SortedWindow

SIDES = ("left", "right")
ANKLE = {"left": L.LEFT_ANKLE, "right": L.RIGHT_ANKLE}
KNEE = {"left": L.LEFT_KNEE, "right": L.RIGHT_KNEE}
NEEDED = (L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_SHOULDER,
          L.RIGHT_SHOULDER)
MIN_VISIBILITY = 0.3  # side views: the far leg reads 0.3-0.6 yet is placed well (see heel_raise)
SHANK_WINDOW = 300  # frames whose shank lengths set the scale (~10 s at 30 frames/s)
# A foot's floor level: its lowest image position over the last 10 s (a held-up foot is held for
# less). Known limit: a foot put down nearer the camera sits lower in the picture, and the other
# place reads as "up" by perspective until that low position leaves the window.
FLOOR_WINDOW_S = 10.0
FLOOR_PERCENTILE = 95.0
FLOOR_LEARN_SHANK = 0.05  # only positions this close to the floor level update it
FLOOR_KEEP = 30  # the last positions on the floor are kept however old (a long hold)
FLOOR_RESET_S = 0.6  # both feet still this long outside a hold: the floor is where they are
STILL_FLOOR_SPEED_SHANK_S = 0.25  # ~10 cm/s over SPEED_WINDOW_S: feet standing, not stepping
SPEED_WINDOW_S = 0.2
HISTORY_S = 3.0  # readings kept for backdating starts, ends and drops


@dataclass
class Reading:
    """One usable frame, in pixels and shank lengths."""

    t: float
    ankle: dict[str, np.ndarray]  # px
    lift: dict[str, float]  # height above the foot's own floor level, shank lengths
    shank_px: float
    hip: np.ndarray  # hip midpoint px
    shoulder: np.ndarray  # shoulder midpoint px
    trunk_deg: float
    view: str
    speed: dict[str, float] = field(default_factory=dict)  # ankle speed, shank lengths/s


class HoldReader:
    """Poses to ``Reading``s, keeping the last ``HISTORY_S`` of them (``history``) for backdating."""

    def __init__(self) -> None:
        self.history: deque[Reading] = deque()
        self._shanks: deque[float] = deque(maxlen=SHANK_WINDOW)
        self._ankle_y: dict[str, deque[tuple[float, float]]] = {s: deque() for s in SIDES}
        # The same windows' values sorted: their percentiles without sorting them each frame.
        self._shanks_sorted = SortedWindow()
        self._ankle_y_sorted: dict[str, SortedWindow] = {s: SortedWindow() for s in SIDES}
        self._still_since: float | None = None

    @staticmethod
    def usable(pose: PoseFrame) -> bool:
        """The legs and trunk are seen well enough to read."""
        return pose.has_person and pose.visible(*NEEDED, threshold=MIN_VISIBILITY)

    def read(self, pose: PoseFrame, view: str, holding: bool) -> tuple[Reading | None, bool]:
        """(the reading of a ``usable`` pose, None when its scale cannot be read; whether both feet
        have stood still long enough outside a hold for the floor to be where they are now)."""
        xy = pose.xy_px
        t = pose.timestamp_s
        shank = max(norm(xy[int(KNEE[s])] - xy[int(ANKLE[s])]) for s in SIDES)
        if not shank > 1e-6:
            return None, False
        if len(self._shanks) == self._shanks.maxlen:
            self._shanks_sorted.remove(self._shanks[0])  # the one append drops
        self._shanks.append(shank)
        self._shanks_sorted.add(shank)
        ref = self._shanks_sorted.percentile(90)  # = np.percentile(self._shanks, 90)
        ankle = {s: xy[int(ANKLE[s])].copy() for s in SIDES}
        # Ankle speed over the last ~0.2 s, not frame to frame: landmark jitter over one frame
        # interval reads as speed.
        prev = next((h for h in reversed(self.history) if h.t <= t - SPEED_WINDOW_S),
                    self.history[0] if self.history else None)
        dt = t - prev.t if prev is not None else 0.0
        speed = {s: norm(ankle[s] - prev.ankle[s]) / ref / dt if prev is not None and dt > 0 else 0.0
                 for s in SIDES}
        # Standing still on both feet outside a hold: this is where the floor is now (a foot put
        # down nearer or further from the camera sits lower or higher in the picture).
        both_still = not holding and all(v < STILL_FLOOR_SPEED_SHANK_S for v in speed.values())
        self._still_since = (self._still_since if self._still_since is not None else t) if both_still else None
        settled = self._still_since is not None and t - self._still_since >= FLOOR_RESET_S
        if settled:
            for s in SIDES:
                self._ankle_y[s] = deque([(t, float(ankle[s][1]))])
                self._ankle_y_sorted[s].clear()
                self._ankle_y_sorted[s].add(float(ankle[s][1]))
        lift = {}
        for s in SIDES:
            ys, sorted_ys = self._ankle_y[s], self._ankle_y_sorted[s]
            floor = sorted_ys.percentile(FLOOR_PERCENTILE) if ys else float(ankle[s][1])  # = np.percentile
            lift[s] = (floor - ankle[s][1]) / ref  # image y grows downwards
            if not ys or lift[s] < FLOOR_LEARN_SHANK:  # a foot held up teaches nothing about the floor
                ys.append((t, float(ankle[s][1])))
                sorted_ys.add(float(ankle[s][1]))
            while len(ys) > FLOOR_KEEP and ys[0][0] < t - FLOOR_WINDOW_S:
                sorted_ys.remove(ys.popleft()[1])
        hip = (xy[int(L.LEFT_HIP)] + xy[int(L.RIGHT_HIP)]) / 2
        shoulder = (xy[int(L.LEFT_SHOULDER)] + xy[int(L.RIGHT_SHOULDER)]) / 2
        r = Reading(t, ankle, lift, ref, hip, shoulder, trunk_lean_deg(pose, "image"), view, speed)
        self.history.append(r)
        while self.history and self.history[0].t < t - HISTORY_S:
            self.history.popleft()
        return r, settled

    def restart_stillness(self) -> None:
        """After a loss of balance: standing still counts only from now."""
        self._still_since = None
