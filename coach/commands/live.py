"""``coach live``: the webcam coach (a video file may stand in for the camera)."""
from __future__ import annotations

import json
import sys

from coach.commands.analyze import parse_thresholds, validate_choices
from coach.programme import threshold_range
from coach.live.fatigue import DEFAULT_MARGIN
from exercises import EXERCISE_NAMES, create_exercise, get_spec, is_timed_hold


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "live", help="coach an exercise live from the webcam",
        description="Live coaching from the webcam: rep counts, form cues, sets and rests. "
                    "Keys in the window: Space = start / carry on, R = end the set and rest, Q or Esc = stop.")
    p.add_argument("--exercise", "-e", required=True, help=f"one of: {', '.join(EXERCISE_NAMES)}")
    p.add_argument("--camera", default="0", help="camera index (0), /dev/videoN, or a video file played as a camera")
    p.add_argument("--side", default="auto", help="auto (the side that moves, default), left, right or both (both must move)")
    p.add_argument("--sets", type=int, default=2, help="number of sets (default 2)")
    p.add_argument("--reps", type=int, default=None, help="target reps per set (default 10; balance holds: holds a set, default 3)")
    p.add_argument("--rest", type=float, default=60.0, help="rest between sets in seconds (default 60)")
    p.add_argument("--model", default="full", help="pose model: lite, full (default) or heavy")
    p.add_argument("--no-window", action="store_true", help="no window (automation): sets start at once, no countdown")
    p.add_argument("--json", action="store_true", help="print the session summary as JSON at the end")
    p.add_argument("--patient", default=None, help="patient ID: save the session in the session store "
                   "(the thresholds of the patient's programme apply)")
    p.add_argument("--threshold", action="append", default=[], metavar="NAME=VALUE",
                   help="override one of the exercise's thresholds (repeatable), e.g. trunk_flexion_limit_deg=50")
    p.add_argument("--record-video", action="store_true", help="also keep the video (needs the patient's consent on record)")
    p.add_argument("--voice", default="auto", help="speech: auto (espeak-ng if installed), espeak-ng, espeak or none")
    p.add_argument("--tempo", type=float, default=None, metavar="PER_MIN",
                   help="metronome: reps a minute (e.g. 40); the beat is played and each rep timed against it")
    p.add_argument("--period", type=float, default=None, metavar="SECONDS",
                   help="metronome: seconds a rep (e.g. 4 for one sit-to-stand every 4 s); instead of --tempo")
    p.add_argument("--hold", type=float, default=None, metavar="SECONDS",
                   help="balance holds: target seconds of each hold (default: the programme's, else 30); "
                        "--reps is then the number of holds a set")
    p.add_argument("--beat-sound", default="auto",
                   help="the metronome's sound: auto (pw-cat, paplay or aplay), one of those, or none (shown only)")
    p.add_argument("--fatigue-margin", type=float, default=DEFAULT_MARGIN,
                   help="suggest a rest when the last reps of a set stay at least this much slower or smaller than "
                        "the earlier ones, and by more than the person's own rep-to-rep variation "
                        f"(default {DEFAULT_MARGIN:g})")
    p.add_argument("--caregiver", choices=("present", "absent"), default=None,
                   help="is someone with the patient? (asked before exercises that need spotting: balance holds, "
                        "step-ups); kept with the session; present: a loss of balance is said aloud for them at once")
    p.add_argument("--caregiver-help", choices=("none", "steadied", "lifted"), default=None,
                   help="did the caregiver help? (kept with the session; asked at the end when not given and "
                        "someone was with the patient)")
    from exercises.dual_task import TASK_NAMES

    p.add_argument("--dual-task", default=None, metavar="TASK",
                   help=f"dual-task practice: a thinking task said at each set's start and shown while it runs "
                   f"({', '.join(TASK_NAMES)}); the patient answers aloud, nothing of the voice is recorded")
    p.set_defaults(func=run_live)


def validate(args) -> None:
    validate_choices(args)
    if not 0.05 <= args.fatigue_margin <= 0.9:
        raise ValueError("--fatigue-margin must be between 0.05 and 0.9 (e.g. 0.3 for 30%)")
    if args.hold is not None and not 1 <= args.hold <= 600:
        raise ValueError("--hold must be from 1 to 600 seconds")
    if args.dual_task is not None:
        from exercises.dual_task import get_task

        get_task(args.dual_task)  # an unknown task is one line
    if args.record_video and not args.patient:
        raise ValueError("--record-video needs --patient (the video is kept with the patient's session)")
    if args.caregiver_help and args.caregiver != "present":
        raise ValueError("--caregiver-help needs --caregiver present")


def run_live(args) -> int:
    from coach.live.unsaved import EXIT_NOT_SAVED, final_words
    from coach.live.factory import LiveOptions, build_runner, open_recorder
    from coach.live.prescription import choose_tempo
    from coach.live.sinks import display_available

    validate(args)
    if not args.no_window and not display_available():
        print("coach: error: no display found for the live window; run with --no-window "
              "(add --json for the summary)", file=sys.stderr)
        return 2
    opts = LiveOptions(exercise=args.exercise, camera=args.camera, side=args.side, model=args.model,
                       sets=args.sets, reps=args.reps or default_reps(args.exercise), rest_s=args.rest, window=not args.no_window,
                       speech=args.voice, fatigue_margin=args.fatigue_margin, patient=args.patient,
                       record_video=args.record_video,
                       overrides=threshold_range.check(args.exercise, parse_thresholds(args.threshold)),
                       tempo=choose_tempo(args.tempo, args.period), hold_s=args.hold, beat_sound=args.beat_sound,
                       caregiver=args.caregiver or "", caregiver_mode=args.caregiver == "present",
                       dual_task=args.dual_task)
    create_exercise(opts.exercise, opts.side, opts.overrides)  # an unknown threshold fails now
    opts.plan()  # one-line errors for bad --sets/--reps/--rest before anything opens
    store = recorder = dual = None
    if args.patient:  # a store error is said by coach.cli.main, as every command's
        opts, store, recorder = open_recorder(opts)
    runner, estimator = build_runner(opts, recorder=recorder, store=store)
    try:
        summary = runner.run()
        if summary.unsaved and recorder is not None:  # a full disk: keep it, say so, retry a while
            summary.unsaved = "" if _keep_trying(recorder, summary.unsaved) else final_words(recorder)
        if not summary.unsaved and recorder is not None and args.caregiver == "present":
            _caregiver_help(args, store, recorder, summary)
        if not summary.unsaved and isinstance(getattr(recorder, "session_id", None), int) and args.dual_task:
            from coach.reports.dual_task import cost_for_session  # against today's set without the task

            found = cost_for_session(store, recorder.session_id)
            dual = found.to_dict() if found is not None else None
    finally:
        estimator.close()
        if store is not None:
            store.close()
    for note in opts.notes:
        print(f"coach: note: {note}", file=sys.stderr)
    for warning in summary.warnings:
        print(f"coach: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps({**summary.to_dict(), **({"dual_task": dual} if dual else {})}, indent=2))
    else:
        print_human(summary)
        if dual:
            from coach.commands.analyze import print_dual_task

            print_dual_task({**dual, "single_task_source": f"session {dual['single_task_session_id']}"
                             if dual.get("single_task_session_id") else ""})
    if summary.unsaved:
        print(f"coach: error: not saved: {summary.unsaved}", file=sys.stderr)
        return EXIT_NOT_SAVED
    if args.patient:  # a laptop paired with the clinic sends the session now (coach.sync)
        from coach.sync.client import after_session

        line = after_session()
        if line:
            print(f"coach: {line}", file=sys.stderr)
    return 0


def _caregiver_help(args, store, recorder, summary) -> None:
    """"Did they help?" after the session: ``--caregiver-help``, else asked on the terminal (a person
    at the keyboard only); kept as the session's ``caregiver_help`` event."""
    from coach.caregiver import ASK_HELP, HELP, HELP_KIND, HELP_WORDS

    answer = args.caregiver_help
    if answer is None and sys.stdin.isatty() and not args.no_window:
        menu = ", ".join(f"{i + 1} = {HELP_WORDS[h].lower()}" for i, h in enumerate(HELP))
        reply = input(f"{ASK_HELP} ({menu}): ").strip()
        answer = HELP[int(reply) - 1] if reply in ("1", "2", "3") else None
    if answer is None or not isinstance(recorder.session_id, int):
        return
    try:
        store.add_session_event(recorder.session_id, summary.duration_s, HELP_KIND, answer)
    except Exception as exc:  # noqa: BLE001 - the session itself is saved
        summary.warnings.append(f"whether the caregiver helped could not be saved: {exc}")


def _keep_trying(recorder, why: str) -> bool:
    from coach.live.unsaved import keep_trying, wait_s_from_env

    return keep_trying(recorder, why, lambda text: print(f"coach: {text}", file=sys.stderr, flush=True),
                       wait_s_from_env())


def default_reps(exercise: str) -> int:
    return 3 if is_timed_hold(exercise) else 10


def print_human(summary) -> None:
    title = get_spec(summary.exercise).label
    noun = "holds" if is_timed_hold(summary.exercise) else "reps"
    print(f"{title}: {summary.reps} {noun} in {len(summary.sets)} set(s) ({summary.status})")
    for s in summary.sets:
        note = f"  - {s.fatigue}" if s.fatigue else ""
        if s.holds:
            note += f"  - best hold {s.holds['best_s']:.1f} s, total {s.holds['total_s']:.1f} s"
        if s.pacing:
            note += f"  - {s.pacing['message']}"
        if s.ended_by:
            note += "  - stopped: loss of balance"
        print(f"  set {s.set_no}: {s.reps} of {s.target}{note}")
    lat = summary.latency()
    print(f"frames: {summary.frames_processed} processed, {summary.frames_dropped} dropped of {summary.frames_seen}; "
          f"latency p50 {lat['p50']} ms, p95 {lat['p95']} ms")
    from exercises.fatigue import detail_words

    for e in summary.events:  # a fatigue event's evidence (JSON) is in --json and the review, not here
        detail = detail_words(e.detail) if e.kind == "fatigue" else e.detail
        print(f"event at {e.time_s:.1f} s: {e.kind} {detail}".rstrip())
