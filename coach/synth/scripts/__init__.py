"""One script per exercise: ``build(spec, dims) -> Motion`` (movement + per-attempt truth).

Each exercise's spec names its script module (``ExerciseSpec.synth_script``). Scripts load when a
clip of that exercise is asked for, so one exercise whose script is missing never stops the others;
asking for it says which module is missing (``tests/exercises/test_registry_complete.py`` checks
every spec has one).
"""
from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from coach.synth.body import BodyDims
from coach.synth.scripts.common import Chair, Motion
from coach.synth.spec import ClipSpec
from exercises import get_spec


def builder(exercise: str) -> Callable[[ClipSpec, BodyDims], Motion]:
    """The ``build`` function of ``exercise``'s script; a clear error naming what is missing."""
    module = get_spec(exercise).synth_script
    try:
        script = import_module(f"{__name__}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{module}":
            raise
        raise LookupError(f"exercise {exercise!r} names synth_script {module!r}, but coach/synth/scripts/{module}.py "
                          "does not exist: write it (build(spec, dims) -> Motion)") from None
    build = getattr(script, "build", None)
    if not callable(build):
        raise LookupError(f"coach/synth/scripts/{module}.py has no build(spec, dims) -> Motion")
    return build


def build_motion(spec: ClipSpec, dims: BodyDims) -> Motion:
    return builder(spec.exercise)(spec, dims)


__all__ = ["Chair", "Motion", "build_motion", "builder"]
