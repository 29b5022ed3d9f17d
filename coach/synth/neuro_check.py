"""Rendered clips of the balance holds, head turns and the Timed Up and Go through the real pose
model and the exercise machines, against the generator's truth (issue 12's "Done when": hold times
within 0.2 s, head-turn counts exact, TUG time within 0.3 s).

    python -m coach.synth.neuro_check --model lite [--case sls_front ...] [--cache DIR] [--shots DIR]

Each case renders its clip, runs MediaPipe on every frame (VIDEO mode, as file analysis does),
smooths the poses like ``coach.pipeline`` and runs the exercise machine, live pass then the
file-mode second pass. ``--cache`` keeps the pose tracks so a rerun skips the pose model.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from coach.pose.frame import PoseFrame, PoseSeries
from coach.smoothing import PoseSmoother
from coach.synth.extended import ExtClip, generate_ext
from coach.synth.scene import Look
from coach.synth.scripts import head_turn, single_leg_stance, tandem_stance
from coach.synth.tug import tug_clip

HOLD_TOLERANCE_S = 0.2
TUG_TOLERANCE_S = 0.3


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # the exercise, or "timed-up-and-go"
    make: Callable[[], ExtClip]
    side: str = "auto"
    shot_s: Callable[[dict], float] | None = None  # a time worth a picture, from the truth


def sls(holds, stance="left", view="front", size=(640, 480), fps=30.0, seed=0) -> Callable[[], ExtClip]:
    def make():
        tl, truth = single_leg_stance.script(holds, stance)
        return generate_ext(tl, truth, view, fps=fps, size=size, look=Look(seed=seed))
    return make


def tandem(holds, lead="right", variant="tandem", view="front", size=(640, 480), fps=30.0, seed=0):
    def make():
        tl, truth = tandem_stance.script(holds, lead, variant)
        return generate_ext(tl, truth, view, fps=fps, size=size, look=Look(seed=seed))
    return make


def turns(seq, view="front", yaw_deg=0.0, seated=False, size=(640, 480), fps=30.0, seed=0, figure_scale=0.72):
    def make():
        tl, truth = head_turn.script(seq, seated=seated)
        chair = None
        if seated:
            from coach.synth.body import BodyDims
            from coach.synth.scripts.sit_to_stand import SEATED, chair_under
            chair = chair_under(BodyDims(), SEATED)
        centre = 0.0 if chair is None else (chair.back_m + 0.25) / 2
        return generate_ext(tl, truth, view, fps=fps, size=size, yaw_deg=yaw_deg, chair=chair, centre_fwd_m=centre,
                            look=Look(seed=seed), figure_scale=figure_scale)
    return make


H = single_leg_stance.Hold
T = tandem_stance.TandemHold
first_hold = lambda t: t["holds"][0]["start_s"] + 1.0  # noqa: E731
CASES = {c.name: c for c in (
    Case("sls_front_left", "single-leg-stance", sls((H(5.0), H(3.2)), "left", "front"), shot_s=first_hold),
    Case("sls_side_right", "single-leg-stance", sls((H(5.0), H(3.2)), "right", "side", seed=1), shot_s=first_hold),
    Case("sls_side_step_drop", "single-leg-stance", sls((H(4.0), H(3.0, "step"), H(4.0, "drop")), "left", "side",
                                                        seed=2), shot_s=lambda t: t["holds"][1]["end_s"] + 0.1),
    Case("tandem_front", "tandem-stance", tandem((T(6.0), T(4.0, "step")), "right", "tandem", "front", seed=3),
         shot_s=first_hold),
    Case("tandem_side", "tandem-stance", tandem((T(6.0),), "left", "tandem", "side", seed=4), shot_s=first_hold),
    Case("feet_together_front", "tandem-stance", tandem((T(6.0),), "right", "feet_together", "front", seed=5),
         shot_s=first_hold),
    Case("head_front", "head-turn", turns(head_turn.alternating(8)),
         shot_s=lambda t: t["turns"][0]["peak_s"] + 0.1),
    Case("head_front_seated", "head-turn", turns(head_turn.alternating(6), seated=True, seed=6),
         shot_s=lambda t: t["turns"][1]["peak_s"] + 0.1),
    Case("head_oblique", "head-turn", turns(head_turn.alternating(8), yaw_deg=30.0, seed=7),
         shot_s=lambda t: t["turns"][0]["peak_s"] + 0.1),
    Case("head_side", "head-turn", turns(head_turn.alternating(6), view="side", seed=8),
         shot_s=lambda t: t["turns"][0]["peak_s"] + 0.1),
    Case("tug_side", "timed-up-and-go", lambda: tug_clip("side"),
         shot_s=lambda t: (t["stand_s"] + t["turn_start_s"]) / 2),
    Case("tug_oblique", "timed-up-and-go", lambda: tug_clip("oblique", seed=1),
         shot_s=lambda t: (t["turn_start_s"] + t["turn_end_s"]) / 2),
    Case("tug_side_slow", "timed-up-and-go", lambda: tug_clip("side", speed=0.8, walk_s=4.5, seed=2),
         shot_s=lambda t: (t["turn_end_s"] + t["sit_turn_s"]) / 2),
)}


@dataclass
class Tracked:
    """A rendered clip and what the pose model saw in it."""

    clip: ExtClip
    poses: list[PoseFrame]  # raw MediaPipe
    detected: float  # share of frames with a person
    seconds: float
    shot: np.ndarray | None = None  # the case's picture with MediaPipe's landmarks drawn
    extra: dict = field(default_factory=dict)


def estimate(clip: ExtClip, model: str = "lite", shot_index: int | None = None) -> Tracked:
    """Run the pose model over the rendered frames, as file analysis does (VIDEO mode)."""
    import cv2

    from coach.pose.estimator import PoseEstimator

    t0 = time.perf_counter()
    poses, shot = [], None
    with PoseEstimator(model, mode="video", people_check_interval_s=0) as est:
        for i, frame in enumerate(clip.frames()):
            got = est.estimate(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), clip.poses[i].timestamp_s)
            poses.append(got)
            if i == shot_index:
                shot = draw_landmarks(frame, got, clip.poses[i])
    detected = float(np.mean([p.has_person for p in poses])) if poses else 0.0
    return Tracked(clip, poses, detected, time.perf_counter() - t0, shot)


BONES = ((11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24), (23, 25), (25, 27),
         (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30), (30, 32), (28, 32), (7, 0), (8, 0))


def draw_landmarks(frame: np.ndarray, got: PoseFrame, truth: PoseFrame) -> np.ndarray:
    """Side by side: the picture, and MediaPipe's skeleton (green: the person's left, red: right)
    over it with the true landmarks as small blue dots."""
    import cv2

    img = frame.copy()
    for x, y in truth.xy_px:
        cv2.circle(img, (int(round(x)), int(round(y))), 2, (255, 80, 0), -1, cv2.LINE_AA)
    if got.has_person:
        xy = got.xy_px
        for a, b in BONES:
            odd = (a % 2, b % 2)  # odd BlazePose indices are the person's left
            colour = (0, 200, 0) if odd == (1, 1) else (0, 0, 230) if odd == (0, 0) else (0, 200, 200)
            cv2.line(img, tuple(np.int32(xy[a])), tuple(np.int32(xy[b])), colour, 2, cv2.LINE_AA)
        for k in (0, 7, 8, 27, 28, 29, 30, 31, 32):
            cv2.circle(img, tuple(np.int32(xy[k])), 3, (0, 255, 255), -1, cv2.LINE_AA)
    return np.hstack([frame, img])


def smoothed(poses: list[PoseFrame]) -> list[PoseFrame]:
    smoother = PoseSmoother()
    return [smoother.apply(p) for p in poses]


def run_machine(kind: str, poses: list[PoseFrame], side: str = "auto"):
    """The live pass, then the file-mode pass (what ``coach analyze`` reports)."""
    from exercises import create_exercise

    live = create_exercise(kind, side=side)
    for p in poses:
        live.update(p)
    live.finish(poses[-1].timestamp_s)
    return live, live.second_pass(poses)


def compare_holds(ex, truth: dict) -> dict:
    """Each true hold against the timed hold that overlaps it most."""
    got = [r for r in ex.reps if r.counted]
    rows, worst = [], 0.0
    for h in truth["holds"]:
        best = max(got, key=lambda r: min(r.end_s, h["end_s"]) - max(r.start_s, h["start_s"]), default=None)
        if best is None or min(best.end_s, h["end_s"]) <= max(best.start_s, h["start_s"]):
            rows.append({"true_hold_s": h["hold_s"], "got": None})
            worst = float("inf")
            continue
        err = best.metrics["hold_s"] - h["hold_s"]
        worst = max(worst, abs(err))
        rows.append({"true_hold_s": h["hold_s"], "hold_s": round(best.metrics["hold_s"], 3), "error_s": round(err, 3),
                     "start_error_s": round(best.start_s - h["start_s"], 3),
                     "end_error_s": round(best.end_s - h["end_s"], 3), "leg": best.side})
    events = [e.kind for e in ex.balance_events]
    true_events = [h["event"]["kind"] for h in truth["holds"] if h.get("event")]
    return {"holds": rows, "count": len(got), "true_count": len(truth["holds"]), "worst_error_s": round(worst, 3),
            "events": events, "true_events": true_events,
            "ok": len(got) == len(truth["holds"]) and worst <= HOLD_TOLERANCE_S and events == true_events}


def compare_turns(ex, truth: dict) -> dict:
    reps = [r for r in ex.reps if r.counted]
    per_side = {s: sum(r.side == s for r in reps) for s in ("left", "right")}
    ranges = [round(r.metrics.get("range_deg", float("nan")), 1) for r in reps]
    return {"count": len(reps), "true_count": truth["true_reps"], "per_side": per_side,
            "true_per_side": truth["per_side"], "range_deg": ranges,
            "true_range_deg": [t["range_deg"] for t in truth["turns"] if t["counted"]],
            "ok": len(reps) == truth["true_reps"] and per_side == truth["per_side"]}


def compare_tug(poses: list[PoseFrame], truth: dict) -> dict:
    from exercises.tug import PHASES, time_up_and_go

    got = time_up_and_go(poses)
    out = {"time_s": got.time_s, "true_time_s": truth["time_s"], "problem": got.problem, "unseen_s": got.unseen_s}
    if got.time_s is None:
        return {**out, "ok": False}
    out["error_s"] = round(got.time_s - truth["time_s"], 3)
    out["start_error_s"] = round(got.start_s - truth["start_s"], 3)
    out["seated_error_s"] = round(got.seated_s - truth["seated_s"], 3)
    out["phase_errors_s"] = {name: None if got.phases.get(name) is None
                             else round(got.phases[name] - truth["phases"][name], 3) for name in PHASES}
    out["ok"] = abs(out["error_s"]) <= TUG_TOLERANCE_S
    return out


def check(case: Case, model: str = "lite", cache: Path | None = None, shots: Path | None = None) -> dict:
    clip = case.make()
    truth = clip.truth
    shot_index = None if case.shot_s is None else int(round(case.shot_s(truth) * clip.fps))
    track_path = None if cache is None else cache / f"{case.name}_{model}.npz"
    if track_path is not None and track_path.exists() and shots is None:
        poses = list(PoseSeries.load(track_path))
        tracked = Tracked(clip, poses, float(np.mean([p.has_person for p in poses])), 0.0)
    else:
        tracked = estimate(clip, model, shot_index)
        if track_path is not None:
            track_path.parent.mkdir(parents=True, exist_ok=True)
            PoseSeries.from_frames(tracked.poses, clip.size).save(track_path)
    if shots is not None and tracked.shot is not None:
        import cv2

        shots.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(shots / f"{case.name}_{model}.png"), tracked.shot)
    poses = smoothed(tracked.poses)
    result = {"case": case.name, "model": model, "frames": len(poses), "detected": round(tracked.detected, 3),
              "pose_seconds": round(tracked.seconds, 1)}
    if case.kind == "timed-up-and-go":
        return {**result, **compare_tug(poses, truth)}
    live, file_mode = run_machine(case.kind, poses, case.side)
    compare = compare_holds if case.kind != "head-turn" else compare_turns
    return {**result, "live": compare(live, truth), "file": compare(file_mode, truth)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="lite", choices=("lite", "full", "heavy"))
    ap.add_argument("--case", action="append", choices=sorted(CASES), help="default: all")
    ap.add_argument("--cache", type=Path, default=None, help="keep pose tracks here (reruns skip the model)")
    ap.add_argument("--shots", type=Path, default=None, help="write one picture per case with the landmarks")
    ap.add_argument("--json", type=Path, default=None, help="append results here (JSON lines)")
    args = ap.parse_args(argv)
    failed = 0
    for name in args.case or sorted(CASES):
        res = check(CASES[name], args.model, args.cache, args.shots)
        ok = res.get("ok", res.get("file", {}).get("ok"))
        failed += not ok
        print(json.dumps(res), flush=True)
        if args.json is not None:
            with open(args.json, "a") as f:
                f.write(json.dumps(res) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
