"""Norms for the standardised tests, with their sources (see shared CLINICAL.md).

``interpret`` turns a raw score into a ``TestResult`` with the norm band it was read against and a
plain-language interpretation for the physio. Where no norm exists for the patient's age it says so.
"""
from __future__ import annotations

from coach.store.records import TestResult

# 30-second chair stand, normal range (25th-75th percentile) by age band: Rikli & Jones 1999.
CHAIR_STAND_30S: dict[str, dict[tuple[int, int], tuple[int, int]]] = {
    "female": {(60, 64): (12, 17), (65, 69): (11, 16), (70, 74): (10, 15), (75, 79): (10, 15),
               (80, 84): (9, 14), (85, 89): (8, 13), (90, 94): (4, 11)},
    "male": {(60, 64): (14, 19), (65, 69): (12, 18), (70, 74): (12, 17), (75, 79): (11, 17),
             (80, 84): (10, 15), (85, 89): (8, 14), (90, 94): (7, 12)},
}
CHAIR_STAND_SOURCE = "Rikli & Jones 1999 (25th-75th percentile)"

# Five-times sit-to-stand: slower than this is worse than average (Bohannon 2006 meta-analysis).
FIVE_STS_AVERAGE = {(60, 69): 11.4, (70, 79): 12.6, (80, 89): 14.8}
FIVE_STS_FALLS_S = 15.0  # Buatois 2008: >= 15 s predicts recurrent falls (65+)
FIVE_STS_PARKINSONS_S = 16.0  # Duncan 2011: > 16 s indicates fall risk in Parkinson's disease

# Functional reach (Duncan 1990).
REACH_FALL_RISK_CM = 15.0  # < 15 cm: about 4x fall risk
REACH_PARKINSONS_CM = 25.4  # Parkinson's cut-off (Duncan et al.)

TESTS = {"chair_stand_30s": "30-second chair stand", "five_times_sts": "Five-times sit-to-stand",
         "functional_reach": "Functional reach",
         # names used by exercises.validated_tests
         "30s-chair-stand": "30-second chair stand", "5x-sit-to-stand": "Five-times sit-to-stand",
         "functional-reach": "Functional reach", "30s-calf-raise": "30-second calf raise"}


def interpret(test: str, value: float, age: int | None, sex: str = "", condition: str = "") -> TestResult:
    if test == "chair_stand_30s":
        return _chair_stand(value, age, sex)
    if test == "five_times_sts":
        return _five_sts(value, age, condition)
    if test == "functional_reach":
        return _reach(value, condition)
    raise ValueError(f"unknown test {test!r} (known: {', '.join(TESTS)})")


def _band(table: dict, age: int | None):
    if age is None:
        return None
    return next((v for (lo, hi), v in table.items() if lo <= age <= hi), None)


def _chair_stand(value: float, age: int | None, sex: str) -> TestResult:
    band = _band(CHAIR_STAND_30S.get(sex, {}), age)
    if band is None:
        note = "no norm for this age/sex (tables cover 60-94, women and men)"
        text = f"{value:g} stands; {note}" + ("; fewer than 8 is associated with lower function" if value < 8 else "")
        return TestResult("chair_stand_30s", value, "reps", None, None, CHAIR_STAND_SOURCE, text)
    low, high = band
    where = "below" if value < low else "above" if value > high else "within"
    text = f"{where} the normal range {low}-{high} for age {age}"
    if value < 8:
        text += "; fewer than 8 stands is associated with lower functional ability"
    return TestResult("chair_stand_30s", value, "reps", low, high, CHAIR_STAND_SOURCE, text)


def _five_sts(value: float, age: int | None, condition: str) -> TestResult:
    average = _band(FIVE_STS_AVERAGE, age)
    notes = []
    if average is not None:
        notes.append(f"{'slower' if value > average else 'not slower'} than average for age {age} "
                     f"({average:g} s, Bohannon 2006)")
    else:
        notes.append("no age norm (Bohannon 2006 covers 60-89)")
    if condition == "parkinsons" and value > FIVE_STS_PARKINSONS_S:
        notes.append(f"above {FIVE_STS_PARKINSONS_S:g} s: fall risk in Parkinson's (Duncan 2011)")
    elif value >= FIVE_STS_FALLS_S:
        notes.append(f"{FIVE_STS_FALLS_S:g} s or more predicts recurrent falls (Buatois 2008)")
    return TestResult("five_times_sts", value, "s", None, average, "Bohannon 2006; Buatois 2008; Duncan 2011",
                      "; ".join(notes))


def _reach(value: float, condition: str) -> TestResult:
    cutoff = REACH_PARKINSONS_CM if condition == "parkinsons" else REACH_FALL_RISK_CM
    source = "Duncan 1990" + ("; Parkinson's cut-off 25.4 cm" if condition == "parkinsons" else "")
    text = (f"below the {cutoff:g} cm fall-risk cut-off" if value < cutoff
            else f"at or above the {cutoff:g} cm fall-risk cut-off")
    return TestResult("functional_reach", value, "cm", cutoff, None, source, text)
