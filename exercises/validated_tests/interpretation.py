"""A test's score read against the norms for the patient (``exercises.norms``): band, flags and plain
words; the Timed Up and Go's fall-risk reading with its own timing uncertainty."""
from __future__ import annotations

import numpy as np

from exercises import norms
from exercises.validated_tests.catalogue import TESTS, canonical_test_id
from exercises.validated_tests.result import TestResult


def interpret(test: str, value: float | None, age: int | None = None, sex: str | None = None,
              condition: str = "") -> TestResult:
    """A raw score read against the norms for the patient: band, flags and plain words."""
    spec = TESTS[canonical_test_id(test)]
    if value is None:
        return TestResult(spec.id, None, spec.unit, interpretation="Not scored.", trust="low")
    parkinsons = (condition or "").lower() in ("parkinsons", "parkinson's", "pd")
    if spec.id == "chair-stand-30s":
        return interpret_chair_stand(value, age, sex)
    if spec.id == "five-times-sts":
        return interpret_ftsts(value, age, parkinsons)
    if spec.id == "functional-reach":
        return interpret_reach(value, parkinsons)
    if spec.id == "timed-up-and-go":
        return interpret_tug(value, age)
    if spec.id == "gait-speed":
        from exercises.validated_tests.gait_score import interpret_gait

        return interpret_gait(value, age, sex)
    return TestResult(spec.id, float(value), spec.unit, norm_source=spec.norm_source, norm=spec.norm_source,
                      interpretation=f"{value:g} heel raises in 30 s. No published normal range in our reference; a "
                      f"change of a couple of raises is within measurement error (SEM {norms.CALF_RAISE_SEM_REPS:.0f}).")


def interpret_chair_stand(value: float, age: int | None, sex: str | None) -> TestResult:
    band = norms.chair_stand_band(age, sex)
    flags = []
    if value < norms.CHAIR_STAND_LOW_FUNCTION:
        flags.append("low_function")
    if band is None:
        norm, low, high = "", None, None
        words = f"{value:g} stands in 30 s; no norm for this age/sex (tables cover 60-94, women and men)."
    else:
        norm, low, high = f"{band.low}-{band.high} stands ({band.label}; {band.source})", band.low, band.high
        where = "below" if value < band.low else "above" if value > band.high else "within"
        if where == "below":
            flags.append("below_norm")
        words = (f"{value:g} stands in 30 s: {where} the normal range for {band.label} "
                 f"({band.low}-{band.high}).")
    if "low_function" in flags:
        words += f" Fewer than {norms.CHAIR_STAND_LOW_FUNCTION} stands is associated with lower functional ability."
    return TestResult("chair-stand-30s", float(value), "stands", low, high, norms.CHAIR_STAND_SOURCE, words,
                      norm, flags=tuple(flags))


def interpret_ftsts(value: float, age: int | None, parkinsons: bool) -> TestResult:
    flags, notes, norm, high = [], [], "", None
    cutoff = norms.ftsts_cutoff(age)
    if cutoff is not None:
        limit, decade = cutoff
        high = limit
        norm = f"worse than average above {limit} s at {decade} ({norms.FTSTS_SOURCE})"
        if value > limit:
            flags.append("below_norm")
            notes.append(f"slower than average for {decade} ({limit} s)")
        else:
            notes.append(f"within the average for {decade} ({limit} s)")
    else:
        notes.append("no age norm (Bohannon 2006 covers 60-89)")
    if parkinsons and value > norms.FTSTS_PARKINSONS_FALLS_S:
        flags.append("fall_risk_pd")
        notes.append(f"above {norms.FTSTS_PARKINSONS_FALLS_S:.0f} s, the fall-risk cut-off in Parkinson's disease (Duncan 2011)")
    elif value >= norms.FTSTS_RECURRENT_FALLS_S:
        flags.append("fall_risk")
        notes.append(f"at or above {norms.FTSTS_RECURRENT_FALLS_S:.0f} s, which predicts recurrent falls in people "
                     "over 65 (Buatois 2008)")
    elif value >= norms.FTSTS_DISABILITY_S:
        notes.append(f"at or above {norms.FTSTS_DISABILITY_S} s, associated with disability (Guralnik 2000)")
    words = f"Five stands in {value:.1f} s: " + "; ".join(notes) + "."
    return TestResult("five-times-sts", round(float(value), 2), "s", None, high,
                      f"{norms.FTSTS_SOURCE}; Buatois 2008; Duncan 2011", words, norm, flags=tuple(flags))


def interpret_reach(value: float, parkinsons: bool) -> TestResult:
    cutoff = norms.frt_cutoff(parkinsons)
    source = norms.FRT_SOURCE + ("; Parkinson's cut-off 25.4 cm" if parkinsons else "")
    below = value < cutoff
    words = (f"Reach {value:.0f} cm: " + (f"below the {cutoff:g} cm fall-risk cut-off ({source})." if below
                                          else f"at or above the {cutoff:g} cm fall-risk cut-off."))
    return TestResult("functional-reach", round(float(value), 1), "cm", cutoff, None, source, words,
                      f"< {cutoff:g} cm flags fall risk ({source})", flags=("fall_risk",) if below else ())



def tug_fall_risk(value: float, uncertainty_s: float = 0.0) -> str:
    """"yes" (at or over the 13.5 s cut-off even at the time's low end), "no" (under it even at the
    high end) or "cannot classify" (the time's own uncertainty spans the cut-off)."""
    if value - uncertainty_s >= norms.TUG_FALL_RISK_S:
        return "yes"
    if value + uncertainty_s < norms.TUG_FALL_RISK_S:
        return "no"
    return "cannot classify"


def tug_uncertainty_s(frame_uncertainty_s: float = 0.0, event_gap_s: float = 0.0) -> float:
    """How far a TUG time from video can be off: the frame timing (two moments placed to a frame
    each), the camera-vs-expert spread (``norms.CAMERA_TIMING_SD_S``), and the longest time the
    patient was not seen around the start or the seat contact (each event is dated within it)."""
    return round(float(np.hypot(frame_uncertainty_s, norms.CAMERA_TIMING_SD_S)) + event_gap_s, 2)


def interpret_tug(value: float, age: int | None, uncertainty_s: float = 0.0) -> TestResult:
    (mean, ci_lo, ci_hi), group = norms.tug_reference(age)
    flags = []
    words = (f"{value:.1f} s. Healthy people {group} average {mean:g} s "
             f"(95% CI {ci_lo:g}-{ci_hi:g}, {norms.TUG_SOURCE})")
    if value > ci_hi:
        flags.append("below_norm")
        words += "; slower than average."
    else:
        words += "."
    risk = tug_fall_risk(value, uncertainty_s)
    if risk == "yes":
        flags.append("fall_risk")
        words += f" At or over {norms.TUG_FALL_RISK_S:g} s: higher risk of falling ({norms.TUG_FALL_RISK_SOURCE})."
    elif risk == "cannot classify":
        words += (f" {value:.1f} s ± {uncertainty_s:.1f} s spans the {norms.TUG_FALL_RISK_S:g} s fall-risk cut-off: "
                  "this recording cannot classify the risk of falling either way (time it again, or with a stopwatch).")
    return TestResult("timed-up-and-go", round(float(value), 2), "s", None, ci_hi,
                      f"{norms.TUG_SOURCE}; Shumway-Cook 2000", words,
                      f"mean {mean:g} s ({group}), worse than average above {ci_hi:g} s", flags=tuple(flags),
                      details={"fall_risk": risk})
