"""``coach test NAME VIDEO [--patient ID]``: a validated clinical test, scored against its norm.

A score is given only when the recording supports it (``exercises.validated_tests.score_test``
checks the person was found through the test, the frame rate and timestamps, the whole test
duration, the picture's orientation); otherwise "cannot score: why", exit code 1, and nothing is
stored. With ``--patient`` the result is stored with the analysed session (reps and landmarks).
"""
from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from coach.analysis import AnalysisResult
from exercises import validated_tests as vt

EXIT_CANNOT_SCORE = 1


def score(test: str, result: AnalysisResult, age: int | None, sex: str | None, parkinsons: bool,
          condition: str = "", walking_aid: str = "", people=None, gait: dict | None = None) -> vt.TestResult:
    """Score ``test`` from an analysis. A video has no 'go': timed tests start at the first movement.
    The Timed Up and Go is timed from the smoothed poses themselves (rise to seat), not from reps.
    With ``people`` (every pose of every frame, ``coach.tug_video.tug_estimator``) a test that starts
    seated is scored on the patient picked among them (``coach.pose.patient``: timed, or its stands
    counted again on the patient alone), never on whoever else moves in view; with two people in
    view and no ``people`` (or a test that starts standing) it is not scored. ``gait``: gait speed's
    ``height_m``, ``course_m`` and ``marks_x`` (``exercises.gait_speed``)."""
    poses = result.poses
    timestamps = found = smoothed = None
    patient = None
    reps = result.reps
    if poses is not None and len(poses):
        import numpy as np

        timestamps = poses.timestamps_s
        found = ~np.isnan(poses.image[:, 0, 0])
        if people is not None and len(people) == len(poses) and starts_seated(test):
            from coach.tug_video import patient_poses

            patient, smoothed = patient_poses(people, timestamps)
            found = np.array([p.has_person for p in patient.poses], bool)
            if patient.problem:
                return vt.cannot_score(test, patient.problem, {"people_seen": patient.most_in_one_frame})
            if vt.canonical_test_id(test) != "timed-up-and-go":
                reps = _reps_of(smoothed, getattr(result, "side", "both"))  # the patient's stands only
        elif getattr(result, "counted_person", ""):
            # Two people in view and no look at everyone (or a test that starts standing, where
            # nothing tells the patient from the other person): never score the wrong one.
            return vt.cannot_score(test, f"two people were in view ({result.counted_person} was followed): "
                                         "record the test with only the patient in the picture")
        elif vt.canonical_test_id(test) in ("timed-up-and-go", "gait-speed"):
            from coach.smoothing import PoseSmoother

            smoother = PoseSmoother()
            smoothed = [smoother.apply(p) for p in poses]
    outcome = vt.score_test(test, reps, result.duration_s, age=age, sex=sex,
                            condition="parkinsons" if parkinsons else condition,
                            timestamps_s=timestamps, person_found=found,
                            orientation_problem=getattr(result, "orientation_problem", ""),
                            poses=smoothed, walking_aid=walking_aid, brightness=_brightness(result), **(gait or {}))
    if patient is not None:
        from dataclasses import replace

        outcome = replace(outcome, details={**outcome.details, "people_in_view": patient.most_in_one_frame,
                                            "timed_person": patient.where})
    return outcome


def _brightness(result: AnalysisResult) -> float | None:
    from coach.video_light import median_brightness

    source = Path(getattr(result, "source", "") or "")
    return median_brightness(source) if source.is_file() else None


def starts_seated(test: str) -> bool:
    """Tests that start seated (the chair stands, the TUG): the patient is the person seated at the
    start, whoever else moves in view (``coach.pose.patient``)."""
    return vt.TESTS[vt.canonical_test_id(test)].exercise == "sit-to-stand"


def _analyse_everyone(video, exercise: str, side: str, model: str, first: AnalysisResult):
    """The recording again with the pose model asked for several people: (result, people per frame)."""
    from coach.analysis import analyze_video
    from coach.tug_video import tug_estimator

    estimator = tug_estimator(model)
    try:
        again = analyze_video(video, exercise, side=side, model=model, estimator=estimator)
    finally:
        estimator.close()
    again.warnings = first.warnings  # what the first look said (a second person) still stands
    again.counted_person = first.counted_person
    return again, estimator.people_per_frame


def _reps_of(poses, side: str):
    """The sit-to-stand reps of these (smoothed) poses, in file mode's two passes."""
    from exercises import create_exercise

    exercise = create_exercise("sit-to-stand", side=side)
    for pose in poses:
        exercise.update(pose)
    end = poses[-1].timestamp_s if poses else 0.0
    exercise.finish(end)
    return exercise.second_pass(poses).reps


def register(subparsers) -> None:
    p = subparsers.add_parser("test", help="score a validated test (30 s chair stand, 5xSTS, functional reach, calf raise, "
                              "Timed Up and Go, gait speed)",
                              description="Analyse a recording of a validated test and score it against its norm.")
    p.add_argument("test", help=", ".join(vt.TEST_IDS))
    p.add_argument("video", type=Path)
    p.add_argument("--age", type=int, default=None, help="default: the patient's age when --patient is given")
    p.add_argument("--sex", default=None, help="f or m (for the chair-stand norm band; default: the patient's)")
    p.add_argument("--walking-aid", default="", metavar="AID",
                   help="Timed Up and Go: the walking aid used (stick, frame, ...); recorded with the time")
    p.add_argument("--height-cm", type=float, default=None,
                   help="gait speed: the person's height in cm (scales the picture; or give --marks)")
    p.add_argument("--course-m", type=float, default=4.0, help="gait speed: the distance between the two marks (m)")
    p.add_argument("--marks", default=None, metavar="X1,X2",
                   help="gait speed: where the two marks are across the picture, as fractions of its width "
                        "(e.g. 0.24,0.76), or 'auto' to find two strips of tape on the floor (falls back to "
                        "--height-cm); without it the course is centred on the picture")
    p.add_argument("--parkinsons", action="store_true", help="use Parkinson's disease cut-offs where published")
    p.add_argument("--patient", default=None, help="store the result for this patient")
    p.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")
    p.add_argument("--side", default="both")
    p.add_argument("--model", default="full")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--quiet", "-q", action="store_true")
    p.add_argument("--no-video", action="store_true", help="skip the annotated video (faster)")
    from coach.commands.analyze import add_sampling_options

    add_sampling_options(p)
    p.set_defaults(func=run_test)


def run_test(args) -> int:
    test = vt.canonical_test_id(args.test)  # ValueError names the choices
    if args.sex not in (None, "f", "m"):
        raise ValueError("--sex must be f or m")
    if args.age is not None and not 18 <= args.age <= 110:
        raise ValueError(f"--age {args.age} is outside 18-110")
    patient = _patient(args) if args.patient else None
    age = args.age if args.age is not None else getattr(patient, "age", None)
    sex = args.sex or getattr(patient, "sex", None)
    condition = getattr(patient, "condition", "") or ""
    gait = _gait_setup(args, patient) if test == "gait-speed" else None
    from coach.commands.analyze import run_analysis

    estimator = None
    if test == "timed-up-and-go":  # several people asked for, the patient picked among them
        from coach.tug_video import tug_estimator

        estimator = tug_estimator(args.model)
    analysis_args = Namespace(**{**vars(args), "exercise": vt.TESTS[test].exercise, "patient": None, "estimator": estimator})
    try:
        result, paths = run_analysis(args.video, analysis_args)  # saved below, together with the score
    finally:
        if estimator is not None:
            estimator.close()
    people = estimator.people_per_frame if estimator is not None else None
    if people is None and result.counted_person and starts_seated(test):
        # A second person was in view: look again at everyone, and score the one seated at the start.
        result, people = _analyse_everyone(args.video, vt.TESTS[test].exercise, args.side, args.model, result)
    unfound = ""
    if gait is not None and gait["marks_x"] == "auto":  # the tape marks looked for in the picture
        found = _found_marks(args.video, result)
        gait = {**gait, "marks_x": found.marks_x}
        unfound = found.why
    if unfound and gait["height_m"] is None:
        outcome = vt.cannot_score(test, f"the marks were not found in the picture ({unfound}): give your height "
                                        "(--height-cm) or where the marks are (--marks X1,X2)")
    else:
        outcome = score(test, result, age, sex, args.parkinsons, condition, walking_aid=args.walking_aid.strip(),
                        people=people, gait=gait)
    if unfound and outcome.value is not None:
        from dataclasses import replace

        outcome = replace(outcome, details={**outcome.details, "marks_not_found": unfound})
    if people is not None and result.poses is not None and len(people) == len(result.poses):
        from coach.pose.frame import PoseSeries
        from coach.pose.patient import follow_patient

        # The landmarks stored with the session are the patient's, not the model's first pose.
        track = follow_patient(people, result.poses.timestamps_s)
        result.poses = PoseSeries.from_frames(track.poses, result.poses.size)
    if test == "gait-speed":
        result.warnings = recording_warnings(result.warnings)
    if args.patient and outcome.cannot_score == "":
        paths["session"] = _store(args, result, outcome)
    if args.json:
        reps = None if test == "gait-speed" else len(result.counted)  # the walk has no reps
        print(json.dumps({**outcome.to_dict(), "reps": reps, "pose_coverage": result.pose_coverage,
                          "warnings": result.warnings, "outputs": {k: str(v) for k, v in paths.items()}}, indent=2))
    else:
        _print_human(test, outcome, result, paths)
    if outcome.cannot_score:
        print(f"coach: {test}: cannot score: {outcome.cannot_score}" + ("; nothing was stored" if args.patient else ""),
              file=sys.stderr)
        return EXIT_CANNOT_SCORE
    return 0


# What ``coach.analysis`` says of the recording itself (``_warnings`` and the orientation check), as
# opposed to what the exercise that tracked the poses says of its reps.
RECORDING_WARNINGS = ("nobody was found", "a person was found in only", "two people were in view",
                      "the video ended early", "the video was on its side")


def recording_warnings(warnings: list[str]) -> list[str]:
    """Gait speed is read from the poses, not from the reps of the exercise that tracked them (steps,
    freezes, movements not counted say nothing of the walk's time): the recording's warnings only."""
    from coach.analysis import ORIENTATION_PROBLEMS

    known = RECORDING_WARNINGS + tuple(ORIENTATION_PROBLEMS.values())
    return [w for w in warnings if w.startswith(known)]


def _found_marks(video, result):
    """The two tape marks found in the recording's picture (``coach.gait_marks``)."""
    from coach.gait_marks import find_marks, sample_frames

    poses = list(result.poses) if result.poses is not None else []
    return find_marks(sample_frames(video), poses)


def _gait_setup(args, patient) -> dict:
    """Gait speed's scale and course from the options (the height also from the patient's record,
    where it keeps one); a clear error before the video is analysed when neither scale is given."""
    height_cm = getattr(args, "height_cm", None) or getattr(patient, "height_cm", None)
    if height_cm is not None and not 80 <= height_cm <= 250:
        raise ValueError(f"--height-cm {height_cm:g} is outside 80-250")
    course = getattr(args, "course_m", 4.0)
    if not 1.0 <= course <= 30.0:
        raise ValueError(f"--course-m {course:g} is outside 1-30")
    marks = None
    if (getattr(args, "marks", None) or "").strip().lower() == "auto":
        marks = "auto"  # found in the picture after the analysis (``coach.gait_marks``)
    elif getattr(args, "marks", None):
        try:
            marks = tuple(float(v) for v in args.marks.split(","))
        except ValueError:
            marks = ()
        if len(marks) != 2 or marks[0] == marks[1] or not all(-0.5 <= m <= 1.5 for m in marks):
            raise ValueError(f"--marks {args.marks!r}: give two different places across the picture, e.g. 0.24,0.76")
    if height_cm is None and marks is None:
        raise ValueError("gait-speed needs the person's height (--height-cm 170) or where the marks are "
                         "(--marks X1,X2 or --marks auto)")
    return {"height_m": None if height_cm is None else height_cm / 100.0, "course_m": course, "marks_x": marks}


def _print_human(test: str, outcome: vt.TestResult, result: AnalysisResult, paths: dict) -> None:
    if outcome.cannot_score:
        print(f"{test}: cannot score: {outcome.cannot_score}")
    else:
        value = "not scored (failed protocol)" if outcome.value is None else f"{outcome.value:g} {outcome.unit}"
        print(f"{test}: {value}  (trust: {outcome.trust_text})")
        print(outcome.interpretation)
        if outcome.norm:
            print(f"Norm: {outcome.norm}")
        if outcome.flags:
            print(f"Flags: {', '.join(outcome.flags)}")
        if test == "gait-speed":
            d = outcome.details
            for pace in ("usual", "fast"):
                if d.get(f"{pace}_speed_m_s") is not None:
                    print(f"{pace.capitalize()} pace: {d[f'{pace}_speed_m_s']:.2f} m/s ({d['course_m']:g} m in "
                          f"{d[f'{pace}_time_s']:.2f} s, ±{d[f'{pace}_speed_error_m_s']:.2f} m/s from the timing)")
            if d.get("fast_problem"):
                print(f"Fast pace: not timed: {d['fast_problem']}")
        phases = outcome.details.get("phases") or {}
        if phases:
            print("Phases: " + ", ".join(f"{name.replace('_', ' ')} {'not seen' if s is None else f'{s:.1f} s'}"
                                         for name, s in phases.items()))
    for w in result.warnings:
        print(f"warning: {w}")
    for name, path in paths.items():
        print(f"{name}: {path}")


def _patient(args):
    from coach.store import NotFound, Store

    with Store.open(args.db) as store:
        try:
            return store.patient(args.patient)
        except NotFound:
            raise NotFound(f"no patient '{args.patient}' in {store.identity}; "
                           f"add one with: coach programme create {args.patient}") from None


def _store(args, result: AnalysisResult, outcome: vt.TestResult) -> str:
    from coach.commands.analyze import parse_thresholds
    from coach.programme import threshold_range
    from coach.store import Store
    from coach.store.from_analysis import save_analysis

    with Store.open(args.db) as store:
        thresholds = threshold_range.check(result.exercise, parse_thresholds(getattr(args, "threshold", None) or []))
        session_id = save_analysis(store, args.patient, result, args.video.name, test_result=outcome,
                                   thresholds=thresholds)
        return f"session {session_id} of patient {args.patient} ({store.identity})"
