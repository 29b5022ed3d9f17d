"""Shared fixtures: small videos made on the fly (never our own output as truth)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from coach.pose.model_files import ModelError, model_path
from coach.video_writer import BrowserVideoWriter


def require_model(name: str) -> None:
    """Skip (with the fix in the reason) when a pose model bundle is missing or damaged."""
    try:
        model_path(name)
    except ModelError as exc:
        pytest.skip(str(exc))


def write_noise_video(path: Path, frames: int = 30, size=(320, 240), fps: float = 30.0, seed: int = 0) -> Path:
    """A room with nobody in it: a gradient wall plus sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    wall = np.tile(np.linspace(60, 160, w, dtype=np.uint8), (h, 1))
    with BrowserVideoWriter(path, fps, size) as writer:
        for _ in range(frames):
            img = cv2.merge([wall, wall, wall]).astype(np.int16) + rng.integers(-8, 8, (h, w, 3))
            writer.write(np.clip(img, 0, 255).astype(np.uint8))
    return path


@pytest.fixture(scope="session")
def empty_room_video(tmp_path_factory) -> Path:
    return write_noise_video(tmp_path_factory.mktemp("videos") / "empty_room.mp4", frames=45)
