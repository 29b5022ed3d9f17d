"""``coach test NAME VIDEO``: the validated clinical tests, scored against their norms."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from coach.analysis import AnalysisResult
from coach.commands.analyze import run_analysis
from exercises import validated_tests as vt

# test name -> (exercise analysed, scoring function of the result)
TESTS = {
    "chair-stand-30s": "sit-to-stand",
    "five-times-sts": "sit-to-stand",
    "functional-reach": "reach",
    "calf-raise-30s": "heel-raise",
}


SEX_NAMES = {"f": "female", "m": "male"}  # the CLI's short flags -> the norm tables' keys


def score(test: str, result: AnalysisResult, age: int | None, sex: str | None, parkinsons: bool) -> vt.TestResult:
    """Score ``test`` from an analysis. Timed tests start at the first movement: a video has no 'go'."""
    reps = result.reps
    start = min((r.start_s for r in reps), default=0.0)
    if test == "chair-stand-30s":
        return vt.chair_stand_30s(reps, start, end_s=result.duration_s, age=age, sex=SEX_NAMES.get(sex or ""))
    if test == "five-times-sts":
        return vt.five_times_sit_to_stand(reps, age=age, parkinsons=parkinsons)
    if test == "functional-reach":
        return vt.functional_reach(reps, parkinsons=parkinsons)
    return vt.calf_raise_30s(reps, start, end_s=result.duration_s)


def register(subparsers) -> None:
    p = subparsers.add_parser("test", help="score a validated test (30 s chair stand, 5xSTS, functional reach, calf raise)",
                              description="Analyse a recording of a validated test and score it against its norm.")
    p.add_argument("test", help=", ".join(TESTS))
    p.add_argument("video", type=Path)
    p.add_argument("--age", type=int, default=None)
    p.add_argument("--sex", default=None, help="f or m (for the chair-stand norm band)")
    p.add_argument("--parkinsons", action="store_true", help="use Parkinson's disease cut-offs where published")
    p.add_argument("--side", default="both")
    p.add_argument("--model", default="full")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=run_test)


def run_test(args) -> int:
    if args.test not in TESTS:
        raise ValueError(f"unknown test '{args.test}': choose one of {', '.join(TESTS)}")
    if args.sex not in (None, "f", "m"):
        raise ValueError("--sex must be f or m")
    if args.age is not None and not 18 <= args.age <= 110:
        raise ValueError(f"--age {args.age} is outside 18-110")
    args.exercise, args.no_video = TESTS[args.test], False
    result, paths = run_analysis(args.video, args)
    outcome = score(args.test, result, args.age, args.sex, args.parkinsons)
    if args.json:
        print(json.dumps({**asdict(outcome), "reps": len(result.counted), "pose_coverage": result.pose_coverage,
                          "warnings": result.warnings, "outputs": {k: str(v) for k, v in paths.items()}}, indent=2))
        return 0
    value = "not scored" if outcome.score is None else f"{outcome.score:g} {outcome.unit}"
    print(f"{args.test}: {value}  (trust: {outcome.trust})")
    print(outcome.interpretation)
    if outcome.norm:
        print(f"Norm: {outcome.norm}")
    if outcome.flags:
        print(f"Flags: {', '.join(outcome.flags)}")
    for w in result.warnings:
        print(f"warning: {w}")
    return 0
