"""Typed per-frame measurements: a mapping whose keys are checked against the names an exercise
declares (``RepExercise.measure_names``), so a wrong key raises at once instead of reading NaN.

Writing or reading a name the exercise never declared (a typo such as ``"lift_lefft"``) raises
``UnknownMeasure``; a declared name that was not measured this frame reads as missing (``get``
gives the default, ``in`` is False), which is how an unseen side or a view without that reading
is told apart from a mistake. ``as_dict()`` gives a plain ``dict`` for whatever stores or shows it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping


class UnknownMeasure(LookupError):
    """A measurement name the exercise does not declare (not a ``KeyError``: never swallowed as
    "missing" by code that tolerates an absent reading)."""


def per_side(*stems: str, sides: Iterable[str] = ("left", "right"), fmt: str = "{stem}_{side}") -> tuple[str, ...]:
    """Declared names for measurements read once per side: ``per_side("lift") -> ("lift_left", "lift_right")``."""
    return tuple(fmt.format(stem=stem, side=side) for stem in stems for side in sides)


class Measures(Mapping):
    """One frame's measurements of one exercise, keyed by its declared names."""

    __slots__ = ("_names", "_values", "_owner")

    def __init__(self, names: frozenset[str], values: Mapping[str, float] | None = None, owner: str = "") -> None:
        self._names = names
        self._owner = owner
        self._values: dict[str, float] = {}
        for k, v in (values or {}).items():
            self[k] = v

    def _check(self, key: str) -> None:
        if key not in self._names:
            raise UnknownMeasure(f"{key!r} is not a measurement of {self._owner or 'this exercise'}; "
                                 f"declared: {', '.join(sorted(self._names))}")

    def __setitem__(self, key: str, value: float) -> None:
        self._check(key)
        self._values[key] = value

    def update(self, other: Mapping[str, float]) -> None:
        for k, v in other.items():
            self[k] = v

    def __getitem__(self, key: str) -> float:
        self._check(key)
        return self._values[key]

    def get(self, key: str, default=None):
        self._check(key)
        return self._values.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._check(key)  # type: ignore[arg-type]
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Measures({self._values!r})"

    def as_dict(self) -> dict[str, float]:
        return dict(self._values)
