"""Published reference values for the Timed Up and Go (TUG). CLINICAL.md has none; each value
here carries its source. To move into ``exercises.norms`` (the project's one norms table) once
that file is open for edits.

- Bohannon RW. Reference values for the timed up and go test: a descriptive meta-analysis.
  J Geriatr Phys Ther 2006;29(2):64-68. 21 studies, apparently healthy elders: mean (95% CI)
  8.1 (7.1-9.0) s at 60-69 years, 9.2 (8.2-10.2) s at 70-79, 11.3 (10.0-12.7) s at 80-99; 9.4
  (8.9-9.9) s for all 60+. "Patients whose performance exceeds the upper limit of reported
  confidence intervals can be considered to have worse than average performance."
- Shumway-Cook A, Brauer S, Woollacott M. Predicting the probability for falls in
  community-dwelling older adults using the Timed Up & Go Test. Phys Ther 2000;80(9):896-903:
  >= 13.5 s identifies people at higher risk of falling. A later meta-analysis of that cut-off
  (Barry E et al., BMC Geriatr 2014;14:14) found pooled sensitivity 0.31 and specificity 0.74:
  better at ruling in than ruling out, not to be used on its own.
"""
from __future__ import annotations

TUG_SOURCE = "Bohannon 2006 (J Geriatr Phys Ther, meta-analysis)"
# (age from, age to): (mean, CI low, CI high), seconds
TUG_REFERENCE_S = {(60, 69): (8.1, 7.1, 9.0), (70, 79): (9.2, 8.2, 10.2), (80, 99): (11.3, 10.0, 12.7)}
TUG_ALL_60_PLUS_S = (9.4, 8.9, 9.9)
TUG_FALL_RISK_S = 13.5  # Shumway-Cook 2000; pooled sens 0.31 / spec 0.74 (Barry 2014)
TUG_FALL_RISK_SOURCE = "Shumway-Cook 2000 (>= 13.5 s); Barry 2014 meta-analysis: sensitivity 0.31, specificity 0.74"


def reference_for(age: int | None) -> tuple[tuple[float, float, float], str]:
    """(mean, CI low, CI high) for the age, and its label; all 60+ when the age is not given or
    under 60 (no value in the source for younger people)."""
    if age is not None:
        for (lo, hi), ref in TUG_REFERENCE_S.items():
            if lo <= age <= hi:
                return ref, f"{lo}-{hi} years"
    return TUG_ALL_60_PLUS_S, "60 years and over"


def interpret(time_s: float | None, age: int | None = None) -> dict:
    """Plain words and flags for a TUG time (TestResult-shaped keys)."""
    if time_s is None:
        return {"value": None, "interpretation": "Not timed.", "flags": ["cannot_score"]}
    (mean, ci_lo, ci_hi), group = reference_for(age)
    flags = []
    words = f"{time_s:.1f} s. Healthy people {group} average {mean:g} s (95% CI {ci_lo:g}-{ci_hi:g}, {TUG_SOURCE})"
    if time_s > ci_hi:
        flags.append("below_norm")
        words += "; slower than average."
    else:
        words += "."
    if time_s >= TUG_FALL_RISK_S:
        flags.append("fall_risk")
        words += f" At or over {TUG_FALL_RISK_S:g} s: higher risk of falling ({TUG_FALL_RISK_SOURCE})."
    return {"value": round(time_s, 2), "unit": "s", "norm_low": None, "norm_high": ci_hi, "norm_source": TUG_SOURCE,
            "interpretation": words, "flags": flags, "norm": f"mean {mean:g} s ({group}), upper 95% CI {ci_hi:g} s"}
