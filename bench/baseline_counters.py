"""The coach against the simple two-threshold counters public rep-counter repositories use, on
the SAME MediaPipe landmarks of each clip, in one run.

Baselines (as the exercise issue describes them): sit-to-stand and squat count knee angle below
100 deg then above 160 deg; arm raise counts shoulder angle above 80 then below 20; heel raise
counts a heel lift against the first second's baseline above 15% of foot length, then back
below 5%. Angles are the mean of the two sides, in image pixels, like those repositories.

    python bench/baseline_counters.py [MANIFEST.tsv] [--model full]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from coach.analysis import analyze_video  # noqa: E402
from coach.evaluation import read_manifest  # noqa: E402
from coach.geometry import joint_angle  # noqa: E402
from coach.pose.frame import PoseSeries  # noqa: E402
from coach.pose.landmarks import Landmark as L  # noqa: E402

DEFAULT_MANIFEST = Path("/work/shared/eval/GROUND_TRUTH.tsv")


def two_threshold_count(signal: np.ndarray, enter_below: bool, enter: float, leave: float) -> int:
    """Counts enter-then-leave cycles of a signal (NaN frames are skipped)."""
    count, inside = 0, False
    for v in signal:
        if np.isnan(v):
            continue
        if not inside and (v < enter if enter_below else v > enter):
            inside = True
        elif inside and (v > leave if enter_below else v < leave):
            inside, count = False, count + 1
    return count


def mean_angle(series: PoseSeries, name: str) -> np.ndarray:
    return np.array([np.nanmean([joint_angle(f, f"{side}_{name}") for side in ("left", "right")])
                     if f.has_person else np.nan for f in series])


def heel_lift_ratio(series: PoseSeries) -> np.ndarray:
    heel_y = np.nanmean(series.image[:, [L.LEFT_HEEL, L.RIGHT_HEEL], 1] * series.size[1], axis=1)
    foot = np.nanmean(np.linalg.norm((series.image[:, [L.LEFT_HEEL, L.RIGHT_HEEL], :2]
                                      - series.image[:, [L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX], :2])
                                     * np.asarray(series.size), axis=2), axis=1)
    first_second = series.timestamps_s <= series.timestamps_s[0] + 1.0
    baseline = np.nanmedian(heel_y[first_second])
    return (baseline - heel_y) / np.nanmedian(foot)  # up is positive


def baseline_count(exercise: str, series: PoseSeries) -> int:
    if exercise in ("sit-to-stand", "squat"):
        return two_threshold_count(mean_angle(series, "knee"), True, 100.0, 160.0)
    if exercise == "arm-raise":
        return two_threshold_count(mean_angle(series, "shoulder"), False, 80.0, 20.0)
    if exercise == "heel-raise":
        return two_threshold_count(heel_lift_ratio(series), False, 0.15, 0.05)
    raise ValueError(f"no baseline for {exercise}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest", nargs="?", type=Path, default=DEFAULT_MANIFEST)
    ap.add_argument("--model", default="full")
    args = ap.parse_args()
    exact = {"coach": 0, "baseline": 0}
    rows = read_manifest(args.manifest)
    print(f"{'clip':42} {'truth':>5} {'coach':>5} {'baseline':>8}")
    for row in rows:
        result = analyze_video(row.path, row.exercise, side=row.side, model=args.model)
        ours, theirs = len(result.counted), baseline_count(row.exercise, result.poses)
        exact["coach"] += ours == row.true_reps
        exact["baseline"] += theirs == row.true_reps
        print(f"{row.path.name:42} {row.true_reps:5d} {ours:5d} {theirs:8d}", flush=True)
    print(f"\nexact counts: coach {exact['coach']}/{len(rows)}, two-threshold baseline {exact['baseline']}/{len(rows)}")


if __name__ == "__main__":
    main()
