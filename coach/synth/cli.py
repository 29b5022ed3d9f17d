"""``python -m coach.synth`` (``coach synth``): write a synthetic exercise clip and its truth.

    python -m coach.synth --exercise sit-to-stand --view side --reps 5 --out sample_videos \\
        --partial 3 --fault 2:trunk_flexion --fault 4:hands_on_thighs,uncontrolled_sit
    python -m coach.synth --exercise single-leg-stance --view front --reps 2 --hold 8 --out DIR
    python -m coach.synth --test timed-up-and-go --view oblique --speed 0.8 --out DIR
    python -m coach.synth --test gait-speed --walk-speeds 1.0,1.4 --out DIR   # usual, then fast (m/s)

``--view oblique``: a side view turned 30 deg (the TUG's walk then also goes away from the camera).
``--format y4m`` writes raw frames for Chromium's fake camera instead of an mp4.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from coach.synth.clip import generate, write_clip
from coach.synth.spec import EXERCISES, VIEWS, ClipSpec

TESTS = ("timed-up-and-go", "gait-speed")  # validated tests with a script of their own (not exercise specs)
OBLIQUE_YAW_DEG = 30.0
TUG_SIZE = (960, 540)  # the chair and the whole 3 m path in view


def _size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)


def _per_rep(items: list[str], convert) -> dict[int, object]:
    """``["2:a,b", "4:c"]`` -> ``{2: convert("a,b"), 4: convert("c")}``."""
    out = {}
    for item in items:
        rep, _, value = item.partition(":")
        if not value:
            raise argparse.ArgumentTypeError(f"expected REP:VALUE, got {item!r}")
        out[int(rep)] = convert(value)
    return out


def build_parser(prog: str = "python -m coach.synth") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description="Write a synthetic exercise video (mp4) with its ground-truth JSON.")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--exercise", choices=EXERCISES)
    what.add_argument("--test", choices=TESTS, help="a validated test with its own script")
    ap.add_argument("--view", default="side", choices=(*VIEWS, "oblique"))
    ap.add_argument("--side", default="both", choices=("left", "right", "both"))
    ap.add_argument("--reps", type=int, default=5, help="reps that count (partial attempts come on top)")
    ap.add_argument("--out", required=True, type=Path, help="output folder")
    ap.add_argument("--name", help="file name without extension (default: EXERCISE_VIEW_REPS)")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--size", type=_size, default=None, help="WxH, e.g. 640x480 (default; TUG 960x540)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--partial", default="", help="attempt numbers that are partial (not counted), e.g. 3,6")
    ap.add_argument("--fault", action="append", default=[], metavar="REP:CODE[,CODE]",
                    help="inject fault codes into an attempt (repeatable)")
    ap.add_argument("--pause", action="append", default=[], metavar="REP:SECONDS", help="extra rest after an attempt")
    ap.add_argument("--tempo", type=float, default=1.0, help="speed of every rep (2 = twice as fast)")
    ap.add_argument("--rep-tempo", action="append", default=[], metavar="REP:FACTOR", help="speed of one attempt")
    ap.add_argument("--facing", default="right", choices=("left", "right"))
    ap.add_argument("--yaw", type=float, default=0.0, help="extra turn of the person (deg)")
    ap.add_argument("--arm-mode", default="flexion", choices=("flexion", "abduction"))
    ap.add_argument("--weak-side", default="right", choices=("left", "right"))
    ap.add_argument("--background", default="plain", choices=("plain", "cluttered"))
    ap.add_argument("--figure-scale", type=float, default=0.72, help="standing height / frame height")
    ap.add_argument("--center-x", type=float, default=0.5)
    ap.add_argument("--height", type=float, default=1.70, help="person's height in metres")
    ap.add_argument("--noise", type=float, default=2.0, help="pixel noise sigma")
    ap.add_argument("--camouflage", type=float, default=0.0, help="0..1: clothes toward the wall's colour")
    ap.add_argument("--brightness", type=float, default=1.0)
    ap.add_argument("--start-rest", type=float, default=2.0)
    ap.add_argument("--end-rest", type=float, default=1.2)
    ap.add_argument("--hold", type=float, default=0.0, help="balance holds: seconds per hold (default: the script's)")
    ap.add_argument("--speed", type=float, default=1.0, help="TUG: pace of every phase (0.8 = slower)")
    ap.add_argument("--walk-s", type=float, default=3.6, help="TUG: seconds for each 3 m walk at speed 1")
    ap.add_argument("--walk-speeds", default="1.2,1.6", help="gait speed: m/s of each walk (usual, then fast)")
    ap.add_argument("--course", type=float, default=4.0, help="gait speed: metres between the two marks")
    ap.add_argument("--view-m", type=float, default=None, help="gait speed: metres of the walk the picture's width shows")
    ap.add_argument("--format", default="mp4", choices=("mp4", "y4m"))
    return ap


def spec_from_args(args: argparse.Namespace) -> ClipSpec:
    view, yaw = ("side", args.yaw + OBLIQUE_YAW_DEG) if args.view == "oblique" else (args.view, args.yaw)
    return ClipSpec(
        exercise=args.exercise, view=view, side=args.side, reps=args.reps, fps=args.fps, size=args.size or (640, 480),
        seed=args.seed, partial_reps=tuple(int(v) for v in args.partial.split(",") if v.strip()),
        faults=_per_rep(args.fault, lambda v: tuple(c.strip() for c in v.split(",") if c.strip())),
        pauses_s=_per_rep(args.pause, float), tempo=args.tempo, rep_tempo=_per_rep(args.rep_tempo, float),
        start_rest_s=args.start_rest, end_rest_s=args.end_rest, facing=args.facing, yaw_deg=yaw, hold_s=args.hold,
        arm_mode=args.arm_mode, weak_side=args.weak_side, height_m=args.height, figure_scale=args.figure_scale,
        center_x=args.center_x, background=args.background, noise_sigma=args.noise, camouflage=args.camouflage, brightness=args.brightness)


def _tug(args: argparse.Namespace) -> int:
    from coach.synth.tug import tug_clip

    try:
        clip = tug_clip("side" if args.view == "side" else "oblique", speed=args.speed, walk_s=args.walk_s,
                        fps=args.fps, size=args.size or TUG_SIZE, facing=args.facing, seed=args.seed,
                        height_m=args.height, start_rest_s=args.start_rest, noise_sigma=args.noise)
    except ValueError as e:
        print(f"error: {e}")
        return 2
    name = args.name or f"timed_up_and_go_{clip.truth['view']}"
    video, truth = write_clip(clip, args.out / f"{name}.{args.format}")
    t = clip.truth
    phases = ", ".join(f"{k} {v:.2f}s" for k, v in t["phases"].items())
    print(f"wrote {video} ({len(clip.poses)} frames, {clip.duration_s:.1f}s, TUG time {t['time_s']:.2f}s: {phases}) "
          f"and {truth}")
    return 0


def _gait(args: argparse.Namespace) -> int:
    from coach.synth.gait import GAIT_SIZE, VIEW_M, gait_clip

    try:
        speeds = tuple(float(v) for v in args.walk_speeds.split(",") if v.strip())
        clip = gait_clip(speeds, course_m=args.course, fps=args.fps, size=args.size or GAIT_SIZE,
                         view_m=args.view_m or VIEW_M, facing=args.facing, seed=args.seed, height_m=args.height,
                         noise_sigma=args.noise)
    except ValueError as e:
        print(f"error: {e}")
        return 2
    video, truth = write_clip(clip, args.out / f"{args.name or 'gait_speed_side'}.{args.format}")
    walks = ", ".join(f"{p['pace']} {p['speed_m_s']:g} m/s ({p['time_s']:.2f}s between the marks)"
                      for p in clip.truth["passes"])
    print(f"wrote {video} ({len(clip.poses)} frames, {clip.duration_s:.1f}s: {walks}; marks at "
          f"{', '.join(f'{x:.3f}' for x in clip.truth['marks_x'])} of the width) and {truth}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.test == "gait-speed":
        return _gait(args)
    if args.test:
        return _tug(args)
    try:
        spec = spec_from_args(args)
        clip = generate(spec)
    except ValueError as e:
        print(f"error: {e}")
        return 2
    name = args.name or f"{spec.exercise.replace('-', '_')}_{args.view}_{spec.reps}"
    video, truth = write_clip(clip, args.out / f"{name}.{args.format}")
    t = clip.truth
    extra = f", 5xSTS time {t.test_time_s:.2f}s" if t.test_time_s is not None else ""
    if t.notes.get("holds"):
        extra = ", holds " + ", ".join(f"{h['hold_s']:.2f}s" for h in t.notes["holds"])
    print(f"wrote {video} ({t.frames} frames, {t.duration_s:.1f}s, {t.true_reps} counted reps{extra}) and {truth}")
    return 0
