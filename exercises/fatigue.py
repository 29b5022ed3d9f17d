"""Fatigue within a set: a slowdown or a loss of range that persists, judged against the person's
own rep-to-rep variation. The one judgement the live coach (``coach.live.fatigue``) and the
programme's progression rules (``coach.programme.progression``) both ask.

Pacing for fatigue-prone patients (MS: stop at about 80% of capacity) means suggesting a rest
*before* exhaustion, but natural rep-to-rep variation is large: healthy people's reps differ by
+-30% from one to the next, so comparing single reps (or two with two) mistakes noise for fatigue.
A finding here needs all of:

- at least ``min_reps`` reps in the set after its first (an early level and a late stretch to
  compare; the first rep starts from rest and is not judged);
- the latest ``late_reps`` reps' mean beyond the early level (the mean of the reps before them)
  by ``min_change`` (relative) *and* by ``z`` standard errors of the person's own variation (a t
  quantile where that variation is measured on this set's few reps);
- every one of those latest reps clearly beyond the early level (half the threshold): a persistent
  change, not one long rep pulling a mean up;
- a robust (Theil-Sen) trend over the whole set in the same direction.

The person's variation is measured in this set (the spread within the early reps and within the late
ones, pooled) and, when given, in their earlier sessions (``baseline``: from successive
differences, which a slow trend hardly moves; the median over their sets); each must be cleared.

Not for balance holds (a hold's length is its score) nor for paced sets (the beat sets the speed):
``applies`` says which. Range of motion is the key angle's excursion during a rep (live only).

Limits (measured on generated rep times, 100 sets each): with ``late_reps`` = 3 a change is found on
its third rep at the earliest, so a set must go on at least three reps past the onset, and a set of
fewer than 9 reps is never judged. A step of 20% over the last third is found within two reps in
every set of 9-15 reps that vary +-3%; with +-5% variation in 89 of 100 sets of 12 and 35 of 100 of
9; with +-10% hardly (a 40% step: 83 of 100 sets of 12). A gradual slowdown that only reaches 20-40%
at the last rep is found late or not at all. A slowdown smaller than the person's own variation is
not found. +-30% variation with no trend: about 1 set in 1,000 of 12 or more reps.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np

VERSION = 2  # 1: first two reps against the last one or two (retired: fired on healthy sets of three)
SLOWER, SMALLER = "slower", "smaller"
MEASURES = {SLOWER: "duration_s", SMALLER: "range_deg"}
EVIDENCE_TAG = " | evidence "  # detail text + tag + JSON: how a stored fatigue event carries its evidence


@dataclass(frozen=True)
class FatigueParams:
    """Every threshold of the judgement, with its unit and reason."""

    min_reps: int = 8  # judged reps needed for a finding: 5 early (a level and its spread) + ``late_reps``
    skip_first: int = 1  # the set's first rep starts from rest, and the counter often meets it mid-movement:
    # its time is no pace (1.3 s against 1.8 s in a generated squat set), so it is not judged
    late_reps: int = 3  # the change must hold over this many latest reps: one or two slow reps are not fatigue
    min_change: float = 0.15  # relative (0.15 = 15% slower or smaller): less is within what matters clinically
    z: float = 4.0  # standard errors the late mean must clear (one-sided 1 in 30,000 per rep by chance; a set is
    # judged after each rep: +-30% noise with no trend fires in about 1 set of 1,000, 3.5 in 4)
    min_variation: float = 0.05  # relative floor on the rep-to-rep variation: the steadiest people vary ~5%,
    # and a rep's time is known to a frame (1/30 s of a 1-2 s rep is 2-3%)

    def __post_init__(self) -> None:
        if self.skip_first < 0:
            raise ValueError("fatigue skip_first must be >= 0")
        if self.late_reps < 2 or self.min_reps < self.late_reps + 4:
            raise ValueError("fatigue needs late_reps >= 2 and min_reps >= late_reps + 4 (an early level of 4 reps)")
        if not 0 < self.min_change < 1 or self.z <= 0 or self.min_variation <= 0:
            raise ValueError("fatigue min_change must be in (0, 1), z and min_variation above 0")


@dataclass(frozen=True)
class FatigueFinding:
    """What was found and the evidence the physio sees (rep values, levels, variation, trend)."""

    reason: str  # SLOWER or SMALLER
    values: tuple[float, ...]  # per rep: duration in s (slower) or range in degrees (smaller), NaN: not measured
    found_at_rep: int  # 1-based rep of the set when it was found (the latest rep then)
    onset_rep: int  # 1-based rep where the persistent change began
    early_level: float  # mean of the reps before the late stretch (s or degrees)
    late_level: float  # mean of the late stretch
    change: float  # relative: +0.25 = 25% slower, or 25% smaller
    threshold: float  # relative change that was needed
    variation: float  # relative rep-to-rep variation: the largest of set / baseline / floor
    set_variation: float  # relative spread in this set (pooled within early and late reps)
    baseline_variation: float | None  # from earlier sessions; None: none given
    slope: float  # Theil-Sen trend, units per rep
    intercept: float  # trend value at rep 1
    skipped: int = 1  # first reps not judged (FatigueParams.skip_first)
    version: int = VERSION

    @property
    def measure(self) -> str:
        return MEASURES[self.reason]

    @property
    def unit(self) -> str:
        return "s" if self.reason == SLOWER else "deg"

    @property
    def text(self) -> str:
        """In the physio's words, e.g. "reps took 32% longer from rep 8 (2.0 s -> 2.6 s) ..."."""
        late = len(self.values) - self.onset_rep + 1
        if self.reason == SLOWER:
            what = (f"reps took {self.change:.0%} longer from rep {self.onset_rep} "
                    f"({self.early_level:.1f} s -> {self.late_level:.1f} s)")
        else:
            what = (f"movement was {self.change:.0%} smaller from rep {self.onset_rep} "
                    f"({self.early_level:.0f} deg -> {self.late_level:.0f} deg)")
        return (f"{what} over {late} rep(s), found at rep {self.found_at_rep}; "
                f"usual rep-to-rep variation {self.variation:.0%}")

    def trend(self) -> list[float]:
        """The Theil-Sen trend line at each rep (for the report's table and plot)."""
        return [self.intercept + self.slope * i for i in range(len(self.values))]

    def rows(self) -> list[tuple[int, float, float, str]]:
        """(rep, value, trend, part) per rep, part "not judged" (the set's first), "before" or
        "changed" (from the onset): the one table the review and the report show."""
        return [(i + 1, v, t, "not judged" if i < self.skipped else "changed" if i + 1 >= self.onset_rep else "before")
                for i, (v, t) in enumerate(zip(self.values, self.trend()))]

    @property
    def summary(self) -> str:
        """The numbers behind it in one line, for under the table."""
        unit = self.unit
        base = "" if self.baseline_variation is None else f", earlier sessions {self.baseline_variation:.0%}"
        return (f"before: {self.early_level:.2f} {unit} on average; last {self.found_at_rep - self.onset_rep + 1} "
                f"rep(s) from rep {self.onset_rep}: {self.late_level:.2f} {unit} ({self.change:+.0%}); needed "
                f"{self.threshold:.0%}; rep-to-rep variation {self.variation:.0%} (this set {self.set_variation:.0%}"
                f"{base}); trend {self.slope:+.3f} {unit} a rep")

    def evidence(self) -> dict:
        """The finding as plain JSON values (NaN as None, rounded)."""
        d = asdict(self)
        d["values"] = [None if not np.isfinite(v) else round(float(v), 3) for v in self.values]
        for k in ("early_level", "late_level", "change", "threshold", "variation", "set_variation",
                  "slope", "intercept"):
            d[k] = round(float(d[k]), 4)
        if d["baseline_variation"] is not None:
            d["baseline_variation"] = round(float(d["baseline_variation"]), 4)
        return d

    def to_detail(self) -> str:
        """The stored event's detail: readable text, then the evidence as JSON."""
        return self.text + EVIDENCE_TAG + json.dumps(self.evidence(), separators=(",", ":"))


def from_detail(detail: str) -> tuple[str, FatigueFinding | None]:
    """(text, evidence) of a stored fatigue event; evidence None for old events (the retired rule)
    or a detail that is not ours."""
    text, tag, raw = (detail or "").partition(EVIDENCE_TAG)
    if not tag:
        return text, None
    try:
        d = json.loads(raw)
        d["values"] = tuple(float("nan") if v is None else float(v) for v in d["values"])
        finding = FatigueFinding(**d)
    except (ValueError, TypeError, KeyError):
        return text, None
    return text, finding if finding.version == VERSION else None


RETIRED_NOTE = "older rule that compared single reps: no evidence kept, not used for suggestions"


def detail_words(detail: str) -> str:
    """A stored fatigue event's detail for a person to read: the text without the JSON, and a note
    on events of the retired rule (the review and the report show the evidence in a table)."""
    text, finding = from_detail(detail)
    return text if finding is not None else f"{text} ({RETIRED_NOTE})"


def applies(exercise: str, paced: bool) -> bool:
    """Whether slowing means fatigue: not for balance holds (their length is the score), not when a
    metronome or tempo sets the speed."""
    from exercises.registry import is_timed_hold

    return not paced and not is_timed_hold(exercise)


def rep_variation(values) -> float | None:
    """Relative rep-to-rep variation of a set's values: the root mean square of successive
    differences over sqrt(2) (von Neumann), relative to the set's mean, so a slow trend or one step
    hardly moves it; None with fewer than 3 finite values."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if len(v) < 3 or np.mean(v) <= 0:
        return None
    return float(np.sqrt(np.mean(np.diff(v) ** 2) / 2.0) / np.mean(v))


def baseline_variation(sets, params: FatigueParams = FatigueParams()) -> float | None:
    """The person's usual variation from earlier sets (each a sequence of values): the median over
    sets long enough to judge; None when there are none."""
    judged = [list(s)[params.skip_first:] for s in sets]
    found = [rep_variation(s) for s in judged
             if sum(1 for x in s if x is not None and np.isfinite(x)) >= params.min_reps]
    found = [x for x in found if x is not None]
    return float(np.median(found)) if found else None


def theil_sen(y) -> tuple[float, float]:
    """(slope per index, value at index 0) of the median pairwise slope, over finite values."""
    y = np.asarray(y, float)
    x = np.arange(len(y), dtype=float)
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(y) < 2:
        return 0.0, float(y[0]) if len(y) else 0.0
    i, j = np.triu_indices(len(y), k=1)
    slope = float(np.median((y[j] - y[i]) / (x[j] - x[i])))
    return slope, float(np.median(y - slope * x))


def t_quantile(z: float, df: int) -> float:
    """Student's t quantile matching the normal quantile ``z`` (Cornish-Fisher expansion; within
    about 2% of the tables from 4 degrees of freedom; no SciPy in the pure package)."""
    nu = float(df)
    return (z + (z ** 3 + z) / (4 * nu) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * nu ** 3))


def judge(values, reason: str, params: FatigueParams = FatigueParams(),
          baseline: float | None = None) -> FatigueFinding | None:
    """The judgement on a set's reps so far (values in rep order: durations for SLOWER, ranges for
    SMALLER; NaN or None where not measured). None: no fatigue shown.

    A one-sided two-sample test of the latest ``late_reps`` against the reps before them: the
    spread is pooled from both groups (n - 2 degrees of freedom, so a t quantile, not z, for a
    spread measured on a few reps); a known spread (the floor, the earlier sessions' baseline) is
    used with z."""
    raw = [np.nan if v is None else float(v) for v in values]
    judged = [np.nan if i < params.skip_first else v for i, v in enumerate(raw)]
    finite = [(i, v) for i, v in enumerate(judged) if np.isfinite(v)]
    if len(finite) < params.min_reps:
        return None
    k = params.late_reps
    v = np.array([x for _, x in finite])
    early, late = v[:-k], v[-k:]
    level = float(np.mean(early))
    if level <= 0:
        return None
    sign = 1.0 if reason == SLOWER else -1.0
    rel = sign * (v / level - 1.0)  # + is towards fatigue
    set_var = float(np.sqrt(((len(early) - 1) * np.var(early, ddof=1) + (k - 1) * np.var(late, ddof=1))
                            / (len(v) - 2))) / level
    known = max(baseline or 0.0, params.min_variation)
    scale = np.sqrt(1.0 / k + 1.0 / len(early))  # standard error of (late mean - early mean) per unit spread
    threshold = max(params.min_change, params.z * known * scale, t_quantile(params.z, len(v) - 2) * set_var * scale)
    change = float(np.mean(rel[-k:]))
    if change < threshold or np.min(rel[-k:]) < threshold / 2:
        return None
    slope, intercept = theil_sen(judged)
    if sign * slope <= 0:
        return None
    onset = len(rel) - k
    while onset > 0 and rel[onset - 1] >= threshold / 2:
        onset -= 1
    return FatigueFinding(reason, tuple(raw), found_at_rep=len(raw), onset_rep=finite[onset][0] + 1,
                          early_level=level, late_level=float(np.mean(late)), change=change, threshold=threshold,
                          variation=max(known, set_var), set_variation=set_var, baseline_variation=baseline,
                          slope=slope, intercept=intercept, skipped=params.skip_first)


def finding_now(durations, ranges=None, params: FatigueParams = FatigueParams(),
                baseline: dict[str, float] | None = None) -> FatigueFinding | None:
    """The judgement after the latest rep: slower first, then smaller. ``baseline``:
    {"duration_s": ..., "range_deg": ...} variations from earlier sessions, either optional."""
    baseline = baseline or {}
    found = judge(durations, SLOWER, params, baseline.get(MEASURES[SLOWER]))
    if found is None and ranges is not None:
        found = judge(ranges, SMALLER, params, baseline.get(MEASURES[SMALLER]))
    return found


def first_finding(durations, ranges=None, params: FatigueParams = FatigueParams(),
                  baseline: dict[str, float] | None = None) -> FatigueFinding | None:
    """The first finding as the set went on, rep by rep: what the live coach would have said
    (once per set), for a set judged afterwards (progression)."""
    n = max(len(durations), len(ranges or ()))
    for end in range(params.min_reps, n + 1):
        found = finding_now(durations[:end], None if ranges is None else ranges[:end], params, baseline)
        if found is not None:
            return found
    return None
