"""Rebuild the real landmark tracks the robustness suite transforms.

Runs the pose model (full) once over each clip of a ground-truth manifest (the team's real
clips with human counts, ``../shared/eval/GROUND_TRUTH.tsv``) and keeps only the landmarks:
float16, at most 30 frames/s, compressed. The videos themselves are never copied.

    python tests/robustness/make_tracks.py ../shared/eval/GROUND_TRUTH.tsv tests/robustness/tracks
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from coach.evaluation import read_manifest
from coach.pose.estimator import PoseEstimator
from coach.pose.frame import PoseSeries
from coach.sources import VideoFileSource

MAX_FPS = 30.0


def extract(video: Path, model: str = "full") -> PoseSeries:
    source = VideoFileSource(video)
    step = max(1, int(round(source.fps / MAX_FPS)))
    frames = []
    with PoseEstimator(model=model, mode="video", people_check_interval_s=0) as estimator:
        for frame in source:
            if frame.index % step:
                continue
            frames.append(estimator.estimate(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB), frame.timestamp_s))
    return PoseSeries.from_frames(frames, source.size)


def save_small(series: PoseSeries, path: Path, meta: dict) -> None:
    np.savez_compressed(path, timestamps_s=series.timestamps_s.astype(np.float32),
                        image=series.image.astype(np.float16), world=series.world.astype(np.float16),
                        size=np.asarray(series.size), meta=np.asarray(json.dumps(meta)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("manifest", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--model", default="full")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for row in read_manifest(args.manifest):
        target = args.out / (row.path.stem + ".npz")
        if target.exists():
            continue
        series = extract(row.path, args.model)
        meta = {"exercise": row.exercise, "true_reps": row.true_reps, "rep_times_s": list(row.rep_times_s),
                "source": row.path.name, "model": args.model}
        save_small(series, target, meta)
        print(f"{target.name}: {len(series)} frames, {target.stat().st_size // 1024} KiB", flush=True)


if __name__ == "__main__":
    main()
