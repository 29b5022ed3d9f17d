"""Pipeline speed against the bare pose model, on the same video, in one run.

Prints frames/s for: the bare MediaPipe PoseLandmarker (open, load, decode + estimate), ``coach analyze``
without the annotated video, and with it; the ratios to the bare model; and each run's peak
resident memory. Every measurement runs in its own child process (so peak memory is its own)
and the variants alternate over ``--rounds`` to spread machine noise; the best round counts.

    python bench/bench_pipeline.py [--video FILE] [--model full] [--rounds 2]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_VIDEO = REPO / "sample_videos" / "sit_to_stand_side_5.mp4"


def _bare(video: str, model: str) -> float:
    import cv2

    from coach.pose.estimator import PoseEstimator
    from coach.sources import VideoFileSource

    start, n = time.perf_counter(), 0  # from opening the file and loading the model, as coach analyze
    source = VideoFileSource(video)
    with PoseEstimator(model, people_check_interval_s=0) as estimator:  # the model alone
        for frame in source:
            estimator.estimate(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB), frame.timestamp_s)
            n += 1
    return n / (time.perf_counter() - start)


def _coach(video: str, model: str, with_video: bool, exercise: str) -> float:
    from coach.analysis import analyze_video

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = analyze_video(video, exercise, model=model,
                               annotated_path=Path(tmp) / "a.mp4" if with_video else None)
        return result.frames / (time.perf_counter() - start)


def _child(conn, kind: str, video: str, model: str, exercise: str) -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # MediaPipe's native logs
    if kind == "bare":
        fps = _bare(video, model)
    else:
        fps = _coach(video, model, kind == "coach+video", exercise)
    conn.send((fps, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(kind: str, video: str, model: str, exercise: str) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(child, kind, video, model, exercise))
    proc.start()
    fps, peak_mb = parent.recv()
    proc.join()
    return fps, peak_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--video", default=str(DEFAULT_VIDEO))
    ap.add_argument("--exercise", default="sit-to-stand")
    ap.add_argument("--model", default="full")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    kinds = ("bare", "coach", "coach+video")
    best = {k: (0.0, 0.0) for k in kinds}
    for r in range(args.rounds):
        for kind in kinds:
            fps, peak = measure(kind, args.video, args.model, args.exercise)
            print(f"round {r + 1}: {kind:12s} {fps:6.1f} frames/s  peak RSS {peak:6.0f} MB", flush=True)
            if fps > best[kind][0]:
                best[kind] = (fps, peak)
    bare = best["bare"][0]
    print(f"\nvideo {args.video}, model {args.model}, best of {args.rounds} rounds")
    labels = {"bare": "bare pose model (decode + estimate)", "coach": "coach analyze, no video",
              "coach+video": "coach analyze + annotated video"}
    for kind in kinds:
        fps, peak = best[kind]
        print(f"{labels[kind]:34s} {fps:6.1f} frames/s  ratio {fps / bare:4.2f}  peak RSS {peak:5.0f} MB")
    print("targets: ratio >= 0.90 without video, >= 0.75 with video")


if __name__ == "__main__":
    main()
