"""``python -m coach.synth`` (``coach synth``): write a synthetic exercise clip and its truth.

    python -m coach.synth --exercise sit-to-stand --view side --reps 5 --out sample_videos \\
        --partial 3 --fault 2:trunk_flexion --fault 4:hands_on_thighs,uncontrolled_sit
"""
from __future__ import annotations

import argparse
from pathlib import Path

from coach.synth.clip import generate, write_clip
from coach.synth.spec import EXERCISES, VIEWS, ClipSpec


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
    ap.add_argument("--exercise", required=True, choices=EXERCISES)
    ap.add_argument("--view", default="side", choices=VIEWS)
    ap.add_argument("--side", default="both", choices=("left", "right", "both"))
    ap.add_argument("--reps", type=int, default=5, help="reps that count (partial attempts come on top)")
    ap.add_argument("--out", required=True, type=Path, help="output folder")
    ap.add_argument("--name", help="file name without extension (default: EXERCISE_VIEW_REPS)")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--size", type=_size, default=(640, 480), help="WxH, e.g. 640x480")
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
    return ap


def spec_from_args(args: argparse.Namespace) -> ClipSpec:
    return ClipSpec(
        exercise=args.exercise, view=args.view, side=args.side, reps=args.reps, fps=args.fps, size=args.size,
        seed=args.seed, partial_reps=tuple(int(v) for v in args.partial.split(",") if v.strip()),
        faults=_per_rep(args.fault, lambda v: tuple(c.strip() for c in v.split(",") if c.strip())),
        pauses_s=_per_rep(args.pause, float), tempo=args.tempo, rep_tempo=_per_rep(args.rep_tempo, float),
        start_rest_s=args.start_rest, end_rest_s=args.end_rest, facing=args.facing, yaw_deg=args.yaw,
        arm_mode=args.arm_mode, weak_side=args.weak_side, height_m=args.height, figure_scale=args.figure_scale,
        center_x=args.center_x, background=args.background, noise_sigma=args.noise, camouflage=args.camouflage, brightness=args.brightness)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        spec = spec_from_args(args)
        clip = generate(spec)
    except ValueError as e:
        print(f"error: {e}")
        return 2
    name = args.name or f"{spec.exercise.replace('-', '_')}_{spec.view}_{spec.reps}"
    video, truth = write_clip(clip, args.out / f"{name}.mp4")
    t = clip.truth
    extra = f", 5xSTS time {t.test_time_s:.2f}s" if t.test_time_s is not None else ""
    print(f"wrote {video} ({t.frames} frames, {t.duration_s:.1f}s, {t.true_reps} counted reps{extra}) and {truth}")
    return 0
