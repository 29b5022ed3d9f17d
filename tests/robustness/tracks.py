"""Real landmark tracks (from the team's real clips with human counts) and the exercise run over them.

``tracks/*.npz`` were made once by ``make_tracks.py`` (MediaPipe full, <= 30 frames/s, float16);
each carries its clip's human count and rep times in ``meta``. No video is stored.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from coach.pose.frame import PoseSeries
from coach.smoothing import PoseSmoother
from exercises import create_exercise

TRACKS = Path(__file__).parent / "tracks"


def load_track(path: Path) -> tuple[PoseSeries, dict]:
    with np.load(path, allow_pickle=False) as d:
        series = PoseSeries(d["timestamps_s"].astype(float), d["image"].astype(float), d["world"].astype(float),
                            tuple(int(v) for v in d["size"]))
        meta = json.loads(str(d["meta"]))
    return series, meta


def run(series: PoseSeries, exercise: str, side: str = "auto", two_pass: bool = True, overrides=None):
    """The exercise after one causal pass (live) or after the file mode's second pass."""
    smoother = PoseSmoother()
    poses = [smoother.apply(f) for f in series]
    ex = create_exercise(exercise, side=side, overrides=overrides)
    for p in poses:
        ex.update(p)
    ex.finish(poses[-1].timestamp_s if poses else 0.0)
    return ex.second_pass(poses) if two_pass else ex


def counted(ex) -> int:
    return sum(r.counted for r in ex.reps)
