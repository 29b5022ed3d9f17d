"""Landmark tracks as compressed chunks: what ``pose_chunks.data`` holds.

A chunk is an ``np.savez_compressed`` archive of ``timestamps_s`` (float64, T), ``image`` (float32,
T x 33 x 4) and ``world`` (float32, T x 33 x 3), NaN rows where nobody was found, and ``size``.
float32 keeps ~7 significant digits: far below the estimator's own error, at half the bytes.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np

from coach.pose.frame import PoseFrame, PoseSeries
from coach.pose.landmarks import NUM_LANDMARKS


def encode_chunk(frames: Sequence[PoseFrame]) -> bytes:
    return encode_series(PoseSeries.from_frames(list(frames)))


def encode_series(series: PoseSeries) -> bytes:
    """The same archive from a whole series (a recorded clip's track)."""
    buf = io.BytesIO()
    np.savez_compressed(buf, timestamps_s=series.timestamps_s, image=series.image.astype(np.float32),
                        world=series.world.astype(np.float32), size=np.asarray(series.size))
    return buf.getvalue()


def decode_chunk(data: bytes) -> PoseSeries:
    with np.load(io.BytesIO(data)) as z:
        return PoseSeries(z["timestamps_s"], z["image"].astype(float), z["world"].astype(float),
                          tuple(int(v) for v in z["size"]))


def concat(chunks: Sequence[PoseSeries]) -> PoseSeries:
    """One series from chunks in time order (an empty series when there are none)."""
    if not chunks:
        return PoseSeries(np.empty(0), np.empty((0, NUM_LANDMARKS, 4)), np.empty((0, NUM_LANDMARKS, 3)), (0, 0))
    return PoseSeries(np.concatenate([c.timestamps_s for c in chunks]),
                      np.concatenate([c.image for c in chunks]),
                      np.concatenate([c.world for c in chunks]), chunks[0].size)
