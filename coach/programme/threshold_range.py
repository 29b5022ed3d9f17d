"""The range of every exercise threshold: the one its spec declares (``exercises.spec.param``'s
``bounds``), else the physical range of its unit.

One place for every way a threshold arrives: a programme (TOML, the app, a stored version, a share
bundle: ``coach.programme.model``) and ``--threshold NAME=VALUE`` on the command line
(``coach.commands.analyze.parse_thresholds`` callers). A value outside its unit's range, or not a
finite number, is refused with the range in words.
"""
from __future__ import annotations

import math

# (unit test, low, high, in words); the first that matches the declared unit applies
_RANGES = (
    (lambda u: u.startswith("deg"), 0.0, 180.0, "an angle from 0 to 180 degrees"),
    (lambda u: u == "s", 0.0, 60.0, "0 to 60 seconds"),
    (lambda u: u == "m", 0.0, 2.5, "0 to 2.5 m (0: measured from the pose)"),
    (lambda u: u.endswith("/s"), 0.0, 20.0, "0 to 20 a second"),
    (lambda u: u.startswith("share of own usual") or u.startswith("x own usual"), 0.0, 10.0,
     "0 to 10 times the person's own usual"),
    (lambda u: u.startswith("share of"), 0.0, 1.0, "a share from 0 to 1"),
    (lambda u: True, 0.0, 10.0, "0 to 10 (a ratio of body lengths or times)"),
)


def _declared(exercise: str, name: str) -> dict | None:
    from exercises.registry import get_spec

    return next((d for d in get_spec(exercise).params.describe() if d["name"] == name), None)


def unit_of(exercise: str, name: str) -> str | None:
    """The unit the exercise's spec declares for threshold ``name``; None when it has no such threshold."""
    found = _declared(exercise, name)
    return None if found is None else found["unit"]


def problem(exercise: str, name: str, value) -> str | None:
    """Why ``value`` cannot be threshold ``name`` of ``exercise`` (None when it can, or when the
    exercise has no such threshold: that is said where the names are checked)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"{name} must be a finite number, got {value!r}"
    found = _declared(exercise, name)
    if found is None:
        return None
    unit = found["unit"]
    if found["bounds"] is not None:  # the range the spec declares for this very threshold
        low, high = found["bounds"]
        words = f"{low:g} to {high:g} {unit}"
    else:
        _, low, high, words = next(r for r in _RANGES if r[0](unit))
    if not low <= value <= high:
        return f"{name} = {value:g} {unit} is outside its range ({words})"
    return None


def check(exercise: str, thresholds: dict) -> dict[str, float]:
    """``thresholds`` as floats, or ValueError naming every value outside its range."""
    problems = [p for k, v in thresholds.items() if (p := problem(exercise, k, v))]
    if problems:
        raise ValueError(f"{exercise}: " + "; ".join(problems))
    return {k: float(v) for k, v in thresholds.items()}
