"""How much the coach's results move between two equally valid every-frame runs: the pose
tracker's own noise floor, against which adaptive sampling's differences are judged.

MediaPipe's tracker carries state from frame to frame (its crop follows the last pose, its filter
smooths over time), so any change to what it sees (one frame fewer at the start, the pixels of a
re-encode) gives a different realisation of its noise for the rest of the clip. Every frame, the
same model, the same exercise logic; only an imperceptible difference in the input:

- ``late``: the model starts one frame later (the first frame gets nobody);
- ``grain``: every picture gets a fixed +-1 grey-level pattern (less than a re-encode changes).

For every visible real clip in ``GROUND_TRUTH.tsv`` (read where it lies, never copied) and every
bundled sample (and with ``--synth`` the generated clips of ``compare_sampling``), prints per
perturbation what ``bench/compare_sampling.py`` prints for adaptive sampling: counts, the largest
difference of a rep's time (completion), start and end, whether the faults are the same, against
the plain every-frame run (kept in ``--cache`` as compare_sampling keeps it).

    python bench/tracker_noise.py [--cache DIR] [--only NAME] [--synth]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from compare_sampling import DEFAULT_TRUTH, _every_frame, clips, differences  # noqa: E402


class Perturbed:
    """A pose estimator that shows the model a slightly different input (see the module's list)."""

    def __init__(self, estimator, kind: str):
        self._inner = estimator
        self.kind = kind
        self.mode = estimator.mode
        self._calls = 0
        self._grain: np.ndarray | None = None

    def estimate(self, rgb: np.ndarray, timestamp_s: float):
        from coach.pose.frame import PoseFrame

        self._calls += 1
        if self.kind == "late" and self._calls == 1:
            return PoseFrame.empty(timestamp_s, (rgb.shape[1], rgb.shape[0]))
        if self.kind == "grain":
            if self._grain is None or self._grain.shape != rgb.shape:
                self._grain = np.random.default_rng(0).integers(-1, 2, size=rgb.shape).astype(np.int16)
            rgb = np.clip(rgb.astype(np.int16) + self._grain, 0, 255).astype(np.uint8)
        return self._inner.estimate(rgb, timestamp_s)

    def __getattr__(self, name):  # people checks and the like: the real estimator's
        return getattr(self._inner, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    ap.add_argument("--model", default="full")
    ap.add_argument("--only", default=None)
    ap.add_argument("--cache", type=Path, default=None, help="the plain every-frame analyses (as compare_sampling)")
    ap.add_argument("--synth", action="store_true", help="also the generated clips of compare_sampling")
    ap.add_argument("--kinds", default="late,grain")
    args = ap.parse_args()
    from coach.analysis import analyze_video
    from coach.pose.estimator import PoseEstimator

    kinds = args.kinds.split(",")
    print(f"{'clip':40s} {'kind':6s} {'truth':>5s} {'every':>5s} {'other':>5s} {'dt':>6s} {'start':>6s} "
          f"{'end':>6s} {'faults':>6s}")
    changed: dict[str, list[str]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, exercise, truth in clips(args.truth, Path(tmp), args.only, synth=args.synth):
            generated = Path(tmp) in path.parents
            dense = _every_frame(path, exercise, args.model, None if generated else args.cache)
            for kind in kinds:
                with PoseEstimator(model=args.model, mode="video") as inner:
                    other = analyze_video(path, exercise, model=args.model, estimator=Perturbed(inner, kind),
                                          every_frame=True)
                r = differences(dense, other)
                ok = r["reps_match"] and r["faults_same"] and r["dt"] <= 0.1
                if not ok:
                    changed[kind].append(name)
                print(f"{name[:40]:40s} {kind:6s} {truth if truth is not None else '-':>5} {r['counts'][0]:5d} "
                      f"{r['counts'][1]:5d} {r['dt']:6.2f} {r['dstart']:6.2f} {r['dend']:6.2f} "
                      f"{'same' if r['faults_same'] else 'DIFF':>6s}{'' if ok else '  CHANGED'}", flush=True)
    for kind in kinds:
        print(f"{kind}: clips changed (count, counted flags, faults or rep time > 0.1 s): {changed[kind] or 'none'}")


if __name__ == "__main__":
    main()
