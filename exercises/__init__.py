"""Exercise state machines (pure: no camera, no MediaPipe, no UI) and validated-test scoring.

``create_exercise(name, side=..., overrides=...)`` builds one; ``EXERCISES`` maps each name to its
declarative ``ExerciseSpec`` (see ``exercises.spec``); ``EXERCISE_NAMES`` lists them.
"""
from __future__ import annotations

from exercises.registry import EXERCISE_NAMES, EXERCISES, SPECS, create_exercise, get_spec, is_timed_hold

# Stored with every session so an old report stays explainable: bump it when counting rules,
# thresholds or metric definitions change.
ALGORITHM_VERSION = "2.1"  # 2.0: counting relative to the person (exercises.counting); 2.1: balance holds, head turns

__all__ = ["ALGORITHM_VERSION", "EXERCISES", "EXERCISE_NAMES", "SPECS", "create_exercise", "get_spec", "is_timed_hold"]
