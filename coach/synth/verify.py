"""Does MediaPipe see the drawn figure where it truly is? Detection rate and pixel error.

    python -m coach.synth.verify --model lite --exercise all --view all --seconds 8

Key joints: shoulders, hips, knees, ankles, wrists, heels. In side views the error is taken over
the near side only (the far side is drawn shaded and half hidden; MediaPipe guesses it).
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace

import cv2
import numpy as np

from coach.pose.landmarks import Landmark
from coach.synth.clip import SynthClip, generate
from coach.synth.spec import EXERCISES, ClipSpec

KEY_PARTS = ("SHOULDER", "HIP", "KNEE", "ANKLE", "WRIST", "HEEL")


def key_landmarks(sides: tuple[str, ...]) -> list[int]:
    return [int(Landmark[f"{s.upper()}_{p}"]) for s in sides for p in KEY_PARTS]


@dataclass(frozen=True)
class DetectionReport:
    frames: int
    detected: int
    mean_error_px: float  # over key joints of detected frames
    median_error_px: float
    per_part_px: dict[str, float]
    seconds: float
    estimates: list | None = None  # the PoseFrames MediaPipe produced (when kept)

    @property
    def rate(self) -> float:
        return self.detected / self.frames if self.frames else 0.0

    def line(self) -> str:
        parts = " ".join(f"{k.lower()}={v:.1f}" for k, v in self.per_part_px.items())
        return (f"detected {self.rate:6.1%} ({self.detected}/{self.frames})  err mean {self.mean_error_px:5.1f}px "
                f"median {self.median_error_px:5.1f}px  [{parts}]  {self.seconds:.1f}s")


def measure(clip: SynthClip, model: str = "lite", max_frames: int | None = None, keep: bool = False) -> DetectionReport:
    from coach.pose.estimator import PoseEstimator

    sides = ("left", "right") if clip.scene.far_side is None else (
        "right" if clip.scene.far_side == "left" else "left",)
    idx = key_landmarks(sides)
    errors, per_part, detected, n, estimates = [], {p: [] for p in KEY_PARTS}, 0, 0, []
    t0 = time.perf_counter()
    with PoseEstimator(model) as est:
        for i, frame in enumerate(clip.frames()):
            if max_frames is not None and i >= max_frames:
                break
            truth = clip.poses[i]
            got = est.estimate(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), truth.timestamp_s)
            n += 1
            if keep:
                estimates.append(got)
            if not got.has_person:
                continue
            detected += 1
            err = np.linalg.norm(got.xy_px[idx] - truth.xy_px[idx], axis=1)
            errors.extend(err)
            for k, lm in enumerate(idx):
                per_part[Landmark(lm).name.split("_", 1)[1]].append(err[k])
    errors = np.asarray(errors)
    return DetectionReport(
        n, detected, float(errors.mean()) if len(errors) else float("nan"),
        float(np.median(errors)) if len(errors) else float("nan"),
        {p: float(np.mean(v)) if v else float("nan") for p, v in per_part.items()},
        time.perf_counter() - t0, estimates if keep else None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="lite", choices=("lite", "full", "heavy"))
    ap.add_argument("--exercise", default="all", choices=("all", *EXERCISES))
    ap.add_argument("--view", default="all", choices=("all", "side", "front"))
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=None, help="only the first N seconds of each clip")
    ap.add_argument("--size", default="640x480")
    ap.add_argument("--background", default="plain", choices=("plain", "cluttered"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    exercises = EXERCISES if args.exercise == "all" else (args.exercise,)
    views = ("front", "side") if args.view == "all" else (args.view,)
    for ex in exercises:
        for view in views:
            spec = ClipSpec(exercise=ex, view=view, reps=args.reps, size=(w, h), seed=args.seed,
                            background=args.background)
            if ex == "arm-raise" and view == "front":
                spec = replace(spec, arm_mode="abduction")
            clip = generate(spec)
            limit = None if args.seconds is None else int(args.seconds * spec.fps)
            rep = measure(clip, args.model, limit)
            print(f"{ex:13s} {view:5s} {args.model:4s} {rep.line()}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
