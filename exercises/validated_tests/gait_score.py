"""Gait speed scored from a recording's (smoothed) poses (timed by ``exercises.gait_speed``): the
usual pace is the score, the fast pace rides along in ``details``; read against the norms of
``exercises.norms`` (Bohannon & Williams Andrews 2011 for healthy adults 60+, Perry 1995's walking
categories after stroke, Perera 2006's meaningful change), with the recording checked over each walk."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from exercises import norms
from exercises.validated_tests.catalogue import TESTS
from exercises.validated_tests.quality import recording_problem, recording_quality
from exercises.validated_tests.result import TestResult, cannot_score

TEST_ID = "gait-speed"


def interpret_gait(speed_m_s: float, age: int | None = None, sex: str | None = None,
                   uncertainty_s: float = 0.0) -> TestResult:
    """A usual-pace gait speed (m/s) read against the healthy adults' mean for the age and sex and
    Perry's walking categories (stated as being for people after stroke)."""
    ref = norms.gait_reference(age, sex)
    category = norms.gait_category(speed_m_s)
    small, large = norms.GAIT_MEANINGFUL_CHANGE_M_S
    words = f"Usual walking speed {speed_m_s:.2f} m/s."
    norm = ""
    if ref is not None:
        mean, group = ref
        norm = f"healthy adults {group}: mean {mean:g} m/s ({norms.GAIT_COMFORTABLE_SOURCE})"
        words += f" Healthy adults ({group}) walk {mean:g} m/s on average ({norms.GAIT_COMFORTABLE_SOURCE})."
    else:
        words += " No age norm (the healthy adults' values in our reference cover 60-99 years, women and men)."
    words += (f" After stroke this speed is a {category}'s ({norms.GAIT_CATEGORY_SOURCE}: under "
              f"{norms.GAIT_HOUSEHOLD_M_S:g} m/s household, up to {norms.GAIT_COMMUNITY_M_S:g} limited community)."
              f" A change of {small:g} m/s is small but meaningful, {large:g} m/s substantial "
              f"({norms.GAIT_CHANGE_SOURCE}).")
    flags = {"household walker": ("household_walker",), "limited community walker": ("limited_community_walker",)}
    return TestResult(TEST_ID, round(float(speed_m_s), 3), "m/s", None, None, norms.GAIT_SOURCE, words, norm,
                      flags=flags.get(category, ()), details={"category": category},
                      timing_uncertainty_s=uncertainty_s or None)


def _speed_error(trial, uncertainty_s: float) -> float:
    """How far a trial's speed can be off from its timing alone (m/s)."""
    v, t = trial.speed_m_s, trial.time_s
    return round(v * uncertainty_s / max(t - uncertainty_s, 1e-3), 3)


def gait_speed(poses, course_m: float = 4.0, height_m: float | None = None, marks_x=None,
               age: int | None = None, sex: str | None = None, walking_aid: str = "",
               timestamps_s=None) -> TestResult:
    """The gait-speed test of a recording's (smoothed) poses: the first walk across the course is the
    usual pace (the score), the second the fast pace. No score, and why, when the usual walk cannot
    be timed (the walker left the picture before the far mark, was never seen whole, ...) or the
    recording's timing cannot support it. ``timestamps_s`` (all frames) checks frame rate and steps."""
    from exercises.gait_speed import time_gait

    poses = list(poses)
    spec = TESTS[TEST_ID]
    timing = time_gait(poses, course_m=course_m, height_m=height_m, marks_x=marks_x)
    details = {"course_m": course_m, "calibration": timing.calibration,
               "m_per_px": None if timing.m_per_px is None else round(timing.m_per_px, 6),
               "course_px": list(timing.course_px) if timing.course_px else None}
    if height_m:
        details["height_cm"] = round(height_m * 100, 1)
    if timing.problem:
        return cannot_score(TEST_ID, timing.problem, details)
    usual, fast = timing.trial("usual"), timing.trial("fast")
    if usual is None or usual.speed_m_s is None:
        return cannot_score(TEST_ID, usual.problem if usual else "no walk across the marks was seen", details)
    ts = np.array([p.timestamp_s for p in poses]) if timestamps_s is None else np.asarray(timestamps_s, float)
    checked = []
    for trial in (usual, fast):
        if trial is None or trial.speed_m_s is None:
            continue
        quality = recording_quality(ts, np.ones(len(ts), bool), trial.cross_s)
        why = recording_problem(spec, quality)
        if why:
            if trial is usual:
                return cannot_score(TEST_ID, why, {**details, "fps": quality.fps})
            trial.problem, trial.speed_m_s = why, None
            continue
        checked.append((trial, quality.uncertainty_s(events=2)))
    uncertainty = checked[0][1]
    result = interpret_gait(usual.speed_m_s, age, sex, uncertainty)
    details.update(result.details)
    details.update(usual_speed_m_s=usual.speed_m_s, usual_time_s=usual.time_s, usual_cross_s=list(usual.cross_s),
                   usual_speed_error_m_s=_speed_error(usual, uncertainty), direction=usual.direction)
    words = result.interpretation
    if fast is not None and fast.speed_m_s is not None:
        fast_unc = next(u for t, u in checked if t is fast)
        details.update(fast_speed_m_s=fast.speed_m_s, fast_time_s=fast.time_s, fast_cross_s=list(fast.cross_s),
                       fast_speed_error_m_s=_speed_error(fast, fast_unc))
        words += f" Fast walking speed {fast.speed_m_s:.2f} m/s (no norm for the fast pace in our reference)."
    else:
        details["fast_problem"] = fast.problem if fast is not None else "no second walk (fast pace) was recorded"
        words += " Fast pace: not timed (" + details["fast_problem"] + ")."
    flags = result.flags
    if walking_aid:
        flags += ("walking_aid",)
        details["walking_aid"] = walking_aid
        details["note"] = f"walked with a {walking_aid}: the healthy adults' norms are for walking without an aid"
    trust = "ok" if timing.calibration == "marks" or usual.body_px else "low"
    return replace(result, interpretation=words, flags=flags, details=details, trust=trust)
