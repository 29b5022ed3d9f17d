"""Clips for browser tests with Chromium's fake camera (``--use-file-for-fake-video-capture``).

``write_single_leg_stance_y4m`` renders a person standing on one leg for holds of known length,
seen as a laptop camera would (front view, whole body in the picture from the first frame), and
writes it as .y4m with its truth. Chromium loops the file: a test should read the first pass
only, or allow for the clip starting again after ``truth["duration_s"]``.
"""
from __future__ import annotations

from pathlib import Path

from coach.synth.extended import generate_ext
from coach.synth.scene import Look
from coach.synth.scripts.single_leg_stance import Hold, script
from coach.synth.video import save_truth, write_y4m


def write_single_leg_stance_y4m(path: str | Path, holds_s: tuple[float, ...] = (5.0, 4.0), stance: str = "left",
                                view: str = "front", fps: float = 15.0, size: tuple[int, int] = (640, 480),
                                start_rest_s: float = 3.0, seed: int = 1) -> dict:
    """Write ``path`` (.y4m) and ``path`` with .json; return the truth.

    Each of ``holds_s`` is a lift of the free foot, a hold with a little sway, and a controlled
    lowering, with 2 s on both feet between holds. Truth (seconds from the first frame):
    ``holds`` [{index, start_s (foot 2 cm off the floor), end_s (back under 2 cm), hold_s,
    stance_leg, ending}], ``stance_leg``, ``duration_s``, ``fps``, ``frames``. A hold's
    ``hold_s`` is ~0.4 s shorter than asked (timed from foot off to foot down, inside the lift and
    the lowering). ``seed`` picks the colours; the default's clip is checked through MediaPipe lite
    (tests/neuro/test_rendered_holds.py). Seed 0's clip (640x480, 15 fps) makes MediaPipe's first
    frame put the ankles ~9 px (0.1 shank) lower than the next ones, the hold machine takes that as
    the floor and times a phantom 3 s hold on the other leg from the start.
    """
    tl, truth = script(tuple(Hold(s) for s in holds_s), stance, start_rest_s=start_rest_s)
    clip = generate_ext(tl, truth, view, fps=fps, size=size, look=Look(seed=seed))
    clip.truth.update(frames=len(clip.poses), duration_s=round(clip.duration_s, 4), size=list(clip.size))
    path = Path(path)
    write_y4m(clip, path)
    save_truth(clip.truth, path.with_suffix(".json"))
    return clip.truth
