"""``coach eval MANIFEST [MANIFEST ...]``: accuracy against ground truth, per clip and in total.

A counts manifest (GROUND_TRUTH.tsv) is measured twice per clip: file mode (``coach analyze``)
and the live loop itself with the clip as its camera (``coach live --camera CLIP``, with its
set-up check and safety monitor, in real time). A timings manifest (TIMED_TRUTH.tsv) is measured
as ``coach test`` / ``coach analyze`` would time it.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from coach.analysis import analyze_video
from coach.evaluation import (ClipScore, ManifestRow, TimedMeasure, TimedRow, TimedScore, evaluate, evaluate_timed,
                              is_timed_manifest, read_manifest, read_timed_manifest, totals)
from exercises.validated_tests import five_times_sit_to_stand

LIVE_EVENTS = ("fall_like", "fatigue", "out_of_view")  # what the live loop recorded that a clip's row shows


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="measure counting and timing accuracy on clips with ground truth",
                              description="Run the coach over every clip of TSV manifests and compare with the truth: "
                                          "counts (file, exercise, true_reps[, side, rep_times_s, test_time_s]) in "
                                          "file mode and through the live loop itself; timings (file, test, start_s, "
                                          "end_s, time_s) for the Timed Up and Go and balance holds.")
    p.add_argument("manifest", type=Path, nargs="+", help="GROUND_TRUTH.tsv and/or TIMED_TRUTH.tsv")
    p.add_argument("--model", default="full", help="lite, full (default) or heavy")
    p.add_argument("--no-live", action="store_true",
                   help="skip the live loop (it plays each clip in real time, as a camera would)")
    p.add_argument("--json", action="store_true", help="print per-clip rows and totals as JSON")
    p.set_defaults(func=run_eval)


def _analyze(model: str, live: bool):
    def run(row: ManifestRow):
        result = analyze_video(row.path, row.exercise, side=row.side, model=model)
        test_time = five_times_sit_to_stand(result.reps).score if row.test_time_s is not None else None
        live_reps, live_events = None, ()
        if live:
            from coach.live.headless import run_live_on_file

            summary = run_live_on_file(row.path, row.exercise, side=row.side, model=model)
            live_reps = summary.reps
            live_events = tuple(e.kind for e in summary.events if e.kind in LIVE_EVENTS)
        return result.reps, result.pose_coverage, test_time, live_reps, tuple(result.warnings), live_events
    return run


def _measure(model: str):
    def run(row: TimedRow) -> TimedMeasure:
        if row.test in ("timed-up-and-go", "tug"):  # as coach test times it: on the patient among everyone seen
            from coach.commands.validated import score
            from coach.tug_video import tug_estimator

            estimator = tug_estimator(model)
            try:
                result = analyze_video(row.path, "sit-to-stand", side="both", model=model, estimator=estimator)
            finally:
                estimator.close()
            outcome = score("timed-up-and-go", result, age=None, sex=None, parkinsons=False,
                            people=estimator.people_per_frame)
            return TimedMeasure(outcome.value, outcome.details.get("start_s"), outcome.details.get("seated_s"),
                                tuple(outcome.flags), outcome.cannot_score)
        # A balance hold: the longest timed hold of the clip (what the physio reads as the best).
        holds = [r for r in analyze_video(row.path, row.test, model=model).reps if r.counted]
        if not holds:
            return TimedMeasure(None, problem="no hold timed")
        best = max(holds, key=lambda r: r.metrics.get("hold_s", r.end_s - r.start_s))
        return TimedMeasure(best.metrics.get("hold_s", best.end_s - best.start_s), best.start_s, best.end_s)
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
          + (f"  test-time err {tt:+.2f}s" if tt is not None else "")
          + (f"  live events: {', '.join(score.live_events)}" if score.live_events else ""), flush=True)


def _print_timed(score: TimedScore) -> None:
    name = f"{score.row.path.name:42} {score.row.test:17}"
    if score.error or score.measure.time_s is None:
        print(f"{name} true {score.row.time_s:6.2f}s  NO TIME: {score.error or score.measure.problem}", flush=True)
        return
    m = score.measure
    ends = "".join(f"  {what} {err:+.2f}s" for what, err in (("start", score.start_error_s), ("end", score.end_error_s))
                   if err is not None)
    print(f"{name} true {score.row.time_s:6.2f}s  got {m.time_s:6.2f}s  err {score.time_error_s:+.2f}s"
          f" ({'within' if score.within_tolerance else 'OUTSIDE'} {score.row.tolerance_s:g} s){ends}"
          + (f"  flags: {', '.join(m.flags)}" if m.flags else ""), flush=True)


def _timed_dict(s: TimedScore) -> dict:
    return {"file": s.row.path.name, "test": s.row.test, "true": {"start_s": s.row.start_s, "end_s": s.row.end_s,
                                                                 "time_s": s.row.time_s},
            "measured": asdict(s.measure), "time_error_s": s.time_error_s, "start_error_s": s.start_error_s,
            "end_error_s": s.end_error_s, "within_tolerance": s.within_tolerance, "tolerance_s": s.row.tolerance_s,
            "error": s.error}


def run_eval(args) -> int:
    counts, timed = [], []
    for manifest in args.manifest:
        if not Path(manifest).exists():
            raise FileNotFoundError(f"no such manifest: {manifest}")
        (timed if is_timed_manifest(manifest) else counts).append(manifest)
    rows = [r for m in counts for r in read_manifest(m)]
    timed_rows = [r for m in timed for r in read_timed_manifest(m)]
    if not rows and not timed_rows:
        raise ValueError(f"{', '.join(map(str, args.manifest))}: no clips listed")
    live = not args.no_live
    scores = evaluate(rows, _analyze(args.model, live), on_clip=None if args.json else _print_row) if rows else []
    timed_scores = evaluate_timed(timed_rows, _measure(args.model), on_clip=None if args.json else _print_timed)
    summary = totals(scores) if scores else None
    if args.json:
        print(json.dumps({
            "clips": [{"file": s.row.path.name, "exercise": s.row.exercise, "true_reps": s.row.true_reps,
                       "predicted_reps": s.predicted_reps, "count_error": s.count_error,
                       "predicted_rep_times_s": [round(t, 2) for t in s.predicted_rep_times_s],
                       "test_time_error_s": s.test_time_error_s, "pose_coverage": s.pose_coverage,
                       "live_reps": s.live_reps, "live_events": list(s.live_events), "warnings": list(s.warnings),
                       "error": s.error} for s in scores],
            "totals": asdict(summary) if summary else None,
            "live_measured_by": "the live loop (coach live --camera CLIP, set-up check and safety monitor)" if live else None,
            "timed": [_timed_dict(s) for s in timed_scores],
            "timed_within_tolerance": sum(s.within_tolerance for s in timed_scores)}, indent=2))
    else:
        if summary is not None:
            live_words = (f" Live loop (coach live --camera CLIP, set-up check and safety monitor, real time): "
                          f"exact {summary.live_exact_rate:.0%}, within one {summary.live_within_one_rate:.0%}, "
                          f"clips with a fall {summary.live_falls}, with a fatigue finding {summary.live_fatigue}."
                          if summary.live_exact_rate is not None else "")
            print(f"\n{summary.clips} clips, file mode: exact {summary.exact_rate:.0%}, "
                  f"off by one {summary.off_by_one_rate:.0%}, "
                  f"within one {summary.within_one_rate:.0%}, mean |count error| {summary.mean_abs_count_error:.2f}"
                  + (f", mean |test-time error| {summary.mean_abs_test_time_error_s:.2f} s"
                     if summary.mean_abs_test_time_error_s is not None else "")
                  + (f", {summary.failed} failed" if summary.failed else "")
                  + f", silent zeros {summary.silent_zeros}.{live_words}")
        if timed_scores:
            print(f"{len(timed_scores)} timed clips: {sum(s.within_tolerance for s in timed_scores)} within tolerance "
                  f"(Timed Up and Go 0.5 s, holds 0.3 s).")
    failed = (summary.failed if summary else 0) + sum(bool(s.error) for s in timed_scores)
    return 0 if failed == 0 else 1
