"""The pose data that flows through the coach: plain numpy, no MediaPipe objects.

``PoseFrame`` is one estimate for one video frame; ``PoseSeries`` stacks a recording for
review (T x 33 x 4, NaN where nobody was found).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.pose.landmarks import NUM_LANDMARKS, Landmark


@dataclass(frozen=True)
class PoseFrame:
    """One frame's pose.

    ``image``: (33, 4) float array: x, y normalised to the frame (0..1, y down), z (MediaPipe's
    relative depth, same scale as x), visibility (0..1). ``world``: (33, 3) metres, origin between
    the hips, y down (MediaPipe's convention). Both are ``None`` when nobody was found.
    ``size``: (width, height) of the frame in pixels, so angles can be taken in square pixels.
    """

    timestamp_s: float
    image: np.ndarray | None
    world: np.ndarray | None
    size: tuple[int, int]

    def __post_init__(self) -> None:
        if (self.image is None) != (self.world is None):
            raise ValueError("image and world landmarks must both be present or both be None")
        if self.image is not None:
            if self.image.shape != (NUM_LANDMARKS, 4):
                raise ValueError(f"image landmarks must be (33, 4), got {self.image.shape}")
            if self.world.shape != (NUM_LANDMARKS, 3):  # type: ignore[union-attr]
                raise ValueError(f"world landmarks must be (33, 3), got {self.world.shape}")  # type: ignore[union-attr]

    @classmethod
    def empty(cls, timestamp_s: float, size: tuple[int, int]) -> "PoseFrame":
        return cls(timestamp_s, None, None, size)

    @property
    def has_person(self) -> bool:
        return self.image is not None

    @property
    def xy_px(self) -> np.ndarray:
        """(33, 2) image positions in pixels (NaN when nobody was found). Read-only: computed once
        per frame (the exercise logic asks for it several times a frame)."""
        xy = self.__dict__.get("_xy_px")
        if xy is None:
            if self.image is None:
                xy = np.full((NUM_LANDMARKS, 2), np.nan)
            else:
                xy = self.image[:, :2] * np.asarray(self.size, dtype=float)
            xy.flags.writeable = False
            self.__dict__["_xy_px"] = xy  # frozen: set past __setattr__; not a field (eq, repr, pickle skip it)
        return xy

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_xy_px"}

    @property
    def visibility(self) -> np.ndarray:
        if self.image is None:
            return np.zeros(NUM_LANDMARKS)
        return self.image[:, 3]

    def visible(self, *landmarks: Landmark, threshold: float = 0.5) -> bool:
        """True when every named landmark is seen with at least ``threshold`` visibility."""
        vis = self.visibility
        return all(vis[int(lm)] >= threshold for lm in landmarks)


@dataclass
class PoseSeries:
    """A recording's poses stacked for review: NaN rows where nobody was found."""

    timestamps_s: np.ndarray  # (T,)
    image: np.ndarray  # (T, 33, 4)
    world: np.ndarray  # (T, 33, 3)
    size: tuple[int, int]
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_frames(cls, frames: list[PoseFrame], size: tuple[int, int] | None = None) -> "PoseSeries":
        n = len(frames)
        image = np.full((n, NUM_LANDMARKS, 4), np.nan)
        world = np.full((n, NUM_LANDMARKS, 3), np.nan)
        for i, f in enumerate(frames):
            if f.has_person:
                image[i] = f.image
                world[i] = f.world
        ts = np.array([f.timestamp_s for f in frames], dtype=float)
        if size is None:
            size = frames[0].size if frames else (0, 0)
        return cls(ts, image, world, size)

    def __len__(self) -> int:
        return len(self.timestamps_s)

    def frame(self, i: int) -> PoseFrame:
        if np.isnan(self.image[i, 0, 0]):
            return PoseFrame.empty(float(self.timestamps_s[i]), self.size)
        return PoseFrame(float(self.timestamps_s[i]), self.image[i].copy(), self.world[i].copy(), self.size)

    def __iter__(self):
        return (self.frame(i) for i in range(len(self)))

    def save(self, path) -> None:
        np.savez_compressed(path, timestamps_s=self.timestamps_s, image=self.image, world=self.world,
                            size=np.asarray(self.size))

    @classmethod
    def load(cls, path) -> "PoseSeries":
        with np.load(path) as data:
            return cls(data["timestamps_s"], data["image"], data["world"], tuple(int(v) for v in data["size"]))
