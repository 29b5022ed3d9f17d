"""One script per exercise: ``build(spec, dims) -> Motion`` (movement + per-attempt truth)."""
from __future__ import annotations

from importlib import import_module

from coach.synth.body import BodyDims
from coach.synth.scripts.common import Chair, Motion
from coach.synth.spec import ClipSpec
from exercises import EXERCISES

# Each exercise's spec names its script module here (``ExerciseSpec.synth_script``).
BUILDERS = {name: import_module(f"coach.synth.scripts.{spec.synth_script}").build for name, spec in EXERCISES.items()}


def build_motion(spec: ClipSpec, dims: BodyDims) -> Motion:
    return BUILDERS[spec.exercise](spec, dims)


__all__ = ["BUILDERS", "Chair", "Motion", "build_motion"]
