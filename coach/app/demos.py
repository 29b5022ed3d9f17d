"""How an exercise is done: a short clip our own synthetic generator renders from the exercise's
spec (no stock video, nothing fetched), with the spec's plain-words steps.

The clip is made the first time it is asked for (a few seconds) and kept in the data folder's
``demos/`` (one file per exercise and coach version), so later views play at once.
"""
from __future__ import annotations

from pathlib import Path

from coach import __version__
from exercises import get_spec, is_timed_hold

SIZE = (480, 270)  # small: a card-sized picture, quick to draw


def demo_view(exercise: str) -> str:
    """The view the exercise's own checks need (a front camera for a head turn, side for a stand)."""
    view = get_spec(exercise).setup.view
    return view if view in ("side", "front") else "side"


def demo_path(exercise: str, folder: Path) -> Path:
    return folder / f"{exercise}-{__version__}.mp4"


def demo_video(exercise: str, folder: Path) -> Path:
    """The demonstration clip for ``exercise`` (H.264 MP4, plays in any browser), made if missing."""
    from coach.synth import ClipSpec, generate
    from coach.video_writer import BrowserVideoWriter

    path = demo_path(exercise, folder)
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    hold = is_timed_hold(exercise)
    clip = generate(ClipSpec(exercise=exercise, view=demo_view(exercise), reps=1 if hold else 2, size=SIZE,
                             seed=7, start_rest_s=0.8, end_rest_s=0.6, hold_s=5.0 if hold else 0.0,
                             noise_sigma=0.0))
    with BrowserVideoWriter(path, clip.fps, clip.size) as writer:  # written whole, then renamed in
        for frame in clip.frames():
            writer.write(frame)
    return path


def steps(exercise: str) -> tuple[str, ...]:
    return get_spec(exercise).steps
