"""The exercises the coach knows: one spec each, and the factory that builds their state machines.

Adding an exercise: write one module with its ``RepExercise`` subclass, its ``Params`` and its
``SPEC`` (see ``exercises.spec``), then add the spec to ``SPECS`` below. Every list of exercises
elsewhere (CLI choices, programme validation, the set-up check, the app, the store, the synthetic
generator) is read from here.
"""
from __future__ import annotations

from exercises import (arm_raise, head_turn, heel_raise, reach, single_leg_stance, sit_to_stand, squat, step_up,
                       stepping, tandem_stance, weight_shift)
from exercises.base import Exercise
from exercises.spec import ExerciseSpec

SPECS: tuple[ExerciseSpec, ...] = (sit_to_stand.SPEC, squat.SPEC, heel_raise.SPEC, reach.SPEC, arm_raise.SPEC,
                                   single_leg_stance.SPEC, tandem_stance.SPEC, head_turn.SPEC, stepping.SPEC,
                                   weight_shift.SPEC, step_up.SPEC)
EXERCISES: dict[str, ExerciseSpec] = {spec.name: spec for spec in SPECS}
EXERCISE_NAMES: tuple[str, ...] = tuple(EXERCISES)


def get_spec(name: str) -> ExerciseSpec:
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; valid names: {', '.join(EXERCISE_NAMES)}")
    return EXERCISES[name]


def is_timed_hold(name: str) -> bool:
    """A balance hold (timed, not counted); False for a name this coach does not know (old records)."""
    spec = EXERCISES.get(name)
    return bool(spec and spec.timed_hold)


def create_exercise(name: str, side: str = "auto", overrides: dict | None = None, **legacy_overrides) -> Exercise:
    """A fresh exercise state machine (a ``RepExercise``, or a ``HoldExercise`` for a timed hold).

    ``side``: "auto" (found from the motion), "left", "right" or "both" (both must move).
    ``overrides``: a physio's thresholds by ``Params`` field name (e.g. the programme's
    ``thresholds`` table); an unknown name is a ValueError that lists the valid ones.
    """
    spec = get_spec(name)
    params = spec.params.with_overrides({**(overrides or {}), **legacy_overrides})
    return spec.machine(spec, side=side, params=params)
