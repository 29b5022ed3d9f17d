"""Exercise state machines (pure: no camera, no MediaPipe, no UI) and validated-test scoring.

``create_exercise(name, side=..., **options)`` builds one; ``EXERCISE_NAMES`` lists them.
"""
from __future__ import annotations

from exercises.registry import EXERCISE_NAMES, create_exercise

# Stored with every session so an old report stays explainable: bump it when counting rules,
# thresholds or metric definitions change.
ALGORITHM_VERSION = "1.0"

__all__ = ["ALGORITHM_VERSION", "EXERCISE_NAMES", "create_exercise"]
