"""Synthetic exercise videos with exact ground truth.

A kinematic stick body (``body``) is moved by per-exercise scripts (``scripts``), placed before a
level pinhole camera (``camera``), turned into true BlazePose landmarks (``landmarks33``) and
drawn with OpenCV (``render``) so MediaPipe can find it. The truth comes from how the clip was
made, never from a detector.

    clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=5))
    clip.poses      # true PoseFrames, no rendering needed
    clip.truth      # GroundTruth: reps, faults, 5xSTS time
    write_clip(clip, "out/sts.mp4")  # + out/sts.json

Movements the plain body cannot make (a turned head, feet placed ahead or beside, walking) come
from ``coach.synth.extended`` (``generate_ext``), drawn by the same renderer; the Timed Up and Go
from ``coach.synth.tug``. ``write_single_leg_stance_y4m`` makes a fake-camera clip for browser tests.
``python -m coach.synth.neuro_check`` runs rendered holds, head turns and TUGs through MediaPipe and
the exercise machines against the truth.
"""
from coach.synth.clip import SynthClip, generate, write_clip
from coach.synth.fake_camera import write_single_leg_stance_y4m
from coach.synth.spec import EXERCISES, VIEWS, ClipSpec
from coach.synth.truth import GroundTruth, RepTruth, load_truth
from coach.synth.video import write_y4m

__all__ = ["EXERCISES", "VIEWS", "ClipSpec", "GroundTruth", "RepTruth", "SynthClip", "generate",
           "load_truth", "write_clip", "write_single_leg_stance_y4m", "write_y4m"]
