"""Dev helper: run the exercises over cached MediaPipe poses of the eval clips, print count vs truth.

python -m tests.exercises.run_eval [full|lite] [--smooth] [--verbose]
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from coach.pose.frame import PoseSeries
from coach.smoothing import PoseSmoother
from exercises import create_exercise

EVAL = Path("/work/shared/eval")
CACHE = Path("/tmp/coach_eval_poses")


def run(model: str = "full", smooth: bool = True, verbose: bool = False) -> int:
    rows = list(csv.DictReader(open(EVAL / "GROUND_TRUTH.tsv"), delimiter="\t"))
    exact = 0
    for row in rows:
        clip = row["file"].removesuffix(".mp4")
        path = CACHE / f"{clip}.{model}.npz"
        if not path.exists():
            print(f"{clip:40s} (no cache)")
            continue
        series = PoseSeries.load(path)
        ex = create_exercise(row["exercise"])
        smoother = PoseSmoother()
        warnings = []
        for pose in series:
            events = ex.update(smoother.apply(pose) if smooth else pose)
            warnings += [e for e in events if e.kind == "warning"]
        ex.finish(float(series.timestamps_s[-1]))
        counted = [r for r in ex.reps if r.counted]
        truth = int(row["true_reps"])
        exact += len(counted) == truth
        times = [r.metrics.get("stand_time_s", r.end_s) for r in counted]
        print(f"{clip:40s} {len(counted):2d} / {truth:2d} {'OK ' if len(counted) == truth else 'BAD'} "
              f"times {','.join(f'{t:.1f}' for t in times)} | truth {row['rep_times_s']}")
        if verbose:
            for r in ex.reps:
                print(f"    {r.index} {r.start_s:5.1f}-{r.end_s:5.1f} counted={r.counted} conf={r.confidence} "
                      f"view={r.view} faults={r.fault_codes} {r.metrics}")
            for w in warnings:
                print(f"    warn {w.time_s:.1f} {w.message}")
    print(f"exact {exact}/{len(rows)}")
    return exact


if __name__ == "__main__":
    args = sys.argv[1:]
    run("lite" if "lite" in args else "full", smooth="--raw" not in args, verbose="--verbose" in args)
