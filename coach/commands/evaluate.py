"""``coach eval MANIFEST``: accuracy against ground truth, per clip and in total."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from coach.analysis import analyze_video
from coach.evaluation import ClipScore, ManifestRow, evaluate, read_manifest, totals
from exercises.validated_tests import five_times_sit_to_stand


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="measure counting accuracy on clips with ground truth",
                              description="Run the coach over every clip of a TSV manifest (file, exercise, "
                                          "true_reps[, side, rep_times_s, test_time_s]) and compare with the truth.")
    p.add_argument("manifest", type=Path)
    p.add_argument("--model", default="full", help="lite, full (default) or heavy")
    p.add_argument("--json", action="store_true", help="print per-clip rows and totals as JSON")
    p.set_defaults(func=run_eval)


def _analyze(model: str):
    def run(row: ManifestRow):
        result = analyze_video(row.path, row.exercise, side=row.side, model=model)
        test_time = five_times_sit_to_stand(result.reps).score if row.test_time_s is not None else None
        # The pipeline's causal first pass is what live coaching would have counted on these landmarks.
        live = sum(r.counted for r in result.live_reps) if result.live_reps is not None else None
        return result.reps, result.pose_coverage, test_time, live, tuple(result.warnings)
    return run


def _print_row(score: ClipScore) -> None:
    if score.error:
        print(f"{score.row.path.name:42} {score.row.exercise:13} ERROR {score.error}")
        return
    timing = score.mean_rep_time_error_s
    tt = score.test_time_error_s
    live = f"  live {score.live_reps:2d}" if score.live_reps is not None else ""
    print(f"{score.row.path.name:42} {score.row.exercise:13} true {score.row.true_reps:2d}  got {score.predicted_reps:2d}  "
          f"err {score.count_error:+d}{live}  coverage {score.pose_coverage:4.0%}"
          + ("  SILENT ZERO" if score.silent_zero else "")
          + (f"  rep-time err {timing:.2f}s" if timing is not None else "")
          + (f"  test-time err {tt:+.2f}s" if tt is not None else ""), flush=True)


def run_eval(args) -> int:
    rows = read_manifest(args.manifest)
    if not rows:
        raise ValueError(f"{args.manifest}: no clips listed")
    scores = evaluate(rows, _analyze(args.model), on_clip=None if args.json else _print_row)
    summary = totals(scores)
    if args.json:
        print(json.dumps({
            "clips": [{"file": s.row.path.name, "exercise": s.row.exercise, "true_reps": s.row.true_reps,
                       "predicted_reps": s.predicted_reps, "count_error": s.count_error,
                       "predicted_rep_times_s": [round(t, 2) for t in s.predicted_rep_times_s],
                       "test_time_error_s": s.test_time_error_s, "pose_coverage": s.pose_coverage,
                       "live_reps": s.live_reps, "warnings": list(s.warnings),
                       "error": s.error} for s in scores],
            "totals": asdict(summary)}, indent=2))
    else:
        live = f" (live, one causal pass: exact {summary.live_exact_rate:.0%})" if summary.live_exact_rate is not None else ""
        print(f"\n{summary.clips} clips, file mode (two passes): exact {summary.exact_rate:.0%}{live}, "
              f"off by one {summary.off_by_one_rate:.0%}, "
              f"within one {summary.within_one_rate:.0%}, mean |count error| {summary.mean_abs_count_error:.2f}"
              + (f", mean |test-time error| {summary.mean_abs_test_time_error_s:.2f} s"
                 if summary.mean_abs_test_time_error_s is not None else "")
              + (f", {summary.failed} failed" if summary.failed else "")
              + f", silent zeros {summary.silent_zeros}")
    return 0 if summary.failed == 0 else 1
