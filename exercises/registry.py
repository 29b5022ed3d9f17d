"""Exercise names the app and CLI use, and the factory that builds them."""
from __future__ import annotations

from exercises.arm_raise import ArmRaise
from exercises.engine import RepExercise
from exercises.heel_raise import HeelRaise
from exercises.reach import Reach
from exercises.sit_to_stand import SitToStand
from exercises.squat import Squat

_EXERCISES: dict[str, type[RepExercise]] = {
    "sit-to-stand": SitToStand,
    "squat": Squat,
    "heel-raise": HeelRaise,
    "reach": Reach,
    "arm-raise": ArmRaise,
}
EXERCISE_NAMES: tuple[str, ...] = ("sit-to-stand", "squat", "heel-raise", "reach", "arm-raise")


def create_exercise(name: str, side: str = "auto", overrides: dict | None = None, **options) -> RepExercise:
    """A fresh exercise state machine. ``side``: "auto" (found from the motion), "left", "right" or "both"."""
    if name not in _EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; valid names: {', '.join(EXERCISE_NAMES)}")
    return _EXERCISES[name](side=side, **{**(overrides or {}), **options})
