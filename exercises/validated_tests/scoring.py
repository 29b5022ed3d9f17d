"""Scoring a validated test from the exercise's reps: each test's protocol (which stands count, the
trials averaged, the hands that fail it) and ``score_test``, the entry point for the app and the CLI."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from exercises.base import Rep
from exercises import norms
from exercises.validated_tests.catalogue import (CALF_RAISE_DURATION_S, CHAIR_STAND_DURATION_S, FTSTS_REPS, TESTS,
                                                 canonical_test_id)
from exercises.validated_tests.interpretation import (interpret, interpret_chair_stand, interpret_ftsts,
                                                      interpret_reach)
from exercises.validated_tests.quality import DARK_MAX_LUMA, PERSON_SHARE_MIN, recording_problem, recording_quality
from exercises.validated_tests.result import TestResult, cannot_score
from exercises.validated_tests.tug_score import tug_checked


def _trust(reps: list[Rep], extra_low: bool = False) -> str:
    return "low" if extra_low or any(r.confidence != "ok" for r in reps) else "ok"


def _used_hands(rep: Rep) -> bool:
    return "hands_on_thighs" in rep.fault_codes


def chair_stand_30s(reps: list[Rep], start_s: float, end_s: float | None = None,
                    age: int | None = None, sex: str | None = None) -> TestResult:
    """30-second chair stand (Rikli & Jones 1999): full stands within 30 s of the start; a stand
    more than halfway up when time ends counts. The protocol counts unassisted stands (arms
    crossed): a stand pushed up with the hands is not counted, and the result is flagged."""
    stop = start_s + CHAIR_STAND_DURATION_S
    if end_s is not None and end_s < stop - 1e-6:
        return cannot_score("chair-stand-30s", f"the recording ends {end_s - start_s:.1f} s after the start; "
                            f"the test needs {CHAIR_STAND_DURATION_S:.0f} s")
    full = [r for r in reps if r.counted and start_s <= r.metrics.get("stand_time_s", r.end_s) <= stop]
    # more than halfway up at the bell: a rise still under way then (a stand reached before Go is
    # neither a full stand nor halfway at the end)
    halfway = [r for r in reps if r.start_s < stop and r not in full
               and r.metrics.get("stand_time_s", float("inf")) > stop and _risen_fraction_at(r, stop) > 0.5]
    assisted = [r for r in full + halfway if _used_hands(r)]
    score = len(full) + (1 if halfway else 0) - len(assisted)
    result = interpret_chair_stand(score, age, sex)
    words, flags = result.interpretation, list(result.flags)
    if assisted:
        flags.append("used_hands")
        words += (f" {len(assisted)} stand(s) pushed up with the hands were not counted (the protocol asks for "
                  "arms crossed on the chest).")
    return replace(result, interpretation=words, flags=tuple(flags), trust=_trust(full + halfway, bool(assisted)),
                 details={"halfway_at_end": float(bool(halfway)), "assisted_stands": float(len(assisted)),
                          "start_s": start_s})


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
    >= 15 s recurrent falls, Buatois 2008; >= 13.6 s disability, Guralnik 2000). Needing the arms
    fails the test (CLINICAL.md): no score, flagged, the time kept in ``details`` for reference."""
    stands = [r for r in reps if r.counted][:FTSTS_REPS]
    if len(stands) < FTSTS_REPS:
        return cannot_score("five-times-sts", f"only {len(stands)} of 5 stands were completed")
    time_s = stands[-1].end_s - stands[0].start_s
    details = {"first_rise_s": stands[0].start_s, "last_seated_s": stands[-1].end_s, "time_s": round(time_s, 2)}
    if any(_used_hands(r) for r in stands):
        return TestResult("five-times-sts", None, "s", norm_source=norms.FTSTS_SOURCE, trust="low",
                          flags=("used_hands", "failed_protocol"), details=details,
                          interpretation=(f"Test failed: the hands were used to push up (the protocol needs arms "
                                          f"folded). The five stands took {time_s:.1f} s, for reference only."))
    result = interpret_ftsts(time_s, age, parkinsons)
    return replace(result, trust=_trust(stands), details=details)


def functional_reach(reps: list[Rep], parkinsons: bool = False) -> TestResult:
    """Functional Reach (Duncan 1990): 2 practice trials then 3 trials averaged. With five or
    more trials the mean is of the last three; with fewer, of all (and trust is low)."""
    trials = [r for r in reps if r.counted and "reach_distance_cm" in r.metrics and "stepping" not in r.fault_codes]
    stepped = sum("stepping" in r.fault_codes for r in reps)
    if not trials:
        why = "no valid reach trial" + (f" ({stepped} discarded for stepping or lifting the heels)" if stepped else "")
        return cannot_score("functional-reach", why)
    scored = trials[2:5] if len(trials) >= 5 else trials
    distances = [r.metrics["reach_distance_cm"] for r in scored]
    mean, best = float(np.mean(distances)), float(max(r.metrics["reach_distance_cm"] for r in trials))
    result = interpret_reach(mean, parkinsons)
    words = (f"Mean reach {mean:.0f} cm (best {best:.0f} cm) over {len(scored)} trials: "
             + result.interpretation.split(": ", 1)[1])
    if stepped:
        words += f" {stepped} trial(s) discarded for stepping or lifting the heels."
    return replace(result, interpretation=words, trust=_trust(scored, len(trials) < 3),
                 details={"best_cm": round(best, 1), "trials": float(len(scored))})


def calf_raise_30s(reps: list[Rep], start_s: float, end_s: float | None = None) -> TestResult:
    """Calf-Raise Senior test (Andre 2016): full raises completed within 30 s. No normal range
    is in our reference, so only the count and its measurement error are reported."""
    stop = start_s + CALF_RAISE_DURATION_S
    if end_s is not None and end_s < stop - 1e-6:
        return cannot_score("calf-raise-30s", f"the recording ends {end_s - start_s:.1f} s after the start; "
                            f"the test needs {CALF_RAISE_DURATION_S:.0f} s")
    done = [r for r in reps if r.counted and start_s <= r.end_s <= stop]
    return replace(interpret("calf-raise-30s", float(len(done))), trust=_trust(done), details={"start_s": start_s})


def score_test(test_id: str, reps: list[Rep], duration_s: float, *, start_s: float | None = None,
               age: int | None = None, sex: str | None = None, condition: str = "",
               timestamps_s=None, person_found=None, orientation_problem: str = "", poses=None,
               walking_aid: str = "", brightness: float | None = None, height_m: float | None = None,
               course_m: float = 4.0, marks_x: tuple[float, float] | None = None) -> TestResult:
    """Score a validated test on a finished recording (a file, or a guided test in the app).

    - ``test_id``: a canonical id (``TEST_IDS``) or an old spelling.
    - ``reps``: the exercise's reps and attempts (``exercise.reps``) in time order.
    - ``duration_s``: end of the recording on the reps' clock (the last timestamp + one frame).
    - ``start_s``: the "Go" moment of a guided test; a recording without one starts at the first
      movement (the first rep's start).
    - ``age``, ``sex`` ("f"/"m"/"female"/"male"), ``condition`` ("parkinsons" selects PD cut-offs).
    - ``timestamps_s`` / ``person_found``: per-frame times and "a person was found" flags of the
      landmark track. With them, the recording is checked (``recording_problem``) and the result
      states its timing uncertainty; without them trust is "low" (timing not checked).
    - ``orientation_problem``: non-empty when the video looks rotated or the body lying: no score.
    - ``poses`` / ``walking_aid``: the Timed Up and Go is timed from the (smoothed) poses themselves,
      not from reps; the walking aid is recorded with it.
    - ``brightness``: the recording's median luminance (``coach.video_light``): too dark, no score.
    - ``height_m`` / ``course_m`` / ``marks_x``: gait speed's scale (the person's height, or the two
      marks' places across the picture) and the distance between the marks (``exercises.gait_speed``).

    Returns a ``TestResult``; ``value`` None with ``cannot_score`` set when it cannot be scored.
    """
    spec = TESTS[canonical_test_id(test_id)]
    if orientation_problem:
        return cannot_score(spec.id, orientation_problem)
    if brightness is not None and brightness < DARK_MAX_LUMA:
        return cannot_score(spec.id, f"the video is too dark to see you (brightness {brightness:.0f} of 255): "
                                     "turn on the light or open the curtains, and record again",
                            {"brightness": round(brightness, 1)})
    if spec.id == "timed-up-and-go":
        if poses is None:
            return cannot_score(spec.id, "the Timed Up and Go needs the recording's poses")
        return tug_checked(poses, age, walking_aid, timestamps_s, person_found, spec)
    if spec.id == "gait-speed":
        if poses is None:
            return cannot_score(spec.id, "gait speed needs the recording's poses")
        from exercises.validated_tests.gait_score import gait_speed

        return gait_speed(poses, course_m=course_m, height_m=height_m, marks_x=marks_x, age=age, sex=sex,
                          walking_aid=walking_aid, timestamps_s=timestamps_s)
    counted = [r for r in reps if r.counted]
    first = start_s if start_s is not None else min((r.start_s for r in reps), default=0.0)
    parkinsons = (condition or "").lower() in ("parkinsons", "parkinson's", "pd")
    if spec.duration_s is not None:
        window = (first, first + spec.duration_s)
    elif spec.id == "five-times-sts" and len(counted) >= FTSTS_REPS:
        window = (counted[0].start_s, counted[FTSTS_REPS - 1].end_s)
    else:
        window = (first, duration_s)
    quality = None
    if timestamps_s is not None and person_found is not None:
        quality = recording_quality(timestamps_s, person_found, window)
        if not reps and quality.person_share < PERSON_SHARE_MIN:
            quality = recording_quality(timestamps_s, person_found)  # nobody: say so for the whole video
        why = recording_problem(spec, quality)
        if why:
            return cannot_score(spec.id, why, {"fps": quality.fps, "person_share": round(quality.person_share, 3)})
    if spec.id == "chair-stand-30s":
        result = chair_stand_30s(reps, first, end_s=duration_s, age=age, sex=sex)
    elif spec.id == "five-times-sts":
        result = five_times_sit_to_stand(reps, age=age, parkinsons=parkinsons)
    elif spec.id == "functional-reach":
        result = functional_reach(reps, parkinsons=parkinsons)
    else:
        result = calf_raise_30s(reps, first, end_s=duration_s)
    if result.cannot_score:
        return result
    if quality is None:
        return replace(result, trust="low", interpretation=result.interpretation + " Timing not checked (no frame times).")
    # A timed test places two moments (start, fifth seat); a count test one (the 30-s boundary).
    uncertainty = quality.uncertainty_s(events=2 if spec.duration_s is None else 1)
    return replace(result, timing_uncertainty_s=uncertainty,
                 details={**result.details, "fps": quality.fps, "person_share": round(quality.person_share, 3)})
