"""Scoring of validated clinical tests from a list of Reps (pure, no video).

Each result carries the score, the norm it is compared with (and its source), a plain-words
interpretation for the physio and a trust flag ("ok"/"low") that is "low" whenever a rep it
rests on had low tracking confidence, the test ran short, or the protocol was broken.
Norm values live in ``exercises.norms`` (copied from CLINICAL.md with sources).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from exercises import norms
from exercises.base import Rep

CHAIR_STAND_DURATION_S = 30.0
CALF_RAISE_DURATION_S = 30.0
FTSTS_REPS = 5


@dataclass(frozen=True)
class TestResult:
    test: str  # "30s-chair-stand", "5x-sit-to-stand", "functional-reach", "30s-calf-raise"
    score: float | None  # stands, seconds, centimetres or raises; None when it cannot be scored
    unit: str
    norm: str  # the comparison used, with its source ("" when none exists)
    interpretation: str  # plain words for the physio
    trust: str = "ok"  # "ok" or "low"
    flags: tuple[str, ...] = ()  # e.g. "fall_risk", "below_norm", "used_hands"
    details: dict[str, float] = field(default_factory=dict)


def _trust(reps: list[Rep], extra_low: bool = False) -> str:
    return "low" if extra_low or any(r.confidence != "ok" for r in reps) else "ok"


def chair_stand_30s(reps: list[Rep], start_s: float, end_s: float | None = None,
                    age: int | None = None, sex: str | None = None) -> TestResult:
    """30-second chair stand (Rikli & Jones 1999): full stands reached within 30 s of the start;
    a stand more than halfway up when time ends counts."""
    stop = start_s + CHAIR_STAND_DURATION_S
    full = [r for r in reps if r.counted and start_s <= r.metrics.get("stand_time_s", r.end_s) <= stop]
    halfway = [r for r in reps if r.start_s < stop and r not in full and _risen_fraction_at(r, stop) > 0.5]
    score = len(full) + (1 if halfway else 0)
    band = norms.chair_stand_band(age, sex)
    flags = []
    if score < norms.CHAIR_STAND_LOW_FUNCTION:
        flags.append("low_function")
    if band is None:
        norm = ""
        words = f"{score} stands in 30 s."
    else:
        norm = f"{band.low}-{band.high} stands ({band.label}; {band.source})"
        if score < band.low:
            flags.append("below_norm")
            words = f"{score} stands in 30 s: below the normal range for {band.label} ({band.low}-{band.high})."
        elif score > band.high:
            words = f"{score} stands in 30 s: above the normal range for {band.label} ({band.low}-{band.high})."
        else:
            words = f"{score} stands in 30 s: within the normal range for {band.label} ({band.low}-{band.high})."
    if "low_function" in flags:
        words += f" Fewer than {norms.CHAIR_STAND_LOW_FUNCTION} stands is associated with lower functional ability."
    if any("hands_on_thighs" in r.fault_codes for r in full):
        flags.append("used_hands")
        words += " Hands pushed on the thighs in some stands (protocol asks for arms crossed)."
    short = end_s is not None and end_s < stop
    if short:
        words += " The recording ended before 30 s."
    return TestResult("30s-chair-stand", float(score), "stands", norm, words, _trust(full + halfway, short),
                      tuple(flags), {"halfway_at_end": float(bool(halfway))})


def _risen_fraction_at(rep: Rep, t: float) -> float:
    """How far up a rise was at time ``t`` (linear in time between start and standing)."""
    stand = rep.metrics.get("stand_time_s")
    if stand is not None and stand > rep.start_s:
        return float(np.clip((t - rep.start_s) / (stand - rep.start_s), 0.0, 1.0))
    if rep.end_s <= t:  # the attempt ended before time: its peak was in the past, not at t
        return 0.0
    return rep.metrics.get("peak_rise_pct", 0.0) / 100.0


def five_times_sit_to_stand(reps: list[Rep], age: int | None = None, parkinsons: bool = False) -> TestResult:
    """5xSTS: start of the first rise to seated after the fifth stand (Bohannon 2006 cut-offs;
    >= 15 s recurrent falls, Buatois 2008; >= 13.6 s disability, Guralnik 2000)."""
    stands = [r for r in reps if r.counted][:FTSTS_REPS]
    if len(stands) < FTSTS_REPS:
        return TestResult("5x-sit-to-stand", None, "s", "", f"Only {len(stands)} of 5 stands completed: test not scored.",
                          "low", ("incomplete",))
    score = stands[-1].end_s - stands[0].start_s
    flags, notes = [], []
    cutoff = norms.ftsts_cutoff(age)
    norm = ""
    if cutoff is not None:
        limit, decade = cutoff
        norm = f"worse than average above {limit} s at {decade} ({norms.FTSTS_SOURCE})"
        if score > limit:
            flags.append("below_norm")
            notes.append(f"slower than average for {decade} ({limit} s)")
        else:
            notes.append(f"within the average for {decade} ({limit} s)")
    if score >= norms.FTSTS_RECURRENT_FALLS_S:
        flags.append("fall_risk")
        notes.append(f"at or above {norms.FTSTS_RECURRENT_FALLS_S:.0f} s, which predicts recurrent falls in people over 65 (Buatois 2008)")
    elif score >= norms.FTSTS_DISABILITY_S:
        notes.append(f"at or above {norms.FTSTS_DISABILITY_S} s, associated with disability (Guralnik 2000)")
    if parkinsons and score > norms.FTSTS_PARKINSONS_FALLS_S:
        flags.append("fall_risk_pd")
        notes.append(f"above {norms.FTSTS_PARKINSONS_FALLS_S:.0f} s, the fall-risk cut-off in Parkinson's disease (Duncan 2011)")
    if any("hands_on_thighs" in r.fault_codes for r in stands):
        flags.append("used_hands")
        notes.append("the hands were used to push up, which fails the test protocol")
    words = f"Five stands in {score:.1f} s" + (": " + "; ".join(notes) if notes else "") + "."
    return TestResult("5x-sit-to-stand", round(score, 2), "s", norm, words, _trust(stands, "used_hands" in flags),
                      tuple(flags), {"first_rise_s": stands[0].start_s, "last_seated_s": stands[-1].end_s})


def functional_reach(reps: list[Rep], parkinsons: bool = False) -> TestResult:
    """Functional Reach (Duncan 1990): 2 practice trials then 3 trials averaged. With five or
    more trials the mean is of the last three; with fewer, of all (and trust is low)."""
    trials = [r for r in reps if r.counted and "reach_distance_cm" in r.metrics and "stepping" not in r.fault_codes]
    stepped = sum("stepping" in r.fault_codes for r in reps)
    if not trials:
        return TestResult("functional-reach", None, "cm", "", "No valid reach trial.", "low", ("incomplete",))
    scored = trials[2:5] if len(trials) >= 5 else trials
    distances = [r.metrics["reach_distance_cm"] for r in scored]
    mean, best = float(np.mean(distances)), float(max(r.metrics["reach_distance_cm"] for r in trials))
    cutoff = norms.FRT_PARKINSONS_CM if parkinsons else norms.FRT_FALL_RISK_CM
    source = "Parkinson's cut-off" if parkinsons else "about 4x fall risk below it (Duncan 1990)"
    flags = ("fall_risk",) if mean < cutoff else ()
    words = f"Mean reach {mean:.0f} cm (best {best:.0f} cm) over {len(scored)} trials: " + (
        f"below {cutoff} cm, {source}." if flags else f"at or above {cutoff} cm.")
    if stepped:
        words += f" {stepped} trial(s) discarded for stepping or lifting the heels."
    low = len(trials) < 3
    return TestResult("functional-reach", round(mean, 1), "cm", f"< {cutoff} cm flags fall risk ({source})", words,
                      _trust(scored, low), flags, {"best_cm": round(best, 1), "trials": float(len(scored))})


def calf_raise_30s(reps: list[Rep], start_s: float, end_s: float | None = None) -> TestResult:
    """Calf-Raise Senior test (Andre 2016): full raises completed within 30 s. No normal range
    is in our reference, so only the count and its measurement error are reported."""
    stop = start_s + CALF_RAISE_DURATION_S
    done = [r for r in reps if r.counted and start_s <= r.end_s <= stop]
    short = end_s is not None and end_s < stop
    words = (f"{len(done)} heel raises in 30 s. No published normal range in our reference; "
             f"a change of a couple of raises is within measurement error (SEM {norms.CALF_RAISE_SEM_REPS:.0f}).")
    if short:
        words += " The recording ended before 30 s."
    return TestResult("30s-calf-raise", float(len(done)), "raises", norms.CALF_RAISE_SOURCE, words, _trust(done, short))
