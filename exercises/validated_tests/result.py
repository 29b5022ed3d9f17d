"""``TestResult``: a validated test's score with the norm it was read against, the one type stored,
reported and shown; ``cannot_score`` (no score, and why) and ``implausible`` (a score no person makes)."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

from exercises.validated_tests.catalogue import TESTS, canonical_test_id


@dataclass(frozen=True)
class TestResult:
    """A test score with the norm it was read against; the one type stored, reported and shown.

    ``value`` is None when the test could not be scored (``cannot_score`` says why) or the
    protocol failed it (``flags`` says which). ``norm_low``/``norm_high`` are the numeric band
    for charts (None where the norm is one-sided or absent); ``norm`` is the same in words.
    ``timing_uncertainty_s`` is how far the timing can be off given the recording's frame rate
    and steadiness (None when the recording's timing was not given).
    """

    __test__ = False  # not a pytest class

    test: str  # canonical id, one of TEST_IDS
    value: float | None
    unit: str
    norm_low: float | None = None
    norm_high: float | None = None
    norm_source: str = ""
    interpretation: str = ""
    norm: str = ""
    trust: str = "ok"  # "ok" or "low"
    flags: tuple[str, ...] = ()  # e.g. "fall_risk", "below_norm", "used_hands", "cannot_score"
    details: dict = field(default_factory=dict)
    timing_uncertainty_s: float | None = None
    cannot_score: str = ""  # why no score was given ("" when scored or failed by protocol)

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", canonical_test_id(self.test))
        object.__setattr__(self, "flags", tuple(self.flags))

    @property
    def score(self) -> float | None:
        return self.value

    @property
    def label(self) -> str:
        return TESTS[self.test].label

    @property
    def trust_text(self) -> str:
        """The trust flag in words, with the timing uncertainty in seconds when known."""
        timing = "" if self.timing_uncertainty_s is None else f", timing within ±{self.timing_uncertainty_s:.2f} s"
        return f"{self.trust}{timing}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["flags"] = list(self.flags)
        d["score"] = self.value
        d["label"] = self.label
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TestResult":
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in d.items() if k in names}
        if "value" not in kwargs and "score" in d:
            kwargs["value"] = d["score"]
        kwargs["flags"] = tuple(kwargs.get("flags") or ())
        kwargs["details"] = dict(kwargs.get("details") or {})
        return cls(**kwargs)


def implausible(result: TestResult) -> str:
    """Why ``result`` cannot be a person's score ("" when it can): what every store write checks."""
    if result.value is None:
        return ""
    lo, hi = TESTS[result.test].value_range
    v = result.value
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
        return f"{result.label} score {v!r} is outside {lo:g}-{hi:g} {result.unit}"
    return ""


def cannot_score(test_id: str, why: str, details: dict | None = None) -> TestResult:
    """No score for ``test_id``, and ``why`` in words."""
    spec = TESTS[canonical_test_id(test_id)]
    return TestResult(spec.id, None, spec.unit, interpretation=f"Cannot score: {why}.", trust="low",
                      flags=("cannot_score",), details=dict(details or {}), cannot_score=why)

