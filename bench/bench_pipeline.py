"""The whole coach against the bare pose model, on the same clips, in one run.

Each measurement is one whole process (imports, model load, decoding, everything), timed from start
to exit, its CPU time (user + system, all threads) and peak resident memory taken from the kernel
(``wait4``); on a machine shared with other work the CPU time is the steadier figure:

- ``bare``: a bare MediaPipe loop: OpenCV reads every frame, the PoseLandmarker (VIDEO mode, the
  same model) estimates it; nothing else;
- ``adaptive``: ``coach analyze VIDEO --no-video --adaptive`` (adaptive frame sampling);
- ``every``: ``coach analyze VIDEO --no-video --every-frame`` (the default);
- with ``--test``: ``coach test five-times-sts`` on the sit-to-stand clip and ``coach test
  calf-raise-30s`` on the heel-raise clip, adaptive and every frame (``--test-video``: also with
  the annotated video).

The variants alternate clip by clip within a round (so machine load falls on all of them alike)
over ``--rounds``; ratios are the bare loop's time over the coach's, per round, and their totals
over the clips. Also printed: frames sent to the pose model (from the JSON summary's companion run).

    python bench/bench_pipeline.py [--clips DIR] [--model full] [--rounds 2] [--test]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv" / "bin" / "python").exists() else sys.executable
DEFAULT_CLIPS = REPO.parent / "shared" / "eval"
# The four clips: squat, sit-to-stand, arm raise, heel raise (1,891 frames).
FOUR = (("squat_fitnesscontent_jump_2.mp4", "squat"), ("sit_to_stand_frailtyvision_1.mp4", "sit-to-stand"),
        ("arm_raise_posturecoach_front_1.mp4", "arm-raise"),
        ("calf_raise_mergedexercise_bodyweight_1.mp4", "heel-raise"))
TESTS = (("five-times-sts", "sit_to_stand_frailtyvision_1.mp4"),
         ("calf-raise-30s", "calf_raise_mergedexercise_bodyweight_1.mp4"))

BARE = r"""
import sys, cv2, mediapipe as mp
from mediapipe.tasks.python import BaseOptions, vision
video, model = sys.argv[1], sys.argv[2]
options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=model),
                                       running_mode=vision.RunningMode.VIDEO, num_poses=1)
cap = cv2.VideoCapture(video)
n, last = 0, -1
with vision.PoseLandmarker.create_from_options(options) as landmarker:
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        ms = max(int(cap.get(cv2.CAP_PROP_POS_MSEC)), last + 1)
        last = ms
        landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB,
                                             data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)), ms)
        n += 1
print(n)
"""


def run(cmd: list[str]) -> tuple[float, float, float, str]:
    """(seconds, CPU seconds, peak RSS MB, stdout) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1, 3):  # coach test: 1 = cannot score, still a whole run
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode})")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def model_frames(video: Path, exercise: str, model: str, every: bool) -> tuple[int, int]:
    """(frames sent to the pose model, frames) in one analysis in this process."""
    sys.path.insert(0, str(REPO))
    from coach.analysis import analyze_video

    r = analyze_video(video, exercise, model=model, every_frame=every)
    return r.model_frames, r.frames


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=Path, default=DEFAULT_CLIPS)
    ap.add_argument("--model", default="full")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--test", action="store_true", help="also time coach test (two validated tests)")
    ap.add_argument("--skip-every", action="store_true",
                    help="time the coach adaptive only (the every-frame runs double the bench's time)")
    ap.add_argument("--no-frames", action="store_true", help="skip counting the frames sent to the model")
    ap.add_argument("--test-video", action="store_true", help="with --test: also with the annotated video")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from coach.pose.model_files import model_path

    weights = str(model_path(args.model))
    tmp = Path(tempfile.mkdtemp(prefix="bench_pipeline_"))

    def analyze(video: Path, exercise: str, every: bool) -> list[str]:
        return [PY, "-m", "coach.cli", "analyze", str(video), "-e", exercise, "--model", args.model, "--no-video",
                "--quiet", "--json", "--out", str(tmp / "out"), "--every-frame" if every else "--adaptive"]

    def test(name: str, video: Path, every: bool, video_out: bool) -> list[str]:
        return [PY, "-m", "coach.cli", "test", name, str(video), "--model", args.model, "--quiet", "--json",
                "--out", str(tmp / "out"), "--every-frame" if every else "--adaptive",
                *([] if video_out else ["--no-video"])]

    jobs: list[tuple[str, str, list[str]]] = []  # (group, variant, command)
    for name, exercise in FOUR:
        video = args.clips / name
        jobs += [(name, "bare", [PY, "-c", BARE, str(video), weights]),
                 (name, "adaptive", analyze(video, exercise, False)),
                 (name, "every", analyze(video, exercise, True))]
    if args.test:
        for test_name, clip in TESTS:
            video = args.clips / clip
            group = f"test {test_name}"
            jobs += [(group, "bare", [PY, "-c", BARE, str(video), weights]),
                     (group, "adaptive", test(test_name, video, False, False)),
                     (group, "every", test(test_name, video, True, False))]
            if args.test_video:
                jobs += [(group, "adaptive+video", test(test_name, video, False, True)),
                         (group, "every+video", test(test_name, video, True, True))]

    if args.skip_every:
        jobs = [j for j in jobs if not j[1].startswith("every")]
    times: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    peaks: dict[tuple[str, str], float] = {}
    for r in range(args.rounds):
        for group, variant, cmd in jobs:
            seconds, cpu_s, peak, _ = run(cmd)
            times.setdefault((group, variant), []).append(seconds)
            cpu.setdefault((group, variant), []).append(cpu_s)
            peaks[(group, variant)] = max(peaks.get((group, variant), 0.0), peak)
            print(f"round {r + 1}: {group:44s} {variant:15s} {seconds:6.1f} s  CPU {cpu_s:6.1f} s  "
                  f"peak RSS {peak:5.0f} MB", flush=True)

    print(f"\nmodel {args.model}, {args.rounds} rounds; ratio = bare loop's time / the coach's (higher is faster); "
          "per-round ratios, then the best round's")
    groups = list(dict.fromkeys(g for g, _, _ in jobs))
    for group in groups:
        variants = [v for g, v, _ in jobs if g == group and v != "bare"]
        bare = times[(group, "bare")]
        for v in variants:
            t = times[(group, v)]
            ratios = [b / x for b, x in zip(bare, t)]
            cpu_ratios = [b / x for b, x in zip(cpu[(group, "bare")], cpu[(group, v)])]
            print(f"{group:44s} {v:15s} best {min(t):6.1f} s (bare {min(bare):6.1f} s)  ratio per round "
                  f"{' '.join(f'{x:4.2f}' for x in ratios)} (CPU {' '.join(f'{x:4.2f}' for x in cpu_ratios)})  peak RSS {peaks[(group, v)]:4.0f} MB "
                  f"(bare {peaks[(group, 'bare')]:4.0f} MB)")
    def totals(label: str, members: list[str], v: str) -> None:
        for what, table in (("wall", times), ("CPU", cpu)):
            per_round = [sum(table[(g, "bare")][r] for g in members) / sum(table[(g, v)][r] for g in members)
                         for r in range(args.rounds)]
            print(f"{label}, {v:8s} {what:4s}: {sum(min(table[(g, v)]) for g in members):6.1f} s vs bare "
                  f"{sum(min(table[(g, 'bare')]) for g in members):6.1f} s; ratio per round "
                  f"{' '.join(f'{x:4.2f}' for x in per_round)}")
        # The coach's CPU seconds spread perfectly over every core: no scheduling beats this wall time.
        cores = len(os.sched_getaffinity(0))
        ceiling = [sum(times[(g, "bare")][r] for g in members) / (sum(cpu[(g, v)][r] for g in members) / cores)
                   for r in range(args.rounds)]
        print(f"{label}, {v:8s} ceiling on {cores} cores (bare wall / (coach CPU / cores)): "
              f"{' '.join(f'{x:4.2f}' for x in ceiling)}")

    four = [name for name, _ in FOUR]
    variants = ("adaptive",) if args.skip_every else ("adaptive", "every")
    for v in variants:
        totals("FOUR CLIPS, coach analyze --no-video", four, v)
    if args.test:
        for v in variants:
            totals("TWO TESTS, coach test --no-video", [f"test {t}" for t, _ in TESTS], v)
    print("\nframes sent to the pose model (adaptive / every frame):")
    for name, exercise in ([] if args.no_frames else FOUR):
        sent, n = model_frames(args.clips / name, exercise, args.model, False)
        print(f"  {name:44s} {sent:5d} / {n:5d} ({sent / n:4.0%})")
    print("target: ratio >= 2.0 for coach analyze --no-video (adaptive) on the four clips, memory flat")


if __name__ == "__main__":
    main()
