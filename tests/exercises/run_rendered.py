"""Dev helper: render synth clips, run MediaPipe (full) once, cache poses in /tmp/rend, then run
the exercise over the cached poses and print reps vs truth.

python -m tests.exercises.run_rendered NAME [--verbose] [--fresh]
NAME is a key of ``SPECS`` in tests/exercises/rendered_specs.py.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from coach.pose.frame import PoseSeries
from coach.smoothing import PoseSmoother
from coach.synth import generate, write_clip
from exercises import create_exercise
from tests.exercises.rendered_specs import SPECS

CACHE = Path("/tmp/rend")


def poses_for(name: str, fresh: bool = False):
    spec, side, _ = SPECS[name]
    clip = generate(spec)
    path = CACHE / f"{name}.npz"
    if path.exists() and not fresh:
        return clip, PoseSeries.load(path)
    from coach.analysis import analyze_video
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        video, _ = write_clip(clip, Path(d) / f"{name}.mp4")
        t0 = time.time()
        res = analyze_video(video, spec.exercise, side=side, model="full")
        print(f"  mediapipe {time.time() - t0:.0f}s", file=sys.stderr)
    res.poses.save(path)
    return clip, res.poses


def run(name: str, verbose: bool = False, fresh: bool = False):
    spec, side, expected = SPECS[name]
    clip, series = poses_for(name, fresh)
    ex = create_exercise(spec.exercise, side=side)
    sm = PoseSmoother()
    for pose in series:
        ex.update(sm.apply(pose))
    ex.finish(float(series.timestamps_s[-1]))
    print(f"== {name}")
    for r in clip.truth.reps:
        print(f"  truth {r.index} {r.start_s:5.2f}-{r.end_s:5.2f} counted={r.counted} faults={list(r.faults)}")
    for r in ex.reps:
        print(f"  coach {r.index} {r.start_s:5.2f}-{r.end_s:5.2f} counted={r.counted} conf={r.confidence} "
              f"view={r.view} faults={list(r.fault_codes)}")
        if verbose:
            print(f"        {r.metrics}")
            for f in r.faults:
                print(f"        {f.code} @{f.time_s}: {f.detail}")
    return clip, ex


if __name__ == "__main__":
    a = sys.argv[1:]
    names = [x for x in a if not x.startswith("--")] or list(SPECS)
    for n in names:
        run(n, "--verbose" in a, "--fresh" in a)
