"""Dual-task practice: the thinking tasks the coach can give during a set, and the dual-task cost.

Doing a movement while thinking (counting backward, naming animals) is practised in neurological
rehabilitation because everyday walking and moving happen while thinking; how much a movement
suffers under the task (the dual-task cost) is what the physio looks at. Pure: no camera, store or
screen; the live coach says the task (``coach.live.dual_task``) and the store keeps which task a
session was done with (its settings' ``dual_task``).

The cost of one set (or session) done with the task against the same exercise done without it
(the same day): for each of

- pace: counted reps per minute, from the gaps between the ends of successive reps within a set
  (60 / mean gap; the rest between sets is not a gap);
- amplitude: the mean of the spec's ``amplitude_metric`` over the counted reps (cm, degrees);
- rhythm: the coefficient of variation (SD / mean) of those gaps.

The gaps are taken between rep ends, not onsets: the live coach (one causal pass) dates the first
reps' onsets late while it is still learning the person's range, their ends not (generated head
turns at 15 fps: the first two onsets 0.34 and 0.44 s late against 0.12-0.13 s for the others,
which alone made a steady set's rhythm CV 7.9% for a true 3.4%; the ends all 0.17-0.22 s early).
A rep's own length (``rep_s``) is reported, not used.

``change_pct`` = (dual - single) / single x 100, and ``cost_pct`` the same with the sign that makes
a cost positive when the movement got worse (the usual dual-task-cost convention): slower pace and
smaller amplitude are worse (cost = -change), a more irregular rhythm is worse (cost = +change).
The rhythm's denominator is at least ``rhythm_floor_cv``: a set timed on video frames never has a
truly zero variation, and a near-zero one would make any change look huge.

``clear`` says whether a change is beyond the person's own rep-to-rep variation in the two sets:
the difference of the means over ``clear_z`` standard errors (pace: of the gaps; amplitude: of the
reps' sizes; rhythm: of the CVs, with the normal-theory SE(CV) ~ CV / sqrt(2 (n - 1))). A set of
fewer than ``min_reps`` counted reps gives no measures (too few gaps for a rhythm).

Limits: the two sets must be the same exercise, side and variant for the comparison to mean
anything (the caller picks them); a sided exercise's amplitude is the mean over both sides, so the
two sets should use the sides alike. CLINICAL.md gives no cut-off for a dual-task cost here; the
numbers are for the physio to read, not a pass or fail.
"""
from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from collections.abc import Sequence

import numpy as np

from exercises.base import Rep
from exercises.spec import Params, param


@dataclass(frozen=True)
class DualTaskParams(Params):
    """The decisions of the dual-task cost. CLINICAL.md has no values for them: screening defaults."""

    min_reps: float = param(
        4, "reps", "a rhythm needs at least three gaps between reps to have a spread; a set with fewer "
        "counted reps gives no dual-task measures", bounds=(3, 20))
    clear_z: float = param(
        2.0, "standard errors", "a change is called clear when the difference of the two sets' means exceeds "
        "this many standard errors of the person's own rep-to-rep variation (about 95% for two sets)",
        bounds=(1.0, 4.0))
    rhythm_floor_cv: float = param(
        0.02, "fraction", "the smallest rep-time variability the rhythm cost divides by: rep ends read from "
        "30 fps video are ~0.03 s apart at best, 2% of a 1.5 s rep, so a lower CV is measurement noise",
        bounds=(0.005, 0.1))


# --- the thinking tasks -----------------------------------------------------------------------

@dataclass(frozen=True)
class ThinkingTask:
    name: str  # the CLI and stored name, e.g. "serial-7s"
    label: str  # what the physio reads, e.g. "Counting back in sevens"
    choice: str  # what the patient reads in a menu, plain words

    def prompt(self, rng: random.Random) -> "TaskPrompt":
        """What the coach says at the start of a set and shows in big words; a fresh start number
        or letter each time from ``rng`` (so it cannot be learnt by heart)."""
        if self.name in ("serial-3s", "serial-7s"):
            step = 3 if self.name == "serial-3s" else 7
            start = rng.randint(60, 99) if step == 7 else rng.randint(40, 99)
            word = "threes" if step == 3 else "sevens"
            return TaskPrompt(self.name, f"Count back in {word} from {start}. Say the numbers out loud",
                              f"Count back by {step} from {start}")
        if self.name == "animals":
            return TaskPrompt(self.name, "Name as many animals as you can. Say them out loud", "Name animals")
        if self.name == "letter-words":
            letter = rng.choice("BCDFHLMPST")
            return TaskPrompt(self.name, f"Say words that start with the letter {letter}. Say them out loud",
                              f"Words that start with {letter}")
        if self.name == "months-back":
            return TaskPrompt(self.name, "Say the months of the year backwards, starting with December",
                              "Months backwards from December")
        raise ValueError(f"no prompt for thinking task {self.name!r}")


@dataclass(frozen=True)
class TaskPrompt:
    task: str  # ``ThinkingTask.name``
    spoken: str  # said at the set's start
    shown: str  # on the screen during the set, big and short


TASKS: tuple[ThinkingTask, ...] = (
    ThinkingTask("serial-3s", "Counting back in threes", "Count back in threes"),
    ThinkingTask("serial-7s", "Counting back in sevens", "Count back in sevens"),
    ThinkingTask("animals", "Naming animals", "Name animals"),
    ThinkingTask("letter-words", "Words starting with a letter", "Say words with one letter"),
    ThinkingTask("months-back", "Months of the year backwards", "Say the months backwards"),
)
TASK_NAMES: tuple[str, ...] = tuple(t.name for t in TASKS)


def get_task(name: str) -> ThinkingTask:
    for task in TASKS:
        if task.name == name:
            return task
    raise ValueError(f"unknown thinking task {name!r}: choose one of {', '.join(TASK_NAMES)}")


# --- the cost ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SetMeasures:
    """Pace, amplitude and rhythm of the counted reps of one or more sets of one exercise."""

    reps: int  # counted reps
    gaps: int  # gaps between successive reps' ends within sets
    pace_per_min: float  # 60 / mean gap
    gap_mean_s: float
    gap_sd_s: float
    rep_s: float  # mean movement time (end - start) of a rep
    rhythm_cv: float  # gap SD / gap mean
    amplitude: float | None  # mean of the amplitude metric; None without one
    amplitude_sd: float | None
    amplitude_n: int = 0

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def measure_sets(sets: Sequence[Sequence[Rep]], amplitude_key: str = "",
                 params: DualTaskParams | None = None) -> SetMeasures | None:
    """The measures of the counted reps in ``sets`` (each a set's reps, in any order); gaps are
    taken within each set only. None with fewer than ``min_reps`` counted reps or no gap."""
    params = params or DualTaskParams()
    gaps, durations, sizes, counted = [], [], [], 0
    for reps in sets:
        mine = sorted((r for r in reps if r.counted), key=lambda r: r.start_s)
        counted += len(mine)
        gaps += [b.end_s - a.end_s for a, b in zip(mine, mine[1:])]
        durations += [r.end_s - r.start_s for r in mine]
        if amplitude_key:
            sizes += [float(v) for r in mine if (v := r.metrics.get(amplitude_key)) is not None and math.isfinite(v)]
    if counted < params.min_reps or len(gaps) < 2:
        return None
    g = np.asarray(gaps, float)
    mean, sd = float(g.mean()), float(g.std(ddof=1))
    if not mean > 0:
        return None
    amp = float(np.mean(sizes)) if sizes else None
    amp_sd = float(np.std(sizes, ddof=1)) if len(sizes) > 1 else None
    return SetMeasures(reps=counted, gaps=len(gaps), pace_per_min=60.0 / mean, gap_mean_s=mean, gap_sd_s=sd,
                       rep_s=float(np.mean(durations)), rhythm_cv=sd / mean, amplitude=amp, amplitude_sd=amp_sd,
                       amplitude_n=len(sizes))


@dataclass(frozen=True)
class Cost:
    """One measure with and without the task. ``cost_pct`` positive: worse with the task."""

    measure: str  # "pace", "amplitude", "rhythm"
    single: float
    dual: float
    unit: str
    change_pct: float  # (dual - single) / single x 100
    cost_pct: float  # signed so that positive = worse
    clear: bool  # beyond the person's own rep-to-rep variation

    def to_dict(self) -> dict:
        return {"measure": self.measure, "single": round(self.single, 4), "dual": round(self.dual, 4),
                "unit": self.unit, "change_pct": round(self.change_pct, 1), "cost_pct": round(self.cost_pct, 1),
                "clear": self.clear}


@dataclass(frozen=True)
class DualTaskCost:
    task: str  # the thinking task's name ("" when unknown)
    single: SetMeasures
    dual: SetMeasures
    costs: tuple[Cost, ...]

    def cost(self, measure: str) -> Cost | None:
        return next((c for c in self.costs if c.measure == measure), None)

    def to_dict(self) -> dict:
        return {"task": self.task, "single": self.single.to_dict(), "dual": self.dual.to_dict(),
                "costs": {c.measure: c.to_dict() for c in self.costs}}

    def words(self) -> list[str]:
        """One line per measure for the physio: 'Pace: 24.0 -> 18.0 reps/min, 25% slower (clear)'."""
        out = []
        for c in self.costs:
            better_worse = {"pace": ("faster", "slower"), "amplitude": ("bigger", "smaller"),
                            "rhythm": ("more regular", "less regular")}[c.measure]
            how = better_worse[1] if c.cost_pct > 0 else better_worse[0]
            fmt = "{:.0%}" if c.measure == "rhythm" else "{:.1f}"
            unit = f" {c.unit}" if c.unit and c.measure != "rhythm" else ""
            values = f"{fmt.format(c.single)} -> {fmt.format(c.dual)}{unit}"
            verdict = "clear" if c.clear else "within own variation"
            out.append(f"{c.measure.capitalize()}: {values}, {abs(c.change_pct):.0f}% {how} "
                       f"(cost {c.cost_pct:+.0f}%; {verdict})")
        return out


def dual_task_cost(dual: SetMeasures, single: SetMeasures, task: str = "",
                   params: DualTaskParams | None = None, amplitude_unit: str = "") -> DualTaskCost:
    """The cost of ``dual`` (with the task) against ``single`` (without): see the module's text."""
    params = params or DualTaskParams()
    z = params.clear_z
    costs = []
    # Pace: reps per minute; the clear test is on the gaps (their means differ by z SEs).
    se = math.sqrt(single.gap_sd_s ** 2 / single.gaps + dual.gap_sd_s ** 2 / dual.gaps)
    change = _pct(dual.pace_per_min, single.pace_per_min)
    costs.append(Cost("pace", single.pace_per_min, dual.pace_per_min, "reps/min", change, -change,
                      abs(dual.gap_mean_s - single.gap_mean_s) > z * se))
    if single.amplitude is not None and dual.amplitude is not None and single.amplitude > 0:
        sd_s, sd_d = single.amplitude_sd or 0.0, dual.amplitude_sd or 0.0
        se = math.sqrt(sd_s ** 2 / max(single.amplitude_n, 1) + sd_d ** 2 / max(dual.amplitude_n, 1))
        change = _pct(dual.amplitude, single.amplitude)
        costs.append(Cost("amplitude", single.amplitude, dual.amplitude, amplitude_unit, change, -change,
                          abs(dual.amplitude - single.amplitude) > z * se))
    floor = params.rhythm_floor_cv
    cv_s, cv_d = max(single.rhythm_cv, floor), max(dual.rhythm_cv, floor)
    se = math.sqrt(cv_s ** 2 / (2 * (single.gaps - 1)) + cv_d ** 2 / (2 * (dual.gaps - 1)))
    change = (dual.rhythm_cv - single.rhythm_cv) / cv_s * 100.0
    costs.append(Cost("rhythm", single.rhythm_cv, dual.rhythm_cv, "CV", change, change,
                      abs(cv_d - cv_s) > z * se))
    return DualTaskCost(task, single, dual, tuple(costs))


def amplitude_unit(key: str) -> str:
    """The unit of an amplitude metric from its name's ending ("range_deg" -> "deg")."""
    for suffix in ("deg", "cm", "m", "s"):
        if key.endswith("_" + suffix):
            return suffix
    return ""


def _pct(dual: float, single: float) -> float:
    return (dual - single) / single * 100.0
