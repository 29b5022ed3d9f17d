"""Validated clinical tests: the one test-ID vocabulary, the one ``TestResult`` and the scoring.

Pure (no video): everything is computed from ``Rep``s and, when given, the recording's
timestamps and per-frame "person found" flags. A test is scored only when the recording can
support it (``recording_problem``): a person found through the test, a frame rate and timestamp
steadiness good enough for the timing the norm needs, and the whole test duration present.
Otherwise the result has ``value=None`` and ``cannot_score`` says why, in words.

Entry point for the app and the CLI: ``score_test(test_id, reps, duration_s, ...)``.
Norm values live in ``exercises.norms`` (copied from CLINICAL.md with sources).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import numpy as np

from exercises import norms
from exercises.base import Rep
from exercises.hold_checks import absences

CHAIR_STAND_DURATION_S = 30.0
CALF_RAISE_DURATION_S = 30.0
FTSTS_REPS = 5


@dataclass(frozen=True)
class TestSpec:
    """One validated test: its canonical id, the exercise that is analysed, what is measured."""

    __test__ = False
    id: str
    label: str
    exercise: str  # the exercise state machine that counts it
    unit: str
    duration_s: float | None  # fixed test time, or None (ends at the fifth stand / the trials)
    min_fps: float  # below this the pose timing is too coarse for the norm
    max_uncertainty_s: float  # timing uncertainty above this cannot support the norm
    instructions: str  # protocol in plain words, for the patient


TESTS: dict[str, TestSpec] = {t.id: t for t in (
    TestSpec("chair-stand-30s", "30-second chair stand", "sit-to-stand", "stands", CHAIR_STAND_DURATION_S,
             10.0, 1.0, "Sit in the middle of an armless chair, back straight, feet flat, arms crossed on "
             "your chest. On 'Go', stand up fully and sit down again, as many times as you can in 30 seconds."),
    TestSpec("five-times-sts", "Five-times sit-to-stand", "sit-to-stand", "s", None,
             15.0, 0.5, "Sit on an armless chair with your arms folded across your chest. On 'Go', stand "
             "up fully and sit down five times, as quickly as you safely can."),
    TestSpec("functional-reach", "Functional reach", "reach", "cm", None,
             10.0, 1.0, "Stand side-on to the camera, feet apart. Raise your arm straight in front to "
             "shoulder height, then reach forward as far as you can without stepping or lifting your heels. "
             "Two practice reaches, then three that count."),
    TestSpec("calf-raise-30s", "30-second calf raise", "heel-raise", "raises", CALF_RAISE_DURATION_S,
             10.0, 1.0, "Stand tall, holding a chair back lightly for balance if you need to. On 'Go', rise "
             "up onto your toes as high as you can and lower again, as many times as you can in 30 seconds."),
    TestSpec("timed-up-and-go", "Timed Up and Go", "sit-to-stand", "s", None,
             15.0, 0.5, "Sit in a chair with arms, back against it. A line or a cone 3 metres away; the camera "
             "from the side, far enough to see the chair and the whole path. On 'Go', stand up, walk at your "
             "usual safe pace to the line, turn, walk back and sit down. Use your usual walking aid."),
)}
TEST_IDS = tuple(TESTS)

# Spellings used before the vocabulary was unified (stored rows, old callers): read, never written.
ALIASES = {
    "30s-chair-stand": "chair-stand-30s", "chair_stand_30s": "chair-stand-30s",
    "5x-sit-to-stand": "five-times-sts", "five_times_sts": "five-times-sts", "5xsts": "five-times-sts",
    "functional_reach": "functional-reach",
    "30s-calf-raise": "calf-raise-30s", "calf_raise_30s": "calf-raise-30s",
    "tug": "timed-up-and-go", "timed_up_and_go": "timed-up-and-go",
}


def canonical_test_id(name: str) -> str:
    """The canonical id for ``name`` (itself or an old spelling); ValueError names the choices."""
    key = (name or "").strip().lower()
    if key in TESTS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    raise ValueError(f"unknown test '{name}': choose one of {', '.join(TEST_IDS)}")


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


# The plausible range of each test's score, in its unit: beyond it is a typing slip, a fault or a
# forgery, never a person's result (60 stands in 30 s is one every half second).
TEST_VALUE_RANGE = {"chair-stand-30s": (0, 60), "five-times-sts": (0, 300), "functional-reach": (0, 100),
                    "calf-raise-30s": (0, 150), "timed-up-and-go": (0, 600)}


def implausible(result: TestResult) -> str:
    """Why ``result`` cannot be a person's score ("" when it can): what every store write checks."""
    import math

    if result.value is None:
        return ""
    lo, hi = TEST_VALUE_RANGE[result.test]
    v = result.value
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
        return f"{result.label} score {v!r} is outside {lo:g}-{hi:g} {result.unit}"
    return ""


# --- can the recording support a score? ------------------------------------------------------

PERSON_SHARE_MIN = 0.8  # a person must be found in this share of the test's frames
PERSON_ABSENT_MAX_S = 2.0  # ... and never missing for longer than this
TIMESTAMP_GAP_MAX_S = 1.0  # a longer step between frames is a jump, not a frame interval
# Median luminance (0-255) below which a picture shows almost nothing (under 4% of full scale; real
# rooms on a webcam's automatic exposure read 90-215): the pose model then guesses from noise.
DARK_MAX_LUMA = 10.0


@dataclass(frozen=True)
class RecordingQuality:
    """Timing and tracking facts of the part of a recording a test was scored on."""

    frames: int
    fps: float  # median frame rate
    max_step_s: float  # longest step between consecutive timestamps
    backwards: int  # timestamps that went back in time
    person_share: float
    longest_absent_s: float
    window_s: tuple[float, float]

    def uncertainty_s(self, events: int = 2) -> float:
        """How far a time measured between ``events`` frame-located moments can be off: each
        moment is placed to within one frame interval (the longest step, where frames were lost)."""
        step = max(1.0 / self.fps if self.fps > 0 else float("inf"), self.max_step_s)
        return round(events * step, 3)


def recording_quality(timestamps_s, person_found, window_s: tuple[float, float] | None = None) -> RecordingQuality:
    """Facts of the frames inside ``window_s`` (default: all). ``person_found`` is one bool per frame."""
    ts = np.asarray(timestamps_s, dtype=float)
    found = np.asarray(person_found, dtype=bool)
    if window_s is not None and len(ts):
        order_ok = np.all(np.diff(ts) > 0)
        if order_ok:
            lo, hi = window_s
            keep = (ts >= lo - 1e-6) & (ts <= hi + 1e-6)
            ts, found = ts[keep], found[keep]
    if len(ts) < 2:
        return RecordingQuality(len(ts), 0.0, 0.0, 0, float(found.mean()) if len(found) else 0.0, 0.0,
                                (float(ts[0]), float(ts[0])) if len(ts) else (0.0, 0.0))
    steps = np.diff(ts)
    forward = steps[steps > 0]
    fps = float(1.0 / np.median(forward)) if len(forward) else 0.0
    longest = max((b - a for a, b in absences(ts, found, longer_than_s=0.0)), default=0.0)
    return RecordingQuality(len(ts), round(fps, 2), float(np.max(np.abs(steps))), int(np.sum(steps <= 0)),
                            float(found.mean()), float(longest), (float(ts[0]), float(ts[-1])))


def recording_problem(spec: TestSpec, q: RecordingQuality) -> str:
    """Why this recording cannot support ``spec``'s score ("" when it can)."""
    if q.frames == 0 or q.person_share == 0.0:
        return "nobody was found in the recording: check that the whole body is in view and the room is lit"
    if q.backwards:
        return f"the video's timestamps go backwards {q.backwards} time(s), so the timing cannot be trusted"
    if q.max_step_s > TIMESTAMP_GAP_MAX_S:
        return (f"the video's timestamps jump by {q.max_step_s:.1f} s during the test (frames missing or a broken "
                f"clock), so the timing cannot be trusted")
    if q.fps < spec.min_fps:
        return (f"the video has {q.fps:.0f} frames per second; the {spec.label} needs at least "
                f"{spec.min_fps:.0f} for its timing")
    if q.person_share < PERSON_SHARE_MIN:
        return (f"the person was found in only {q.person_share:.0%} of the test's frames "
                f"(at least {PERSON_SHARE_MIN:.0%} needed)")
    if q.longest_absent_s > PERSON_ABSENT_MAX_S:
        return f"the person was not seen for {q.longest_absent_s:.1f} s during the test"
    if q.uncertainty_s() > spec.max_uncertainty_s:
        return (f"the timing is only known to ±{q.uncertainty_s():.2f} s; the {spec.label} needs "
                f"±{spec.max_uncertainty_s:.1f} s")
    return ""


def cannot_score(test_id: str, why: str, details: dict | None = None) -> TestResult:
    spec = TESTS[canonical_test_id(test_id)]
    return TestResult(spec.id, None, spec.unit, interpretation=f"Cannot score: {why}.", trust="low",
                      flags=("cannot_score",), details=dict(details or {}), cannot_score=why)


# --- the norms, read for one value -----------------------------------------------------------

def interpret(test: str, value: float | None, age: int | None = None, sex: str | None = None,
              condition: str = "") -> TestResult:
    """A raw score read against the norms for the patient: band, flags and plain words."""
    spec = TESTS[canonical_test_id(test)]
    if value is None:
        return TestResult(spec.id, None, spec.unit, interpretation="Not scored.", trust="low")
    parkinsons = (condition or "").lower() in ("parkinsons", "parkinson's", "pd")
    if spec.id == "chair-stand-30s":
        return _interpret_chair_stand(value, age, sex)
    if spec.id == "five-times-sts":
        return _interpret_ftsts(value, age, parkinsons)
    if spec.id == "functional-reach":
        return _interpret_reach(value, parkinsons)
    if spec.id == "timed-up-and-go":
        return _interpret_tug(value, age)
    return TestResult(spec.id, float(value), spec.unit, norm_source=norms.CALF_RAISE_SOURCE, norm=norms.CALF_RAISE_SOURCE,
                      interpretation=f"{value:g} heel raises in 30 s. No published normal range in our reference; a "
                      f"change of a couple of raises is within measurement error (SEM {norms.CALF_RAISE_SEM_REPS:.0f}).")


def _interpret_chair_stand(value: float, age: int | None, sex: str | None) -> TestResult:
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


def _interpret_ftsts(value: float, age: int | None, parkinsons: bool) -> TestResult:
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


def _interpret_reach(value: float, parkinsons: bool) -> TestResult:
    cutoff = norms.frt_cutoff(parkinsons)
    source = norms.FRT_SOURCE + ("; Parkinson's cut-off 25.4 cm" if parkinsons else "")
    below = value < cutoff
    words = (f"Reach {value:.0f} cm: " + (f"below the {cutoff:g} cm fall-risk cut-off ({source})." if below
                                          else f"at or above the {cutoff:g} cm fall-risk cut-off."))
    return TestResult("functional-reach", round(float(value), 1), "cm", cutoff, None, source, words,
                      f"< {cutoff:g} cm flags fall risk ({source})", flags=("fall_risk",) if below else ())


# --- scoring from reps -----------------------------------------------------------------------

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


def _interpret_tug(value: float, age: int | None, uncertainty_s: float = 0.0) -> TestResult:
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


EVENT_GAP_WINDOW_S = 0.5  # frames without the patient this close to the start or the seat contact


def _event_gap_s(poses, events: tuple[float, ...]) -> float:
    """The longest stretch without the patient within ``EVENT_GAP_WINDOW_S`` of any of ``events``."""
    seen = np.array([p.timestamp_s for p in poses if p.has_person])
    frame = float(np.median(np.diff(seen))) if len(seen) > 1 else 0.0
    worst = 0.0
    for e in events:
        near = seen[np.abs(seen - e) <= EVENT_GAP_WINDOW_S]
        edges = np.sort(np.concatenate([[e - EVENT_GAP_WINDOW_S], near, [e + EVENT_GAP_WINDOW_S]]))
        worst = max(worst, float(np.diff(edges).max()) - frame)
    return worst if worst > 2 * frame else 0.0  # a dropped frame or two is the frame timing's part


def timed_up_and_go(poses, age: int | None = None, walking_aid: str = "",
                    frame_uncertainty_s: float | None = None) -> TestResult:
    """The TUG from a recording's (smoothed) poses (``exercises.tug``): the time from rising to
    sitting back, its phases in ``details``. ``walking_aid`` ("" none, "stick", "frame", ...) is
    recorded as given and flagged: the norms are for people walking without one.
    ``timing_uncertainty_s`` is ``tug_uncertainty_s`` (frame timing from ``frame_uncertainty_s`` or
    the poses' own frame interval): the fall-risk flag is given only when the time is clear of the
    cut-off by more than that, otherwise the words say the recording cannot classify it."""
    from exercises.tug import time_up_and_go

    poses = list(poses)
    timing = time_up_and_go(poses)
    timing.walking_aid = walking_aid
    details = {k: v for k, v in timing.to_dict().items() if k not in ("time_s", "problem")}
    if timing.time_s is None:
        return cannot_score("timed-up-and-go", timing.problem, details)
    if frame_uncertainty_s is None:  # two moments, each placed to within the longest frame step
        ts = np.array([p.timestamp_s for p in poses])
        inside = (ts[1:] >= timing.start_s) & (ts[1:] <= timing.seated_s)
        frame_uncertainty_s = 2 * float(np.max(np.diff(ts)[inside], initial=0.0))
    uncertainty = tug_uncertainty_s(frame_uncertainty_s, _event_gap_s(poses, (timing.start_s, timing.seated_s)))
    result = _interpret_tug(timing.time_s, age, uncertainty)
    details.update(result.details)
    flags = result.flags + (("walking_aid",) if walking_aid else ())
    if walking_aid:
        details["note"] = f"walked with a {walking_aid}: the norms are for people walking without an aid"
    # Part of the walk out of view: the total is still timed (rise and sit are seen), the turn is not.
    return _with(result, flags=flags, details=details, trust="low" if timing.unseen_s > 0 else "ok",
                 timing_uncertainty_s=uncertainty)


def _trust(reps: list[Rep], extra_low: bool = False) -> str:
    return "low" if extra_low or any(r.confidence != "ok" for r in reps) else "ok"


def _used_hands(rep: Rep) -> bool:
    return "hands_on_thighs" in rep.fault_codes


def _with(result: TestResult, **changes) -> TestResult:
    from dataclasses import replace
    return replace(result, **changes)


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
    halfway = [r for r in reps if r.start_s < stop and r not in full and _risen_fraction_at(r, stop) > 0.5]
    assisted = [r for r in full + halfway if _used_hands(r)]
    score = len(full) + (1 if halfway else 0) - len(assisted)
    result = _interpret_chair_stand(score, age, sex)
    words, flags = result.interpretation, list(result.flags)
    if assisted:
        flags.append("used_hands")
        words += (f" {len(assisted)} stand(s) pushed up with the hands were not counted (the protocol asks for "
                  "arms crossed on the chest).")
    return _with(result, interpretation=words, flags=tuple(flags), trust=_trust(full + halfway, bool(assisted)),
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
    result = _interpret_ftsts(time_s, age, parkinsons)
    return _with(result, trust=_trust(stands), details=details)


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
    result = _interpret_reach(mean, parkinsons)
    words = (f"Mean reach {mean:.0f} cm (best {best:.0f} cm) over {len(scored)} trials: "
             + result.interpretation.split(": ", 1)[1])
    if stepped:
        words += f" {stepped} trial(s) discarded for stepping or lifting the heels."
    return _with(result, interpretation=words, trust=_trust(scored, len(trials) < 3),
                 details={"best_cm": round(best, 1), "trials": float(len(scored))})


def calf_raise_30s(reps: list[Rep], start_s: float, end_s: float | None = None) -> TestResult:
    """Calf-Raise Senior test (Andre 2016): full raises completed within 30 s. No normal range
    is in our reference, so only the count and its measurement error are reported."""
    stop = start_s + CALF_RAISE_DURATION_S
    if end_s is not None and end_s < stop - 1e-6:
        return cannot_score("calf-raise-30s", f"the recording ends {end_s - start_s:.1f} s after the start; "
                            f"the test needs {CALF_RAISE_DURATION_S:.0f} s")
    done = [r for r in reps if r.counted and start_s <= r.end_s <= stop]
    return _with(interpret("calf-raise-30s", float(len(done))), trust=_trust(done), details={"start_s": start_s})


def score_test(test_id: str, reps: list[Rep], duration_s: float, *, start_s: float | None = None,
               age: int | None = None, sex: str | None = None, condition: str = "",
               timestamps_s=None, person_found=None, orientation_problem: str = "", poses=None,
               walking_aid: str = "", brightness: float | None = None) -> TestResult:
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
        return _tug_checked(poses, age, walking_aid, timestamps_s, person_found, spec)
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
        return _with(result, trust="low", interpretation=result.interpretation + " Timing not checked (no frame times).")
    # A timed test places two moments (start, fifth seat); a count test one (the 30-s boundary).
    uncertainty = quality.uncertainty_s(events=2 if spec.duration_s is None else 1)
    return _with(result, timing_uncertainty_s=uncertainty,
                 details={**result.details, "fps": quality.fps, "person_share": round(quality.person_share, 3)})


def _tug_checked(poses, age, walking_aid, timestamps_s, person_found, spec: TestSpec) -> TestResult:
    result = timed_up_and_go(poses, age, walking_aid)
    if result.cannot_score or timestamps_s is None or person_found is None:
        return result if result.cannot_score else _with(result, trust="low")
    d = result.details
    # Frame rate and timestamps over the test itself; the person may leave the picture at the
    # turn (the time is still read from the rise and the sit), so only the frame timing is checked.
    quality = recording_quality(timestamps_s, np.ones(len(timestamps_s), bool), (d["start_s"], d["seated_s"]))
    why = recording_problem(spec, quality)
    if why:
        return cannot_score(spec.id, why, {"fps": quality.fps})
    # A short absence at the far end (the turn at the picture's edge) is tolerated; a walk that
    # leaves the picture for seconds was not seen, so neither its 3 m nor its turn is known.
    seen = recording_quality(timestamps_s, person_found, (d["start_s"], d["seated_s"]))
    if seen.longest_absent_s > PERSON_ABSENT_MAX_S:
        return cannot_score(spec.id, f"you left the picture for {seen.longest_absent_s:.0f} s during the test: "
                                     "the camera must see the chair, the whole 3 m walk and the turn "
                                     "(put it further back)", {"fps": quality.fps,
                                                               "absent_s": round(seen.longest_absent_s, 2)})
    result = timed_up_and_go(poses, age, walking_aid, frame_uncertainty_s=quality.uncertainty_s(events=2))
    return _with(result, details={**result.details, "fps": quality.fps})
