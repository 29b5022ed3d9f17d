"""Deterministic test data: reps with metrics and faults, and pose frames."""
from __future__ import annotations

import numpy as np

from coach.pose.frame import PoseFrame
from exercises.base import Fault, Rep


def make_rep(i: int, *, counted: bool = True, rom: float = 85.0, faults: tuple[str, ...] = (),
             side: str = "") -> Rep:
    start = 3.0 * i
    return Rep(index=i if counted else 0, start_s=start, end_s=start + 2.5, counted=counted,
               metrics={"rom_deg": rom + i, "duration_s": 2.5},
               faults=tuple(Fault(code, start + 1.0, f"{code} seen") for code in faults),
               confidence="ok", side=side)


def make_frames(t0: float, n: int = 30, fps: float = 30.0, seed: int = 0) -> list[PoseFrame]:
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(n):
        ts = t0 + k / fps
        if k % 10 == 9:  # every tenth frame nobody was found
            frames.append(PoseFrame.empty(ts, (640, 480)))
        else:
            frames.append(PoseFrame(ts, rng.random((33, 4)), rng.random((33, 3)) - 0.5, (640, 480)))
    return frames
