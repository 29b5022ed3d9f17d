"""``coach analyze VIDEO`` and ``coach demo``: video-file mode."""
from __future__ import annotations

import argparse
import errno
import json
import math
import sys
from pathlib import Path

from coach import labels
from coach.analysis import AnalysisResult, analyze_video
from coach.programme import threshold_range
from coach.result_files import ResultFileError, check_writable, summary, write_outputs
from exercises import EXERCISE_NAMES, create_exercise, get_spec
from exercises.holds import hold_summary
from exercises.engine import SIDES
from exercises.validated_tests import five_times_sit_to_stand

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_VIDEO = REPO_ROOT / "sample_videos" / "sit_to_stand_side_5.mp4"
MODELS = ("lite", "full", "heavy")


def add_analysis_options(p: argparse.ArgumentParser, default_exercise: str | None = None) -> None:
    p.add_argument("--exercise", "-e", default=default_exercise, required=default_exercise is None,
                   help=f"one of: {', '.join(EXERCISE_NAMES)}")
    p.add_argument("--side", default="auto", help="auto (the side that moves, default), left, right or both (both must move)")
    p.add_argument("--model", default="full", help="pose model: lite, full (default) or heavy")
    p.add_argument("--out", type=Path, default=None, help="folder for the annotated video, reps.csv and summary.json")
    p.add_argument("--no-video", action="store_true", help="skip the annotated video (faster)")
    add_sampling_options(p)
    p.add_argument("--json", action="store_true", help="print the JSON summary to stdout")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--patient", default=None, help="patient ID: also save the analysis as a session in the store "
                   "(the thresholds of the patient's programme apply)")
    p.add_argument("--threshold", action="append", default=[], metavar="NAME=VALUE",
                   help="override one of the exercise's thresholds (repeatable), e.g. trunk_flexion_limit_deg=50")
    p.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")


def add_sampling_options(p: argparse.ArgumentParser) -> None:
    """--every-frame / --adaptive: the pose model on every frame, or where the movement needs it."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--every-frame", dest="every_frame", action="store_true", default=None,
                   help="run the pose model on every frame (the default)")
    g.add_argument("--adaptive", dest="every_frame", action="store_false",
                   help="run the pose model densely where the movement changes course and sparsely in rests and "
                   "holds, the frames between interpolated (faster; see README)")


def register(subparsers) -> None:
    p = subparsers.add_parser("analyze", help="analyse a recorded video", description="Count reps and check form in a video file.")
    p.add_argument("video", type=Path)
    add_analysis_options(p)
    add_dual_task_options(p)
    p.set_defaults(func=run_analyze)

    d = subparsers.add_parser("demo", help="analyse the bundled sample video and print the result")
    d.add_argument("--out", type=Path, default=None)
    d.add_argument("--json", action="store_true")
    d.add_argument("--model", default="full")
    d.set_defaults(func=run_demo)


def add_dual_task_options(p: argparse.ArgumentParser) -> None:
    from exercises.dual_task import TASK_NAMES

    p.add_argument("--dual-task", default=None, metavar="TASK",
                   help=f"the set was done with a thinking task ({', '.join(TASK_NAMES)}): kept with the session, "
                   "and its dual-task cost (pace, amplitude, rhythm) is reported against the same exercise without "
                   "the task: --single-task-video, else the patient's session of it that day (--patient)")
    p.add_argument("--single-task-video", type=Path, default=None, metavar="VIDEO",
                   help="with --dual-task: a video of the same exercise done without the task, to compare with")


def validate_choices(args) -> None:
    """One-line errors for bad names (argparse 'choices' would print a usage block)."""
    if args.exercise not in EXERCISE_NAMES:
        raise ValueError(f"unknown exercise '{args.exercise}': choose one of {', '.join(EXERCISE_NAMES)}")
    if args.side not in SIDES:
        raise ValueError(f"unknown side '{args.side}': choose {', '.join(SIDES)}")
    if args.model not in MODELS:
        raise ValueError(f"unknown model '{args.model}': choose lite, full or heavy")


def check_dual_task(args) -> None:
    """``--dual-task`` names a task and a counted exercise; ``--single-task-video`` goes with it."""
    if getattr(args, "dual_task", None) is not None:
        from exercises.dual_task import get_task

        get_task(args.dual_task)  # an unknown task is one line
        if get_spec(args.exercise).timed_hold:
            raise ValueError("--dual-task is for counted exercises (a balance hold has no pace or rhythm)")
    if getattr(args, "single_task_video", None) is not None and getattr(args, "dual_task", None) is None:
        raise ValueError("--single-task-video needs --dual-task (the task the main video was done with)")


def default_out_dir(video: Path) -> Path:
    return Path("coach-output") / video.stem


def run_analysis(video: Path, args) -> tuple[AnalysisResult, dict[str, Path]]:
    validate_choices(args)
    check_dual_task(args)
    overrides = {}
    if getattr(args, "patient", None):
        overrides = _check_patient(args)  # before the long part, not after it
    overrides.update(threshold_range.check(args.exercise, parse_thresholds(getattr(args, "threshold", []))))
    create_exercise(args.exercise, args.side, overrides)  # an unknown threshold fails now
    out_dir = args.out or default_out_dir(video)
    check_writable(out_dir)  # a read-only --out fails now, not after the analysis
    annotated = None if getattr(args, "no_video", False) else out_dir / "annotated.mp4"
    with ProgressBar(video, enabled=not getattr(args, "quiet", False)) as progress:
        result = analyze_video(video, args.exercise, side=args.side, model=args.model,
                               annotated_path=annotated, progress=progress, exercise_options=overrides,
                               estimator=getattr(args, "estimator", None),  # a test's own (the TUG's)
                               every_frame=getattr(args, "every_frame", None))
    saved = _save_session(args, video, result, overrides) if getattr(args, "patient", None) else None  # record first
    if getattr(args, "dual_task", None):
        result.dual_task = _dual_task_cost(args, result, overrides)
    kept = f" ({saved} was saved)" if saved else ""
    if result.video_error:  # a full disk: no half results (the partial video is already gone)
        raise ResultFileError(errno.ENOSPC if "space" in result.video_error else None,
                              f"{result.video_error}; nothing was written to {out_dir}{kept}")
    try:
        paths = write_outputs(result, out_dir)
    except OSError as e:
        if annotated is not None:  # all or nothing: this run's video goes with the results that did not fit
            annotated.unlink(missing_ok=True)
        raise ResultFileError(e.errno, f"{e}; nothing was written to {out_dir}{kept}") from e
    if annotated is not None:
        paths["annotated_video"] = annotated
    if saved:
        paths["session"] = saved
    return result, paths


def parse_thresholds(items: list[str]) -> dict[str, float]:
    """``NAME=VALUE`` pairs from the command line; a malformed one is a one-line error."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if sep and not math.isfinite(out[name.strip()]):  # nan, inf: never a threshold
            raise ValueError(f"--threshold {name.strip()} must be a finite number, got {value.strip()!r}")
        if not sep or not name.strip():
            raise ValueError(f"--threshold takes NAME=VALUE (a number), got {item!r}")
    return out


def _check_patient(args) -> dict[str, float]:
    """The patient exists; returns the thresholds their programme sets for this exercise."""
    from coach.programme.overrides import prescribed_overrides
    from coach.store import NotFound, Store

    with Store.open(args.db) as store:
        try:
            store.patient(args.patient)
        except NotFound:
            raise NotFound(f"no patient '{args.patient}' in {store.identity}; "
                           f"add one with: coach programme create {args.patient}") from None
        return prescribed_overrides(store, args.patient, args.exercise)


def _save_session(args, video: Path, result: AnalysisResult, thresholds: dict[str, float]) -> str:
    from coach.store import Store
    from coach.store.from_analysis import save_analysis

    with Store.open(args.db) as store:
        session_id = save_analysis(store, args.patient, result, video.name, thresholds=thresholds,
                                   dual_task=getattr(args, "dual_task", None) or "")
        return f"session {session_id} of patient {args.patient} ({store.identity})"


def _dual_task_cost(args, result: AnalysisResult, overrides: dict[str, float]) -> dict:
    """The task and its cost against the single-task video, else the patient's same-day session."""
    from datetime import datetime, timezone

    from coach.reports.dual_task import SessionCost, cost_between, measures_of, single_task_partner

    task = args.dual_task
    dual = measures_of(result.exercise, [result.reps])
    single, single_id, source = None, None, ""
    if args.single_task_video is not None:
        other = analyze_video(args.single_task_video, args.exercise, side=args.side, model=args.model,
                              annotated_path=None, exercise_options=overrides,
                              estimator=getattr(args, "estimator", None), every_frame=getattr(args, "every_frame", None))
        single, source = measures_of(result.exercise, [other.reps]), str(args.single_task_video)
        missing = f"too few counted reps in {args.single_task_video.name} to compare with"
    elif getattr(args, "patient", None):
        from coach.store import Store

        with Store.open(args.db) as store:
            found = single_task_partner(store, args.patient, result.exercise, datetime.now(timezone.utc))
        if found is not None:
            single_id, single = found[0].summary.id, found[1]
            source = f"session {single_id}"
        missing = f"no session of {result.exercise} without the task today for patient {args.patient}"
    else:
        missing = "nothing to compare with: give --single-task-video, or --patient for today's session without the task"
    if dual is None:
        out = SessionCost(None, task, single_id, reason="too few counted reps with the task to measure")
    elif single is None:
        out = SessionCost(None, task, single_id, reason=missing)
    else:
        out = SessionCost(None, task, single_id, cost_between(result.exercise, task, dual, single))
    data = out.to_dict()
    data.pop("session_id")
    data["single_task_source"] = source
    return data


def print_dual_task(data: dict) -> None:
    print(f"Dual task: {data['task_label']} (compared with {data['single_task_source'] or 'nothing'})")
    for line in data.get("words") or [data.get("reason", "")]:
        print(f"  {line}")


class ProgressBar:
    """tqdm on stderr, created lazily once the frame count is known."""

    def __init__(self, video: Path, enabled: bool):
        self.video, self.enabled, self.bar = video, enabled, None

    def __enter__(self):
        def update(done: int, total: int) -> None:
            if not self.enabled:
                return
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=total or None, unit="frame", desc=f"Analysing {self.video.name}",
                                file=sys.stderr, leave=False, mininterval=0.5)
            self.bar.update(done - self.bar.n)
        return update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


def print_human(result: AnalysisResult, paths: dict[str, Path]) -> None:
    title = get_spec(result.exercise).label
    seen = (f"(person found in {result.pose_coverage:.0%} of {result.frames} frames, {result.view} view, "
            f"model {result.model})")
    if get_spec(result.exercise).timed_hold:
        _print_holds(title, seen, result)
    else:
        print(f"{title}: {labels.reps_phrase(result.exercise, len(result.counted))} in {result.duration_s:.1f} s {seen}")
    if result.reps and not get_spec(result.exercise).timed_hold:
        print(f"{'rep':>4}  {'start':>7}  {'end':>7}  {'trust':5}  faults")
        for r in result.reps:
            label = str(r.index) if r.counted else "-"
            faults = ", ".join(r.fault_codes) or "none"
            note = "" if r.counted else "  (not counted)"
            print(f"{label:>4}  {r.start_s:6.2f}s  {r.end_s:6.2f}s  {r.confidence:5}  {faults}{note}")
    if result.dual_task:
        print_dual_task(result.dual_task)
    for w in result.warnings:
        print(f"warning: {w}")
    for name, path in paths.items():
        print(f"{name}: {path}")


def _print_holds(title: str, seen: str, result: AnalysisResult) -> None:
    held = hold_summary(result.counted)
    untimed = [r for r in result.reps if not r.counted and r.reason.startswith("not timed")]
    if untimed and not result.counted:  # never a bare "0 holds": say why none was timed
        print(f"{title}: no hold timed {seen}: {untimed[0].reason.removeprefix('not timed: ')}")
        return
    print(f"{title}: {held['holds']} holds in {result.duration_s:.1f} s, best {held['best_s']:.1f} s, "
          f"total {held['total_s']:.1f} s {seen}")
    if result.counted:
        print(f"{'hold':>4}  {'start':>7}  {'end':>7}  {'time':>6}  {'leg':5}  {'sway':>8}  ended because")
        for r in result.counted:
            sway = r.metrics.get("sway_hip_cm")
            sway_text = f"{sway:6.1f}cm" if sway is not None else "       -"
            print(f"{r.index:>4}  {r.start_s:6.2f}s  {r.end_s:6.2f}s  {r.metrics.get('hold_s', 0):5.1f}s  "
                  f"{r.side or '-':5}  {sway_text}  {r.reason}")
    for r in result.reps:
        if not r.counted and r.reason.startswith("not timed"):
            print(f"{r.start_s:6.2f}s-{r.end_s:.2f}s {r.reason}")
    for e in result.balance_events:
        print(f"LOSS OF BALANCE at {e['time_s']:.1f} s: {e['kind']} ({e['detail']})")


EXIT_TRUNCATED = 3  # results were saved, but the input was incomplete


def run_analyze(args) -> int:
    result, paths = run_analysis(args.video, args)
    if args.json:
        print(json.dumps(summary(result), indent=2))
        for w in result.warnings:  # stdout holds the JSON; warnings still reach the person
            print(f"coach: warning: {w}", file=sys.stderr)
    else:
        print_human(result, paths)
    if result.truncated:
        print(f"coach: error: {args.video} is truncated; the {result.frames} readable frames were analysed and saved",
              file=sys.stderr)
        return EXIT_TRUNCATED
    return 0


def run_demo(args) -> int:
    if not DEMO_VIDEO.exists():
        raise FileNotFoundError(f"sample video missing: {DEMO_VIDEO} (regenerate: python -m coach.synth, see sample_videos/README.md)")
    args.exercise, args.side, args.no_video, args.quiet = "sit-to-stand", "auto", False, False
    args.out = args.out or Path("coach-output") / "demo"
    result, paths = run_analysis(DEMO_VIDEO, args)
    if args.json:
        print(json.dumps(summary(result), indent=2))
        return 0
    print_human(result, paths)
    test = five_times_sit_to_stand(result.reps)
    print(f"Five-times sit-to-stand: {test.interpretation}")
    truth_file = DEMO_VIDEO.with_suffix(".json")
    if truth_file.exists():
        truth = json.loads(truth_file.read_text())
        verdict = "matches" if truth.get("true_reps") == len(result.counted) else "DIFFERS FROM"
        print(f"Ground truth (from the generator): {truth.get('true_reps')} reps, test time {truth.get('test_time_s')} s; "
              f"the count {verdict} the truth.")
    return 0
