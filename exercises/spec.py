"""One declarative description per exercise, read by every other part of the coach.

An ``ExerciseSpec`` holds what is true of an exercise: its name and label, the state machine that
measures it (``machine``: pose -> typed measurements, counting signals, rep metrics, checks), how it
is counted (``scale``, ``phases``, ``count_on``), every threshold (``params``: a frozen dataclass
whose fields carry a unit and a reason, overridable per patient by the physio), the faults it can
report, what the camera must see (``setup``), the equipment to tell the patient about, the
programme's variants and the synthetic script that makes test clips. The registry
(``exercises.registry``) lists the specs; CLI choices, programme validation, the set-up check, the
app's pages, the store and the synthetic generator all read them from there.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any

from exercises.counting import SignalScale
from exercises.phases import PhaseConfig


def param(default: float, unit: str, why: str, bounds: tuple[float, float] | None = None) -> Any:
    """A threshold: its default, its unit, why it has that value (shown to the physio) and the
    range (low, high) a physio may set it to (``Params.with_overrides`` refuses a value outside).

    Every field of an exercise's ``Params`` gives ``bounds`` (a test walks the registry); a
    missing one is accepted here only so that a module in progress still imports."""
    if bounds is not None:
        low, high = bounds
        if not low <= default <= high:
            raise ValueError(f"default {default!r} outside its range [{low:g}, {high:g}] ({unit})")
        bounds = (float(low), float(high))
    return field(default=default, metadata={"unit": unit, "why": why, "bounds": bounds})


@dataclass(frozen=True)
class Params:
    """Base of every exercise's thresholds. Subclasses declare fields with ``param``."""

    @classmethod
    def describe(cls) -> list[dict]:
        """name, default, unit and reason of every threshold (for docs, the app and reports)."""
        return [{"name": f.name, "default": f.default if f.default is not MISSING else None,
                 "unit": f.metadata.get("unit", ""), "why": f.metadata.get("why", ""),
                 "bounds": f.metadata.get("bounds")} for f in fields(cls)]

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def bounds(cls, name: str) -> tuple[float, float] | None:
        """The (low, high) a physio may set threshold ``name`` to; None where none is declared."""
        return next(f.metadata.get("bounds") for f in fields(cls) if f.name == name)

    @classmethod
    def with_overrides(cls, overrides: dict | None) -> "Params":
        """Defaults with a physio's overrides; an unknown key, a non-number or a value outside the
        field's range is a clear error."""
        base = cls()
        if not overrides:
            return base
        unknown = sorted(set(overrides) - set(cls.names()))
        if unknown:
            raise ValueError(f"unknown threshold(s) {', '.join(unknown)} for this exercise; "
                             f"valid: {', '.join(cls.names())}")
        values = {}
        for k, v in overrides.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v:
                raise ValueError(f"threshold {k} must be a number, got {v!r}")
            span = cls.bounds(k)
            if span is not None and not span[0] <= v <= span[1]:
                unit = next(f.metadata.get("unit", "") for f in fields(cls) if f.name == k)
                raise ValueError(f"threshold {k} = {v:g} {unit} is outside its range "
                                 f"{span[0]:g} to {span[1]:g} {unit}")
            values[k] = float(v)
        return replace(base, **values)


@dataclass(frozen=True)
class SetupNeeds:
    """What the camera must see before a set starts (``coach.live.setup_check`` reads it).

    ``parts``: body parts that must be in the picture ("head", "trunk", "hands", "legs", "feet");
    ``view``: the view the checks need most ("side", "front" or "any"); ``min_height_share``: the
    person's seen height over the frame height; ``reminders``: short safety lines for the patient.
    """

    parts: tuple[str, ...]
    view: str
    min_height_share: float = 0.35
    reminders: tuple[str, ...] = ()


@dataclass(frozen=True)
class HoldWords:
    """What the patient hears when a timed hold ends, in this hold's own words."""

    position_left: str  # the position broke ("Foot down.")
    feet_moved: str  # the standing foot or feet moved ("Your standing foot moved.")
    rest: str  # between holds ("Foot down when ready.")


# A spec that does not state ``spotting``: a balance hold is practised at the edge of balance (a
# caregiver stands beside); a counted exercise needs no spotting unless its own spec says why.
SPOTTING_POLICY = {"hold": "They practise keeping their balance and may lose it.", "counted": ""}


@dataclass(frozen=True)
class ExerciseSpec:
    name: str  # CLI and storage name, e.g. "sit-to-stand"
    label: str  # what a person reads, e.g. "Sit to stand"
    machine: type  # the RepExercise subclass that measures it
    params: type[Params]
    scale: SignalScale  # what the counting signal means (units, smallest real movement)
    phases: PhaseConfig  # counting bands, in fractions of the person's own range
    # "target": counted on reaching the top (standing); "end": on coming back; "hold": a timed
    # hold (``exercises.holds``: each hold is one ``Rep`` whose metrics carry its time and sway)
    count_on: str
    incomplete_fault: str  # the fault of a rep short of the clinical target ("" for holds)
    faults: tuple[str, ...]  # every fault code it can report (see exercises.faults)
    setup: SetupNeeds
    equipment: str  # said to the patient before the set
    variants: tuple[str, ...]  # the programme's easier-to-harder forms
    default_variant: str
    synth_script: str  # module of coach.synth.scripts that makes clips with exact truth
    sided: bool = False  # counts per side (arms, one leg); ``side="auto"`` finds the moving side
    limb: str = ""  # "arm" or "leg", for plain-words messages about sides
    key_measure: str = ""  # the per-frame value the live screen shows
    key_unit: str = ""
    rep_noun: tuple[str, str] = ("repetition", "repetitions")  # what one rep is called, and many
    # (fault code, cue) of this exercise's own words for a fault, where the shared vocabulary's cue
    # does not fit it ("Reach a little further" is no cue for a head turn); ``exercises.faults.cue``
    # asks here first. Each code must be one of ``faults`` (checked when the spec is made).
    cues: tuple[tuple[str, str], ...] = ()
    # How to do it, in two or three plain-words steps (the Today card's demonstration shows them
    # beside a clip the synthetic generator renders from this spec).
    steps: tuple[str, ...] = ()
    # The patient's own words for a fault in this exercise ("you leaned to lift the arm"), where the
    # shared vocabulary's (``FaultInfo.patient``) does not fit; like ``cues``, asked first.
    fault_words: tuple[tuple[str, str], ...] = ()
    # Facts every exercise must state (keyword-only, no default: a spec that leaves one out fails at
    # import with the field named). Empty or None is a stated answer ("no such thing here").
    # How the patient's week names it: "You did 42 <said_as>" ("sit-to-stands"), or for a hold
    # "Your longest <said_as>" ("stand on one leg").
    said_as: str = field(kw_only=True)
    # The rep metric that measures how big a movement was: "Bigger!" cues against the person's own
    # best and the amplitude decrement over a set (``exercises.pacing``). "": size is not the point.
    amplitude_metric: str = field(kw_only=True)
    # Which family of movement an upload of it must look like (``coach.app.recognise``: "legs",
    # "heels", "arms"); None: no motion family tells it apart (holds, head turns), not checked.
    motion_family: str | None = field(kw_only=True)
    # A timed hold's own words when a hold ends (required for holds, None for counted exercises).
    hold_words: HoldWords | None = field(default=None, kw_only=True)
    # Whether someone should stand beside the patient ("spotting"), said to the caregiver as why, in
    # plain words ("They stand on one leg and may lose balance."); "" = not needed. Left out (None),
    # the policy decides (``SPOTTING_POLICY``): a balance hold is practised at the edge of balance and
    # needs spotting; a counted exercise does not unless its spec says why (step-ups do).
    spotting: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        from exercises.faults import FAULTS, MOTION_FAMILIES

        if self.spotting is None:  # frozen: the policy's answer is set once, here
            object.__setattr__(self, "spotting", SPOTTING_POLICY["hold" if self.count_on == "hold" else "counted"])

        def fail(what: str) -> None:
            raise ValueError(f"exercise spec {self.name!r}: {what}")

        for kind, pairs in (("cues", self.cues), ("fault_words", self.fault_words)):
            unknown = [code for code, _ in pairs if code not in self.faults]
            if unknown:
                fail(f"{kind} for faults it never reports: {', '.join(unknown)}")
        not_in_vocabulary = [c for c in (*self.faults, self.incomplete_fault) if c and c not in FAULTS]
        if not_in_vocabulary:
            fail(f"fault code(s) {', '.join(not_in_vocabulary)} are not in exercises.faults.FAULTS "
                 "(add each with its physio label, cue, view and patient words)")
        if self.incomplete_fault and self.incomplete_fault not in self.faults:
            fail(f"incomplete_fault {self.incomplete_fault!r} must be one of its faults")
        if self.motion_family is not None and self.motion_family not in MOTION_FAMILIES:
            fail(f"motion_family must be one of {', '.join(MOTION_FAMILIES)} or None, got {self.motion_family!r}")
        if not self.said_as.strip():
            fail("said_as is empty: say how the patient's week names it")
        if self.timed_hold and self.hold_words is None:
            fail("a timed hold needs hold_words (what the patient hears when a hold ends)")
        if self.timed_hold and self.amplitude_metric:
            fail("a timed hold has no amplitude_metric (it is timed, not sized)")
        if not self.synth_script:
            fail("synth_script is empty: name the coach.synth.scripts module that makes its test clips")
        if self.default_variant not in self.variants:
            fail(f"default_variant {self.default_variant!r} is not one of its variants {self.variants}")
        if not 2 <= len(self.steps) <= 4:
            raise ValueError(f"{self.name}: say how to do it in 2 to 4 plain-words steps (steps=...)")

    @property
    def needs_spotting(self) -> bool:
        """Someone should stand beside the patient during it (``spotting`` says why)."""
        return bool(self.spotting)

    @property
    def timed_hold(self) -> bool:
        """A balance hold: timed, not counted (``scale`` and ``phases`` are not used)."""
        return self.count_on == "hold"
