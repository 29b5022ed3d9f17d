"""A validated test run live in the browser: the protocol in plain words, the live coach's
countdown and "Go", an automatic stop (after 30 s, or at the fifth stand), then the score from
``exercises.validated_tests.score_test`` with its norm band and trust flag. Which tests, their
steps and stop rules: the one catalogue, ``exercises.validated_tests.TESTS``.

``TestWatch`` is one more sink on the ``LiveSession``: it notes the "Go" moment (the start of the
set), every rep and attempt, and each frame's time and whether a person was seen, and asks the
coach to stop when the protocol says the test is over. Pure logic; the page is ``pages/test.py``.
"""
from __future__ import annotations

from exercises.validated_tests import TestSpec

STOP_GRACE_S = 1.5  # after 30 s, wait this long so a stand in progress at the bell is seen


def target(spec: TestSpec) -> int:
    """The rep count the live coach is set for: the test's own stop, or open-ended."""
    from coach.live.hud import OPEN_TARGET

    return spec.stop_after or OPEN_TARGET


WALKING_AIDS = {"": "No walking aid", "stick": "A walking stick", "frame": "A walking frame", "other": "Another aid"}
TUG_COUNTDOWN_S = 15  # from pressing Start at the laptop to sitting ready in the chair
TUG_MAX_S = 120.0  # a TUG not finished by then is stopped (and not scored)
TUG_CHECK_EVERY_S = 1.0  # the timing is looked for this often once the test runs
TUG_SEATED_GRACE_S = 1.0  # seated this long after the end: the test is over


class TestWatch:
    """A ``LiveSession`` sink that times one validated test and stops the coach when it is over."""

    __test__ = False

    def __init__(self, protocol: TestSpec, coach):
        self.protocol = protocol
        self.coach = coach  # coach.app.webrtc_coach.BrowserCoach
        self.go_s: float | None = None
        self.last_t: float | None = None
        self.reps: list = []
        self.times: list[float] = []
        self.found: list[bool] = []
        self.stopped_by_rule = False

    def on_update(self, u) -> None:
        for e in u.set_events:
            if e.kind == "set_started" and self.go_s is None:
                self.go_s = e.time_s
        self.last_t = u.time_s
        if self.go_s is None:
            return
        if u.result is not None:
            self.times.append(u.time_s)
            self.found.append(bool(getattr(u.result.pose, "has_person", True)))
        self.reps.extend(u.reps)
        if not self.stopped_by_rule and self.over(u.time_s):
            self.stopped_by_rule = True
            self.coach.end_status = "complete"
            # the bell ends the set itself: not a "stop" request, which would record "stopped by the patient"
            self.coach.session.sets.stop(u.time_s)

    def close(self, summary) -> None:
        pass

    @property
    def counted(self) -> int:
        return sum(1 for r in self.reps if r.counted)

    def over(self, t: float) -> bool:
        p = self.protocol
        if p.duration_s is not None and t - self.go_s >= p.duration_s + STOP_GRACE_S:
            return True
        return p.stop_after is not None and self.counted >= p.stop_after

    def seconds_left(self) -> float | None:
        if self.protocol.duration_s is None or self.go_s is None or self.last_t is None:
            return None
        return max(0.0, self.protocol.duration_s - (self.last_t - self.go_s))

    def score(self, age: int | None = None, sex: str | None = None, condition: str = ""):
        """The ``TestResult`` (``value`` None with ``cannot_score`` when the recording cannot support it)."""
        import numpy as np

        from exercises import validated_tests as vt

        if self.go_s is None:
            return vt.cannot_score(self.protocol.id, "The test did not start (the camera never saw you ready).")
        end = (self.last_t or self.go_s) + (np.median(np.diff(self.times)) if len(self.times) > 1 else 0.0)
        return vt.score_test(self.protocol.id, list(self.reps), float(end), start_s=self.go_s, age=age,
                             sex=sex or None, condition=condition or "",
                             timestamps_s=np.asarray(self.times, dtype=float),
                             person_found=np.asarray(self.found, dtype=bool))


class TugWatch(TestWatch):
    """The Timed Up and Go: keeps the smoothed poses from "Go" and stops once ``exercises.tug``
    finds the whole test in them (rise, walk, turn, walk back, seated) and the person has been
    seated a moment, or after ``TUG_MAX_S``. The walking aid is the patient's answer, recorded."""

    def __init__(self, protocol: TestSpec, coach, walking_aid: str = ""):
        super().__init__(protocol, coach)
        self.walking_aid = walking_aid
        self.poses: list = []
        self._checked_s = float("-inf")
        self.timing = None  # exercises.tug.TugResult, once found

    def on_update(self, u) -> None:
        if self.go_s is not None and u.result is not None:
            self.poses.append(u.result.pose)
        super().on_update(u)

    def over(self, t: float) -> bool:
        if t - self.go_s >= TUG_MAX_S:
            return True
        if t - self._checked_s < TUG_CHECK_EVERY_S or len(self.poses) < 10:
            return False
        self._checked_s = t
        from exercises.tug import time_up_and_go

        timing = time_up_and_go(list(self.poses))
        if timing.time_s is not None and timing.seated_s is not None and t - timing.seated_s >= TUG_SEATED_GRACE_S:
            self.timing = timing
            return True
        return False

    def seconds_running(self) -> float | None:
        return None if self.go_s is None or self.last_t is None else max(0.0, self.last_t - self.go_s)

    def counter_html(self) -> str:
        import html

        run = self.seconds_running()
        clock = "Ready" if run is None else f"{int(run)} s"
        return (f"<div class='coach-counter' data-testid='coach-test-counter'><div class='of'>"
                f"{html.escape(self.protocol.label)}</div><div class='num' id='coach-clock'>{clock}</div>"
                "<div class='of'>Stand up, walk to the line, turn, come back, sit down</div></div>")

    def score(self, age: int | None = None, sex: str | None = None, condition: str = ""):
        from exercises import validated_tests as vt

        if self.go_s is None:
            return vt.cannot_score(self.protocol.id, "The test did not start (the camera never saw you ready).")
        return vt.timed_up_and_go(self.poses, age=age, walking_aid=self.walking_aid)


GAIT_COUNTDOWN_S = 15  # from pressing Start at the laptop to standing ready before the first mark
GAIT_MAX_S = 120.0  # walks not done by then: stopped (and scored on what was seen)
GAIT_STILL_S = 1.5  # after the fast walk's far mark, this long: the test is over
HEIGHT_CM_RANGE = (100, 220)  # the height a patient may enter for the gait speed's scale


class GaitWatch(TugWatch):
    """Gait speed: keeps the poses from "Go" and stops once ``exercises.gait_speed`` has timed both
    walks (usual, then fast) and a moment has passed, or after ``GAIT_MAX_S``. The scale is the
    patient's height (asked on the page); the walking aid is recorded."""

    def __init__(self, protocol: TestSpec, coach, walking_aid: str = "", height_cm: float | None = None):
        super().__init__(protocol, coach, walking_aid)
        self.height_cm = height_cm

    def over(self, t: float) -> bool:
        if t - self.go_s >= GAIT_MAX_S:
            return True
        if t - self._checked_s < TUG_CHECK_EVERY_S or len(self.poses) < 10 or not self.height_cm:
            return False
        self._checked_s = t
        from exercises.gait_speed import time_gait

        timing = time_gait(list(self.poses), height_m=self.height_cm / 100.0)
        fast = timing.trial("fast")
        if fast is not None and fast.cross_s is not None and t - fast.cross_s[1] >= GAIT_STILL_S:
            self.timing = timing
            return True
        return False

    def counter_html(self) -> str:
        import html

        run = self.seconds_running()
        clock = "Ready" if run is None else f"{int(run)} s"
        return (f"<div class='coach-counter' data-testid='coach-test-counter'><div class='of'>"
                f"{html.escape(self.protocol.label)}</div><div class='num' id='coach-clock'>{clock}</div>"
                "<div class='of'>Walk past the far mark at your usual pace, turn, then walk back fast</div></div>")

    def score(self, age: int | None = None, sex: str | None = None, condition: str = ""):
        from exercises import validated_tests as vt

        if self.go_s is None:
            return vt.cannot_score(self.protocol.id, "The test did not start (the camera never saw you ready).")
        if not self.height_cm:
            return vt.cannot_score(self.protocol.id, "your height was not given, so the walk's distance is unknown")
        return vt.gait_speed(self.poses, height_m=self.height_cm / 100.0, age=age, sex=sex or None,
                             walking_aid=self.walking_aid)


def make_watch(protocol: TestSpec, coach, walking_aid: str = "", height_cm: float | None = None) -> TestWatch:
    if protocol.id == "gait-speed":
        return GaitWatch(protocol, coach, walking_aid, height_cm)
    return TugWatch(protocol, coach, walking_aid) if protocol.id == "timed-up-and-go" else TestWatch(protocol, coach)


PHASE_WORDS = (("stand_up", "Standing up"), ("walk_out", "Walking out"), ("turn", "Turning"),
               ("walk_back", "Walking back"), ("sit_down", "Sitting down"))


def tug_phase_rows(result) -> list[tuple[str, str]]:
    """The TUG's phases in words with their seconds ("not seen" where the camera missed one): only
    those ``coach.labels.TUG_PHASES_SHOWN`` trusts (none yet: see ``TUG_PHASES_WHY``)."""
    from coach.labels import TUG_PHASES_SHOWN

    phases = (result.details or {}).get("phases") or {}
    return [(words, "not seen" if phases.get(key) is None else f"{phases[key]:.1f} s")
            for key, words in PHASE_WORDS if key in phases and key in TUG_PHASES_SHOWN]


# The patient's result in their own terms: what they did, against their own last score, and how well
# the camera saw them; the norms (healthy adults' bands, condition cut-offs) are for the physio.
SCORE_WORDS = {"chair-stand-30s": "You stood up {v} in 30 seconds.", "five-times-sts": "Five stands took you {v}.",
               "calf-raise-30s": "You rose onto your toes {v} in 30 seconds.", "functional-reach": "You reached {v}.",
               "timed-up-and-go": "You took {v} from standing up to sitting back down.",
               "gait-speed": "You walked {v} at your usual pace."}
UNIT_WORDS = {"stands": ("time", "times"), "raises": ("time", "times"), "s": ("second", "seconds"),
              "cm": ("centimetre", "centimetres"), "m/s": ("metre a second", "metres a second")}
# A change smaller than this is "about the same" (counts: 0); gait speed: Perera 2006's small change.
SAME_WITHIN = {"s": 0.5, "cm": 2.0, "m/s": 0.05}


def _amount(value: float, unit: str) -> str:
    one, many = UNIT_WORDS.get(unit, (unit, unit))
    value = round(value, 2 if unit == "m/s" else 1)  # "11.8 seconds": tenths are as far as a camera's timing goes
    return f"{value:g} {one if value == 1 else many}"


def patient_words(result, earlier=()) -> list[str]:
    """What the patient reads after a test, in plain encouraging words: the score, the change since
    their own last score of the same test (``earlier``: their earlier ``TestResult``s, oldest first),
    and how well the camera saw them. No norms, percentiles or confidence intervals."""
    v = result.value
    lines = [SCORE_WORDS.get(result.test, "Your score: {v}.").format(v=_amount(v, result.unit))]
    before = [t for t in earlier if t.value is not None]
    if not before:
        lines.append("This is your first score for this test. Next time you will see how you have changed.")
    else:
        last = before[-1].value
        lower_better = result.unit == "s"
        change = (last - v) if lower_better else (v - last)
        same = SAME_WITHIN.get(result.unit, 0.0)
        was = f"Last time: {_amount(last, result.unit)}."
        if change > same:
            lines.append(f"That is better than last time. Well done! {was}")
        elif change >= -same:
            lines.append(f"About the same as last time. Keeping steady is good. {was}")
        else:
            lines.append(f"A little less than last time. Scores change from day to day; your physiotherapist "
                         f"will look at it with you. {was}")
        best = min(t.value for t in before) if lower_better else max(t.value for t in before)
        if (v < best) if lower_better else (v > best):
            lines.append("Your best so far!")
    return lines


def patient_trust_words(result) -> str:
    if result.trust == "ok":
        return "The camera saw you clearly."
    return "The camera did not see everything clearly, so this number may be a little off."


def norm_words(result) -> str:
    """The norm band in words: "Normal range for your age: 10-15 stands (Rikli & Jones 1999)"."""
    lo, hi = result.norm_low, result.norm_high
    if lo is None and hi is None:
        return result.norm or ""
    if lo is not None and hi is not None:
        band = f"{lo:g}-{hi:g} {result.unit}"
    elif lo is not None:
        band = f"at least {lo:g} {result.unit}"
    else:
        band = f"at most {hi:g} {result.unit}"
    return f"Usual range: {band}" + (f" ({result.norm_source})" if result.norm_source else "")


def trust_words(result) -> str:
    u = getattr(result, "timing_uncertainty_s", None)
    timing = f" Timing good to ±{u:.1f} s." if u is not None else ""
    if result.trust == "ok":
        return "The recording was good enough for this score." + timing
    return "Treat this score with caution: the camera did not see everything clearly." + timing
