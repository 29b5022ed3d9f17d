"""Published norms and cut-offs for the validated tests: the project's one norms table.

Every value here is copied from shared CLINICAL.md, which cites the primary source, except the
Timed Up and Go's, gait speed's meaningful changes (Perera 2006, Tilson 2010) and the condition
values (``CONDITION_NORMS``) that CLINICAL.md lacks: those are
copied from the published sources (abstracts) named next to them. Nothing is interpolated or invented. Lookups return None where no norm exists. Scoring and interpretation
(``exercises.validated_tests``) and the reports (``coach.reports.norms``) read only this module.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NormBand:
    low: float
    high: float
    label: str  # e.g. "female, 70-74 years"
    source: str


# 30-second chair stand, normal range (25th-75th percentile) of full stands in 30 s.
# Rikli & Jones 1999, Senior Fitness Test (first edition values).
CHAIR_STAND_SOURCE = "Rikli & Jones 1999 (Senior Fitness Test), 25th-75th percentile"
CHAIR_STAND_30S: dict[tuple[int, int], dict[str, tuple[int, int]]] = {
    (60, 64): {"female": (12, 17), "male": (14, 19)},
    (65, 69): {"female": (11, 16), "male": (12, 18)},
    (70, 74): {"female": (10, 15), "male": (12, 17)},
    (75, 79): {"female": (10, 15), "male": (11, 17)},
    (80, 84): {"female": (9, 14), "male": (10, 15)},
    (85, 89): {"female": (8, 13), "male": (8, 14)},
    (90, 94): {"female": (4, 11), "male": (7, 12)},
}
CHAIR_STAND_LOW_FUNCTION = 8  # fewer unassisted stands: lower functional ability (Rikli & Jones)

# Five-times sit-to-stand.
FTSTS_WORSE_THAN_AVERAGE_S = {(60, 69): 11.4, (70, 79): 12.6, (80, 89): 14.8}  # Bohannon 2006 meta-analysis
FTSTS_SOURCE = "Bohannon 2006 (meta-analysis)"
FTSTS_RECURRENT_FALLS_S = 15.0  # >= 15 s, people 65+ (Buatois 2008; sens 55%, spec 65%)
FTSTS_DISABILITY_S = 13.6  # >= 13.6 s (Guralnik 2000)
FTSTS_PARKINSONS_FALLS_S = 16.0  # > 16 s in Parkinson's disease (Duncan 2011)

# Functional Reach Test (Duncan 1990).
FRT_FALL_RISK_CM = 15.0  # < 15 cm (6 in): about 4x fall risk
FRT_PARKINSONS_CM = 25.4  # < 25.4 cm in Parkinson's disease (sens 30%, spec 92%)
FRT_MCID_CM = (3.0, 5.0)  # minimal clinically important difference, secondary source
FRT_SOURCE = "Duncan 1990"

# Calf-Raise Senior test (Andre 2016): reliability only; CLINICAL.md lists no normal range.
CALF_RAISE_SEM_REPS = 2.0
CALF_RAISE_SOURCE = "Andre 2016 (Calf-Raise Senior test): ICC 0.90, SEM 2.0 reps; no normal range published in our reference"

# Timed Up and Go (CLINICAL.md has none; the sources, as published):
# - Bohannon RW. Reference values for the timed up and go test: a descriptive meta-analysis.
#   J Geriatr Phys Ther 2006;29(2):64-68 (21 studies, apparently healthy elders): mean (95% CI)
#   8.1 (7.1-9.0) s at 60-69 years, 9.2 (8.2-10.2) s at 70-79, 11.3 (10.0-12.7) s at 80-99, 9.4
#   (8.9-9.9) s for all 60+; above the upper CI limit is "worse than average performance".
# - Shumway-Cook A, Brauer S, Woollacott M. Phys Ther 2000;80(9):896-903: >= 13.5 s identifies
#   people at higher risk of falling. Barry E et al., BMC Geriatr 2014;14:14 (meta-analysis of that
#   cut-off): pooled sensitivity 0.31, specificity 0.74: better at ruling in than ruling out.
TUG_SOURCE = "Bohannon 2006 (meta-analysis)"
TUG_REFERENCE_S = {(60, 69): (8.1, 7.1, 9.0), (70, 79): (9.2, 8.2, 10.2), (80, 99): (11.3, 10.0, 12.7)}
TUG_ALL_60_PLUS_S = (9.4, 8.9, 9.9)  # (mean, CI low, CI high), seconds
TUG_FALL_RISK_S = 13.5
TUG_FALL_RISK_SOURCE = "Shumway-Cook 2000 (>= 13.5 s); Barry 2014 meta-analysis: sensitivity 0.31, specificity 0.74"
# How far a camera's timing of a rise-to-seat test strays from an expert's (CLINICAL.md, 5xSTS:
# RGB camera vs expert -0.30 +- 0.51 s): the spread is part of every TUG time's uncertainty, so a
# time within it of the fall-risk cut-off is not classified either way.
CAMERA_TIMING_SD_S = 0.51

# Gait speed (the 10-metre walk; at home a 4-metre course), metres per second.
# From CLINICAL.md ("Gait speed"):
# - Perry J, Garrett M, Gronley JK, Mulroy SJ. Classification of walking handicap in the stroke
#   population. Stroke 1995;26(6):982-9: comfortable gait speed < 0.4 m/s household walker,
#   0.4-0.8 m/s limited community walker, > 0.8 m/s community walker (people after stroke).
# - Bohannon RW, Williams Andrews A. Normal walking speed: a descriptive meta-analysis.
#   Physiotherapy 2011;97(3):182-9: mean comfortable gait speed of healthy adults by decade and sex
#   (the 60+ decades only are in CLINICAL.md, so only those are here; none for younger people).
# CLINICAL.md lacks (copied from the published sources named):
# - Perera S, Mody SH, Woodman RC, Studenski SA. Meaningful change and responsiveness in common
#   physical performance measures in older adults. J Am Geriatr Soc 2006;54(5):743-9: a small
#   meaningful change in gait speed is about 0.05 m/s, a substantial one about 0.10 m/s.
# - Tilson JK, Sullivan KJ, Cen SY, et al. Meaningful gait speed improvement during the first 60
#   days poststroke: minimal clinically important difference. Phys Ther 2010;90(2):196-208:
#   0.16 m/s (comfortable gait speed, subacute stroke).
# - Fritz S, Lusardi M. White paper: "Walking speed: the sixth vital sign". J Geriatr Phys Ther
#   2009;32(2):2-5: why the speed is measured at all; no value is taken from it here.
# No norm for the fast pace is in CLINICAL.md: a fast-pace speed is reported without one.
GAIT_SOURCE = "Bohannon & Williams Andrews 2011 (meta-analysis); Perry 1995; Perera 2006"
GAIT_COMFORTABLE_M_S = {(60, 69): {"male": 1.34, "female": 1.24}, (70, 79): {"male": 1.26, "female": 1.13},
                        (80, 99): {"male": 0.97, "female": 0.94}}
GAIT_COMFORTABLE_SOURCE = "Bohannon & Williams Andrews 2011, meta-analysis of healthy adults"
GAIT_HOUSEHOLD_M_S = 0.4  # below: household walker (Perry 1995, after stroke)
GAIT_COMMUNITY_M_S = 0.8  # above: community walker; between: limited community walker (Perry 1995)
GAIT_CATEGORY_SOURCE = "Perry 1995, people after stroke"
GAIT_MEANINGFUL_CHANGE_M_S = (0.05, 0.10)  # small, substantial (Perera 2006, older adults)
GAIT_CHANGE_SOURCE = "Perera 2006"
GAIT_STROKE_MCID_M_S = 0.16  # Tilson 2010, subacute stroke


def gait_reference(age: int | None, sex: str | None) -> tuple[float, str] | None:
    """Healthy adults' mean comfortable gait speed (m/s) for the age and sex, and its label; None
    under 60 or without sex (the values in our reference cover 60-99 years)."""
    sex = normalise_sex(sex)
    if age is None or sex is None:
        return None
    for (lo, hi), means in GAIT_COMFORTABLE_M_S.items():
        if lo <= age <= hi:
            return means[sex], f"{sex}, {lo}-{hi} years"
    return None


def gait_category(speed_m_s: float) -> str:
    """Perry 1995's walking category of a comfortable gait speed (people after stroke)."""
    if speed_m_s < GAIT_HOUSEHOLD_M_S:
        return "household walker"
    if speed_m_s <= GAIT_COMMUNITY_M_S:
        return "limited community walker"
    return "community walker"


_SEX = {"f": "female", "female": "female", "woman": "female", "w": "female",
        "m": "male", "male": "male", "man": "male"}


def normalise_sex(sex: str | None) -> str | None:
    """"f"/"female"/"F" -> "female", "m"/"male" -> "male"; anything else (incl. "other") -> None."""
    return _SEX.get((sex or "").strip().lower())


def chair_stand_band(age: int | None, sex: str | None) -> NormBand | None:
    """Normal range for the 30-s chair stand, or None outside 60-94 years or without sex."""
    sex = normalise_sex(sex)
    if age is None or sex is None:
        return None
    for (lo, hi), bands in CHAIR_STAND_30S.items():
        if lo <= age <= hi:
            low, high = bands[sex]
            return NormBand(low, high, f"{sex}, {lo}-{hi} years", CHAIR_STAND_SOURCE)
    return None


def ftsts_cutoff(age: int | None) -> tuple[float, str] | None:
    """Bohannon's "worse than average" time for the age decade, or None outside 60-89."""
    if age is None:
        return None
    for (lo, hi), cutoff in FTSTS_WORSE_THAN_AVERAGE_S.items():
        if lo <= age <= hi:
            return cutoff, f"{lo}-{hi} years"
    return None


def frt_cutoff(parkinsons: bool) -> float:
    return FRT_PARKINSONS_CM if parkinsons else FRT_FALL_RISK_CM


def tug_reference(age: int | None) -> tuple[tuple[float, float, float], str]:
    """(mean, CI low, CI high) of the TUG for the age, and its label; all 60+ when the age is not
    given or under 60 (the source has no value for younger people)."""
    if age is not None:
        for (lo, hi), ref in TUG_REFERENCE_S.items():
            if lo <= age <= hi:
                return ref, f"{lo}-{hi} years"
    return TUG_ALL_60_PLUS_S, "60 years and over"


# Published values for people with a neurological condition, for the physio beside the healthy-adult
# bands above (which is all most tests have). Each as published; "ms" holds what a study found when
# it found the test of little use, so the physio is not left assuming a cut-off exists.
@dataclass(frozen=True)
class ConditionNorm:
    test: str  # canonical id of exercises.validated_tests
    condition: str  # "stroke", "parkinson", "ms"
    text: str  # the value and what it means, as published
    source: str


CONDITION_NORMS: tuple[ConditionNorm, ...] = (
    ConditionNorm("five-times-sts", "stroke", "12 s discriminated people with chronic stroke from healthy older adults "
                  "(sensitivity 83%, specificity 75%); test-retest ICC 0.989-0.999",
                  "Mong, Teo & Ng 2010, Arch Phys Med Rehabil 91:407-13 (36 subjects)"),
    ConditionNorm("five-times-sts", "parkinson", f"> {FTSTS_PARKINSONS_FALLS_S:g} s indicates fall risk",
                  "Duncan 2011"),
    ConditionNorm("functional-reach", "parkinson", f"< {FRT_PARKINSONS_CM:g} cm: fall risk (sensitivity 30%, "
                  "specificity 92%)", "Duncan 1990 cut-off as applied in Parkinson's (CLINICAL.md)"),
    ConditionNorm("timed-up-and-go", "parkinson",
                  "11.5 s proposed cut score for falls (about 75% classified correctly)",
                  "Nocera et al. 2013, Arch Phys Med Rehabil 94(7):1300-5 (2097 patients)"),
    ConditionNorm("gait-speed", "stroke", f"comfortable speed < {GAIT_HOUSEHOLD_M_S:g} m/s household walker, "
                  f"{GAIT_HOUSEHOLD_M_S:g}-{GAIT_COMMUNITY_M_S:g} m/s limited community walker, > {GAIT_COMMUNITY_M_S:g} m/s "
                  "community walker", "Perry et al. 1995, Stroke 26(6):982-9"),
    ConditionNorm("gait-speed", "stroke", f"{GAIT_STROKE_MCID_M_S:g} m/s: minimal clinically important difference "
                  "in comfortable gait speed in the first 60 days after stroke",
                  "Tilson et al. 2010, Phys Ther 90(2):196-208"),
    ConditionNorm("timed-up-and-go", "ms", ">= 9 s: sensitivity 0.82, specificity 0.34 for fallers; the authors "
                  "found the TUG of insufficient clinical utility for falls risk in MS",
                  "Quinn et al. 2018, Clin Rehabil 33(2):317-26 (100 people, EDSS 3-6.5)"),
)
CONDITION_WORDS = {"stroke": ("stroke", "cva"), "parkinson": ("parkinson",), "ms": ("multiple sclerosis", "ms")}


def condition_key(condition: str | None) -> str | None:
    """The patient's recorded condition ("Parkinson's disease", "MS", "stroke") as a key of the table."""
    text = (condition or "").strip().lower()
    for key, words in CONDITION_WORDS.items():
        if any(text == w or (len(w) > 3 and w in text) for w in words):
            return key
    return None


def condition_norms(test: str, condition: str | None = None) -> list[ConditionNorm]:
    """Published condition-specific values for ``test`` (canonical id); only the patient's condition's
    when it is given and known, else all of them."""
    key = condition_key(condition) if condition else None
    return [n for n in CONDITION_NORMS if n.test == test and (key is None or n.condition == key)]
