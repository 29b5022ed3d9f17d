"""The live loop run headless on a video file standing in for the camera: what ``coach live
--camera FILE --no-window`` does, as a function, so ``coach eval`` measures the loop patients
run (set-up check, safety monitor, sets, fatigue) and not a pass that skips them.

The file plays in real time on the capture thread, like a webcam: on a busy computer frames are
dropped exactly as they would be live. One open set (no target to stop at, no rest) so every
movement in the clip has the chance to count.
"""
from __future__ import annotations

from pathlib import Path

from coach.live.factory import LiveOptions, build_runner
from coach.live.update import LiveSummary

OPEN_SET_REPS = 999  # a target no clip reaches: the set never ends before the clip does


def run_live_on_file(path: str | Path, exercise: str, side: str = "auto", model: str = "full") -> LiveSummary:
    opts = LiveOptions(exercise=exercise, camera=str(path), side=side, model=model, sets=1, reps=OPEN_SET_REPS,
                       rest_s=0.0, window=False, speech="none", beat_sound="none")
    runner, estimator = build_runner(opts)
    try:
        return runner.run()
    finally:
        estimator.close()
