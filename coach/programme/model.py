"""A patient's programme as prescribed by the physio: exercises with sets, reps, targets and
threshold overrides, plus the progression rules that apply to them.

A programme is never edited in place: every change is saved as a new version, so each session
can say which prescription it followed. ``validate`` reports every problem with its location,
for ``coach.programme.tomlfile`` to turn into line numbers.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, time

from coach.programme import threshold_range
from coach.programme.routines import implied_times
from exercises import EXERCISE_NAMES as EXERCISES
from exercises import EXERCISES as SPECS
from exercises import is_timed_hold
from exercises.fatigue import FatigueParams
from exercises.pacing import Tempo

SIDES = ("auto", "both", "left", "right")  # auto: the side that moves; both: both must move
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Easier to harder. Support is what the patient holds on to (counter, chair back, armrests).
SUPPORT_LEVELS = ("two-hands", "one-hand", "fingertips", "none")
VARIANTS: dict[str, tuple[str, ...]] = {name: spec.variants for name, spec in SPECS.items()}
DEFAULT_VARIANT = {name: spec.default_variant for name, spec in SPECS.items()}
# Timed holds (balance): ``hold_s`` is their target; a metronome tempo means nothing for them.
HOLD_EXERCISES = tuple(name for name in SPECS if is_timed_hold(name))  # for messages: the answer is is_timed_hold
FATIGUE_MIN_CHANGE = FatigueParams().min_change
MAX_TIMES = 6  # times of day per item; more is a typing slip, not a prescription
MAX_ROUTINE_CHARS = 60

# Ranges outside which a value is a mistake rather than a prescription.
LIMITS: dict[str, tuple[float, float]] = {
    "sets": (1, 10), "reps": (1, 100), "rest_s": (0, 600),
    "tempo_s": (0.5, 20),  # one rep every N seconds (a slow sit-to-stand: 4)
    "tempo_per_min": (3, 120),  # N reps a minute (heel raises at 40); the same beat, the other way round
    "hold_s": (1, 600),  # target time of each balance hold
}


@dataclass(frozen=True)
class ProgressionRules:
    """When to suggest a change (see ``coach.programme.progression``). Physio-adjustable per
    programme under ``[progression]`` in the programme file."""

    sessions_to_progress: int = 3  # target met with good form this many sessions in a row
    # A regression rests on at least this many sessions: one bad day (faults, a missed target) is
    # not a trend. A safety event asks for a review instead (see coach.programme.progression).
    sessions_to_regress: int = 3
    good_form_max_fault_rate: float = 0.2  # share of counted reps with any fault
    regress_fault_rate: float = 0.4  # every one of the last sessions_to_regress at or above this: suggest easier
    # Smallest relative slowdown that counts as fatigue (exercises.fatigue: it must also persist and
    # exceed the person's own rep-to-rep variation); the live coach's default, so both agree.
    fatigue_slowdown: float = FATIGUE_MIN_CHANGE
    rep_step: int = 2
    max_reps: int = 15  # beyond this, progress by support/tempo/variant instead
    min_reps: int = 3
    tempo_step_s: float = 1.0
    max_tempo_s: float = 5.0
    hold_step_s: float = 5.0  # balance holds: progress the hold time by this much
    max_hold_s: float = 60.0  # ... up to this, then by more holds
    progress_order: tuple[str, ...] = ("reps", "support", "tempo", "variant")
    regress_order: tuple[str, ...] = ("reps", "support", "variant")


@dataclass(frozen=True)
class ProgrammeExercise:
    exercise: str
    sets: int = 1
    reps: int = 10
    rest_s: float = 60.0
    side: str = "auto"
    tempo_s: float | None = None  # seconds per rep; slower is harder. None: patient's own pace
    variant: str = ""  # "" means the exercise's default
    support: str = "none"
    days: tuple[str, ...] = WEEKDAYS
    targets: dict[str, float] = field(default_factory=dict)  # e.g. {"rom_deg": 90}
    thresholds: dict[str, float] = field(default_factory=dict)  # the exercise's Params fields it overrides
    notes: str = ""
    # Added with routines (older programmes load without them):
    tempo_per_min: float | None = None  # the metronome as reps a minute; at most one of tempo_s / tempo_per_min
    hold_s: float | None = None  # target seconds of each hold (balance holds only)
    routine: str = ""  # when in the day, in the patient's words: "before each meal", "while brushing teeth"
    times: tuple[str, ...] = ()  # "HH:MM" local times; empty: the routine's usual times, if it has any

    @property
    def effective_variant(self) -> str:
        return self.variant or DEFAULT_VARIANT.get(self.exercise, "")

    @property
    def tempo(self) -> Tempo | None:
        """The prescribed beat whichever way the physio wrote it (``.period_s``, ``.per_min``);
        None: the patient's own pace. Live coaching's metronome reads this."""
        if self.tempo_per_min:
            return Tempo.per_minute(self.tempo_per_min)
        return Tempo(self.tempo_s) if self.tempo_s else None

    @property
    def tempo_text(self) -> str:
        """The tempo as the physio wrote it: "one every 4 s", "40 a minute" ("" for own pace)."""
        if self.tempo_per_min:
            return f"{self.tempo_per_min:g} a minute"
        return f"one every {self.tempo_s:g} s" if self.tempo_s else ""

    @property
    def effective_times(self) -> tuple[str, ...]:
        """The times of day it is due: its own, else those its routine implies ("before each meal":
        three), else none (any time of the day)."""
        return self.times or implied_times(self.routine)

    @property
    def is_hold(self) -> bool:
        return is_timed_hold(self.exercise)


@dataclass(frozen=True)
class Programme:
    patient_id: str
    exercises: tuple[ProgrammeExercise, ...] = ()
    rules: ProgressionRules = ProgressionRules()
    version: int | None = None  # set by the store when saved
    author: str = ""
    note: str = ""
    created_at: datetime | None = None

    def exercise(self, name: str) -> ProgrammeExercise | None:
        return next((e for e in self.exercises if e.exercise == name), None)

    def with_exercise(self, item: ProgrammeExercise) -> "Programme":
        """A copy with ``item`` replacing the exercise of the same name (or added at the end)."""
        names = [e.exercise for e in self.exercises]
        items = list(self.exercises)
        if item.exercise in names:
            items[names.index(item.exercise)] = item
        else:
            items.append(item)
        return replace(self, exercises=tuple(items), version=None, created_at=None)

    def to_dict(self) -> dict:
        """The stored and exported form (what a programme file holds)."""
        return {"patient": self.patient_id,
                "progression": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self.rules).items()},
                "exercise": [_exercise_dict(e) for e in self.exercises]}


def _exercise_dict(e: ProgrammeExercise) -> dict:
    d = {"name": e.exercise}
    for f in fields(e):
        v = getattr(e, f.name)
        if f.name == "exercise" or v is None or v == "" or v == {} or v == ():
            continue
        d[f.name] = list(v) if isinstance(v, tuple) else v
    return d


class ProgrammeError(ValueError):
    """Invalid programme; ``problems`` lists (location, message), location like ("exercise", 1, "reps")."""

    def __init__(self, problems: list[tuple[tuple, str]], source: str = "programme"):
        self.problems = problems
        self.source = source
        super().__init__("\n".join(f"{source}: {_where(loc)}{msg}" for loc, msg in problems))


def _where(loc: tuple) -> str:
    if len(loc) >= 2 and loc[0] == "exercise":
        return f"exercise {loc[1] + 1}{' ' + loc[2] if len(loc) > 2 else ''}: "
    return f"{'.'.join(str(p) for p in loc)}: " if loc else ""


def from_dict(data: dict, *, patient_id: str | None = None, source: str = "programme") -> Programme:
    """Build and validate a programme; raise ``ProgrammeError`` listing every problem."""
    problems: list[tuple[tuple, str]] = []
    known_top = {"patient", "progression", "exercise", "author", "note"}
    for key in set(data) - known_top:
        problems.append(((key,), f"unknown setting {key!r} (expected one of {', '.join(sorted(known_top))})"))
    pid = data.get("patient", patient_id)
    if not isinstance(pid, str) or not pid:
        problems.append((("patient",), "patient id missing"))
    elif patient_id is not None and pid != patient_id:
        problems.append((("patient",), f"file is for patient {pid!r}, not {patient_id!r}"))
    rules = _rules(data.get("progression", {}), problems)
    raw_items = data.get("exercise", [])
    if not isinstance(raw_items, list) or not raw_items:
        problems.append((("exercise",), "no exercises: add at least one [[exercise]] table"))
        raw_items = []
    items = [_exercise(i, raw, problems) for i, raw in enumerate(raw_items)]
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item is not None and item.exercise in seen:
            problems.append((("exercise", i, "name"), f"{item.exercise!r} is listed twice"))
        if item is not None:
            seen.add(item.exercise)
    if problems:
        raise ProgrammeError(problems, source)
    return Programme(pid, tuple(items), rules, author=str(data.get("author", "")), note=str(data.get("note", "")))


def _rules(raw, problems) -> ProgressionRules:
    if not isinstance(raw, dict):
        problems.append((("progression",), "must be a table"))
        return ProgressionRules()
    defaults = ProgressionRules()
    values = {}
    for key, v in raw.items():
        if not hasattr(defaults, key):
            problems.append((("progression", key), f"unknown progression rule {key!r}"))
            continue
        default = getattr(defaults, key)
        if isinstance(default, tuple):
            allowed = ("reps", "support", "tempo", "variant")
            if not isinstance(v, list) or any(x not in allowed for x in v):
                problems.append((("progression", key), f"must be a list of {', '.join(allowed)}"))
                continue
            v = tuple(v)
        elif not _number(v) or v < 0:
            problems.append((("progression", key), f"must be a number >= 0, got {v!r}"))
            continue
        elif isinstance(default, int) and v != int(v):
            problems.append((("progression", key), f"must be a whole number, got {v!r}"))
            continue
        values[key] = type(default)(v) if not isinstance(default, tuple) else v
    return replace(defaults, **values)


def _exercise(i: int, raw, problems) -> ProgrammeExercise | None:
    if not isinstance(raw, dict):
        problems.append((("exercise", i), "must be a table"))
        return None
    n_before = len(problems)
    name = raw.get("name")
    if name not in EXERCISES:
        problems.append((("exercise", i, "name"),
                         f"unknown exercise {name!r} (valid: {', '.join(EXERCISES)})"))
        return None
    allowed = {f.name for f in fields(ProgrammeExercise)} - {"exercise"} | {"name"}
    for key in set(raw) - allowed:
        problems.append((("exercise", i, key), f"unknown setting {key!r} for {name}"))
    values: dict = {"exercise": name}
    for key, (lo, hi) in LIMITS.items():
        if key in raw:
            v = raw[key]
            whole = key in ("sets", "reps")
            if not _number(v) or not lo <= v <= hi or (whole and v != int(v)):
                kind = "a whole number" if whole else "a number"
                problems.append((("exercise", i, key), f"{key} must be {kind} from {lo:g} to {hi:g}, got {v!r}"))
            else:
                values[key] = int(v) if whole else float(v)
    for key, allowed_values in (("side", SIDES), ("support", SUPPORT_LEVELS), ("variant", VARIANTS[name])):
        if key in raw:
            if raw[key] not in allowed_values:
                problems.append((("exercise", i, key),
                                 f"{key} {raw[key]!r} is not one of {', '.join(allowed_values)} for {name}"))
            else:
                values[key] = raw[key]
    if "days" in raw:
        days = raw["days"]
        if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
            problems.append((("exercise", i, "days"), f"days must be a list of {', '.join(WEEKDAYS)}"))
        else:
            values["days"] = tuple(d for d in WEEKDAYS if d in days)
    for key in ("targets", "thresholds"):
        if key in raw:
            values[key] = _numbers_table(raw[key], ("exercise", i, key), problems)
    valid = SPECS[name].params.names()
    for k, v in values.get("thresholds", {}).items():
        if k not in valid:
            problems.append((("exercise", i, "thresholds", k),
                             f"{name} has no threshold {k!r}; valid: {', '.join(valid)}"))
        elif why := threshold_range.problem(name, k, v):  # the unit's physical range, one place
            problems.append((("exercise", i, "thresholds", k), why))
    if "notes" in raw:
        values["notes"] = str(raw["notes"])
    _pacing(i, name, raw, values, problems)
    if "routine" in raw:
        routine = raw["routine"]
        if not isinstance(routine, str) or len(routine.strip()) > MAX_ROUTINE_CHARS:
            problems.append((("exercise", i, "routine"),
                             f"routine must be a few words (at most {MAX_ROUTINE_CHARS} characters), got {routine!r}"))
        elif routine.strip():
            values["routine"] = " ".join(routine.split())
    if "times" in raw:
        times = _times(raw["times"], ("exercise", i, "times"), problems)
        if times:
            values["times"] = times
    return ProgrammeExercise(**values) if len(problems) == n_before else None


def _pacing(i: int, name: str, raw: dict, values: dict, problems) -> None:
    """A tempo in one of its two forms, never both; a hold target only for a hold, a tempo never for one."""
    if "tempo_s" in raw and "tempo_per_min" in raw:
        problems.append((("exercise", i, "tempo_per_min"),
                         "give the tempo once: tempo_s (seconds per rep) or tempo_per_min (reps a minute), not both"))
    if is_timed_hold(name):
        for key in ("tempo_s", "tempo_per_min"):
            if key in raw:
                problems.append((("exercise", i, key), f"{name} is a timed hold: set hold_s (seconds), not a tempo"))
    elif "hold_s" in raw:
        holds = ", ".join(HOLD_EXERCISES) or "none registered"
        problems.append((("exercise", i, "hold_s"), f"hold_s is for balance holds ({holds}), not {name}"))


_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.h]\s*([0-5]\d)\s*$")


def _times(raw, loc, problems) -> tuple[str, ...]:
    """["08:00", "12:30"] (also TOML times, 8:00, 8.00) -> sorted "HH:MM" strings."""
    if isinstance(raw, (str, time)):
        raw = [raw]
    if not isinstance(raw, list) or len(raw) > MAX_TIMES:
        problems.append((loc, f"times must be a list of up to {MAX_TIMES} times of day like \"08:00\""))
        return ()
    out = set()
    for v in raw:
        if isinstance(v, time):
            out.add(f"{v.hour:02d}:{v.minute:02d}")
            continue
        m = _TIME.match(v) if isinstance(v, str) else None
        if m is None:
            problems.append((loc, f"{v!r} is not a time of day like \"08:00\" or \"18:30\" (24-hour clock)"))
        else:
            out.add(f"{int(m.group(1)):02d}:{m.group(2)}")
    return tuple(sorted(out))


def _numbers_table(raw, loc, problems) -> dict[str, float]:
    if not isinstance(raw, dict):
        problems.append((loc, "must be a table of name = number"))
        return {}
    out = {}
    for k, v in raw.items():
        if not _number(v):
            problems.append((loc + (k,), f"{k} must be a number, got {v!r}"))
        elif k.endswith("_deg") and not 0 <= v <= 180:
            problems.append((loc + (k,), f"{k} = {v} is not an angle from 0 to 180 degrees"))
        elif (k.endswith("_s") or k.endswith("_cm") or k.endswith("_rate")) and v < 0:
            problems.append((loc + (k,), f"{k} cannot be negative"))
        else:
            out[k] = float(v)
    return out


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
