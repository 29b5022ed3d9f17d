"""Exercise state machines (pure: no camera, no MediaPipe, no UI) and validated-test scoring.

``create_exercise(name, side=..., **options)`` builds one; ``EXERCISE_NAMES`` lists them.
"""
from __future__ import annotations

from exercises.registry import EXERCISE_NAMES, create_exercise

__all__ = ["EXERCISE_NAMES", "create_exercise"]
