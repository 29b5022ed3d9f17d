"""One script per exercise: ``build(spec, dims) -> Motion`` (movement + per-attempt truth)."""
from __future__ import annotations

from coach.synth.body import BodyDims
from coach.synth.scripts import arm_raise, heel_raise, reach, sit_to_stand, squat
from coach.synth.scripts.common import Chair, Motion
from coach.synth.spec import ClipSpec

BUILDERS = {
    "sit-to-stand": sit_to_stand.build,
    "squat": squat.build,
    "heel-raise": heel_raise.build,
    "reach": reach.build,
    "arm-raise": arm_raise.build,
}


def build_motion(spec: ClipSpec, dims: BodyDims) -> Motion:
    return BUILDERS[spec.exercise](spec, dims)


__all__ = ["BUILDERS", "Chair", "Motion", "build_motion"]
