"""Adaptive sampling against every frame, clip by clip: counts, faults and rep times, and the
frames the pose model actually ran on.

For every visible real clip in ``GROUND_TRUTH.tsv`` (read where it lies, never copied) and every
synthetic clip (the bundled ``sample_videos`` and clips generated here like the synthetic test
suites'), ``analyze_video`` runs twice in this process: ``every_frame=True`` and the default
adaptive sampling. Prints per clip: the counts (and the truth), the largest difference of a rep's
start or end, whether the faults are the same, and model frames / frames.

    python bench/compare_sampling.py [--truth ../shared/eval/GROUND_TRUTH.tsv] [--model full] [--only NAME]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_TRUTH = REPO.parent / "shared" / "eval" / "GROUND_TRUTH.tsv"

# Like the synthetic suites' clips (tests/test_counts_synthetic.py, tests/test_synth_mediapipe.py).
SYNTH = {
    "synth_sts_side_3": dict(exercise="sit-to-stand", view="side", reps=3, fps=30, size=(640, 480), seed=3),
    "synth_heel_front_4": dict(exercise="heel-raise", view="front", reps=4, fps=25, size=(480, 360), seed=4),
    "synth_reach_side_3": dict(exercise="reach", view="side", reps=3, fps=30, size=(640, 480), seed=3),
    "synth_sts_partial": dict(exercise="sit-to-stand", view="side", reps=3, partial_reps=(2,), seed=7),
    "synth_sts_front_3": dict(exercise="sit-to-stand", view="front", reps=3, seed=1),
    "synth_arm_raise_front_3": dict(exercise="arm-raise", view="front", reps=3, seed=2, size=(480, 360)),
    "synth_squat_front_3": dict(exercise="squat", view="front", reps=3, seed=3, fps=25),
}


def clips(truth: Path, tmp: Path, only: str | None, synth: bool = True) -> list[tuple[str, Path, str, int | None]]:
    out = []
    if truth.exists():
        from coach.evaluation import read_manifest

        for row in read_manifest(truth):
            out.append((row.path.name, row.path, row.exercise, row.true_reps))
    for video in sorted((REPO / "sample_videos").glob("*.mp4")):
        meta = json.loads(video.with_suffix(".json").read_text())
        out.append((video.name, video, meta["exercise"], meta.get("true_reps")))
    from coach.synth import ClipSpec, generate, write_clip

    for name, spec in SYNTH.items() if synth else ():
        if only and not any(w in name for w in only.split(",")):
            continue
        path = tmp / f"{name}.mp4"
        clip = generate(ClipSpec(**spec))
        write_clip(clip, path)
        out.append((name, path, spec["exercise"], json.loads(path.with_suffix(".json").read_text())["true_reps"]))
    wanted = only.split(",") if only else []
    return [c for c in out if not wanted or any(w in c[0] for w in wanted)]


def differences(dense, other) -> dict:
    """How ``other``'s reps differ from ``dense``'s (two analyses of one clip): the counts, whether the
    reps line up (same number, same counted flags), the largest difference of a rep's time
    (completion), start and end (NaN when they do not line up), and whether every rep's faults match."""
    from coach.evaluation import completion_time

    d, a = dense.reps, other.reps
    same_shape = len(d) == len(a) and all(x.counted == y.counted for x, y in zip(d, a))

    def most(values) -> float:
        return max(values, default=0.0) if same_shape else float("nan")

    return dict(
        counts=(len(dense.counted), len(other.counted)), reps_match=same_shape,
        dt=most(abs(completion_time(x) - completion_time(y)) for x, y in zip(d, a)),
        dstart=most(abs(x.start_s - y.start_s) for x, y in zip(d, a)),
        dend=most(abs(x.end_s - y.end_s) for x, y in zip(d, a)),
        faults_same=same_shape and all(sorted(x.fault_codes) == sorted(y.fault_codes) for x, y in zip(d, a)))


def compare(path: Path, exercise: str, model: str, cache: Path | None = None) -> dict:
    from coach.analysis import analyze_video
    from coach.evaluation import completion_time

    dense = _every_frame(path, exercise, model, cache)
    adaptive = analyze_video(path, exercise, model=model, every_frame=False)
    diff = differences(dense, adaptive)
    return dict(frames=dense.frames, dense=diff["counts"][0], adaptive=diff["counts"][1],
                reps_match=diff["reps_match"], max_dt=diff["dt"], max_dstart=diff["dstart"], max_dend=diff["dend"],
                faults_same=diff["faults_same"], model_dense=dense.model_frames, model_adaptive=adaptive.model_frames,
                dense_done=[completion_time(r) for r in dense.counted],
                adaptive_done=[completion_time(r) for r in adaptive.counted],
                dense_times=[(round(r.start_s, 2), round(r.end_s, 2)) for r in dense.counted],
                adaptive_times=[(round(r.start_s, 2), round(r.end_s, 2)) for r in adaptive.counted])


def truth_times(path: Path, manifest: Path) -> tuple[float, ...]:
    """The true completion moments of the counted reps: the human's (GROUND_TRUTH.tsv's rep_times_s)
    for a real clip, the generator's (stand time for sit-to-stand, else the end) for a made one."""
    meta = path.with_suffix(".json")
    if meta.exists():
        reps = json.loads(meta.read_text()).get("reps", [])
        return tuple(r["stand_s"] if r.get("stand_s") is not None else r["end_s"] for r in reps if r.get("counted"))
    if manifest.exists():
        from coach.evaluation import read_manifest

        for row in read_manifest(manifest):
            if row.path.name == path.name:
                return tuple(row.rep_times_s)
    return ()


def _every_frame(path: Path, exercise: str, model: str, cache: Path | None):
    """The every-frame analysis (it does not depend on the sampler: kept in ``cache`` when given,
    by the clip's name, size and modification time, so tuning the sampler reruns only its side)."""
    import hashlib
    import pickle

    from coach.analysis import analyze_video

    key = None
    if cache is not None:
        stat = path.stat()
        key = cache / (hashlib.sha1(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}|{exercise}|{model}".encode())
                       .hexdigest() + ".pkl")
        if key.exists():
            return pickle.loads(key.read_bytes())
    result = analyze_video(path, exercise, model=model, every_frame=True)
    if key is not None:
        cache.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps(result))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    ap.add_argument("--model", default="full")
    ap.add_argument("--only", default=None, help="clips whose name contains this (or any of these, comma-separated)")
    ap.add_argument("--cache", type=Path, default=None,
                    help="keep the every-frame analyses here (synthetic clips are made again each run: not kept)")
    ap.add_argument("--times", action="store_true", help="also print every counted rep's start-end in both modes")
    args = ap.parse_args()
    from coach.evaluation import rep_time_error_s

    print("dt: largest difference of a rep's time (completion: full standing for sit-to-stand, the end"
          " otherwise), start and end, adaptive against every frame")
    print("vs truth: mean distance of the true completion moments to the found ones (the human's on real"
          " clips, the generator's on made ones), every frame / adaptive")
    print(f"{'clip':40s} {'truth':>5s} {'every':>5s} {'adapt':>5s} {'dt':>6s} {'start':>6s} {'end':>6s} "
          f"{'faults':>6s}  {'vs truth':>11s}  model frames adaptive/every")
    errors: list[tuple[float, float]] = []
    total = sent = 0
    worst = 0.0
    changed = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, exercise, truth in clips(args.truth, Path(tmp), args.only):
            generated = Path(tmp) in path.parents  # made again each run: never cached
            r = compare(path, exercise, args.model, None if generated else args.cache)
            total += r["model_dense"]
            sent += r["model_adaptive"]
            ok = r["reps_match"] and r["faults_same"] and r["max_dt"] <= 0.1
            worst = max(worst, r["max_dt"]) if r["reps_match"] else worst
            if not ok:
                changed.append(name)
            true_times = truth_times(path, args.truth)
            err = tuple(rep_time_error_s(true_times, r[k]) for k in ("dense_done", "adaptive_done"))
            if None not in err:  # both measured (None: no truth times or nothing counted)
                errors.append(err)
            err = tuple(float("nan") if e is None else e for e in err)
            print(f"{name[:40]:40s} {truth if truth is not None else '-':>5} {r['dense']:5d} {r['adaptive']:5d} "
                  f"{r['max_dt']:6.2f} {r['max_dstart']:6.2f} {r['max_dend']:6.2f} "
                  f"{'same' if r['faults_same'] else 'DIFF':>6s}  {err[0]:5.2f}/{err[1]:5.2f}  "
                  f"{r['model_adaptive']:5d}/{r['model_dense']:5d} ({r['model_adaptive'] / r['model_dense']:4.0%})"
                  f"{'' if ok else '  CHANGED'}", flush=True)
            if args.times:
                print(f"    every frame {r['dense_times']}\n    adaptive    {r['adaptive_times']}")
    if errors:
        every, adaptive = (sum(e[k] for e in errors) / len(errors) for k in (0, 1))
        print(f"\nrep times against the truth, mean over {len(errors)} clips: every frame {every:.3f} s, "
              f"adaptive {adaptive:.3f} s")
    print(f"\nmodel frames: {sent} of {total} ({sent / max(total, 1):.0%}); largest rep-time difference "
          f"{worst:.3f} s; clips changed (count, counted flags, faults or rep time > 0.1 s): {changed or 'none'}")


if __name__ == "__main__":
    main()
