"""What every exercise script shares: the attempt plan and the script's result."""
from __future__ import annotations

from dataclasses import dataclass, field

from exercises.faults import FAULTS
from coach.synth.motion import Timeline
from coach.synth.scene import Chair
from coach.synth.spec import ClipSpec
from coach.synth.truth import RepTruth


@dataclass(frozen=True)
class Attempt:
    index: int  # 1-based over all attempts
    partial: bool
    faults: tuple[str, ...]
    speed: float  # 1.0 = the script's normal tempo
    pause_after_s: float

    def has(self, code: str) -> bool:
        return code in self.faults

    def dur(self, seconds: float) -> float:
        return seconds / self.speed


@dataclass
class Motion:
    """A script's output: the movement and the truth of every attempt."""

    timeline: Timeline
    reps: list[RepTruth]
    chair: Chair | None = None
    center_fwd_m: float = 0.0  # figure-frame FWD point to keep at the frame's centre (side view)
    notes: dict = field(default_factory=dict)


def plan_attempts(spec: ClipSpec, supported: set[str], partial_fault: str,
                  fault_makes_partial: bool = True) -> list[Attempt]:
    """The attempts of ``spec`` in order; a partial attempt carries ``partial_fault``, and (when
    ``fault_makes_partial``) asking for ``partial_fault`` on an attempt makes it partial."""
    out = []
    for k in range(1, spec.attempts + 1):
        faults = spec.faults_of(k)
        for code in faults:
            if code not in FAULTS:
                raise ValueError(f"unknown fault code {code!r}")
            if code not in supported:
                raise ValueError(f"{spec.exercise} cannot show fault {code!r}; it can show {sorted(supported)}")
        partial = spec.is_partial(k) or (fault_makes_partial and partial_fault in faults)
        if partial and partial_fault not in faults:
            faults = (partial_fault, *faults)
        out.append(Attempt(k, partial, tuple(faults), spec.speed_of(k), spec.pauses_s.get(k, 0.0)))
    return out


def rep_truth(a: Attempt, start_s: float, end_s: float, peak_s: float, stand_s: float | None = None,
              seated_s: float | None = None, counted: bool | None = None, **metrics: float) -> RepTruth:
    """``counted``: by default a partial attempt does not count; a script may say otherwise
    (a short forward reach is still a reach out and back, with ``short_range``)."""
    counted = (not a.partial) if counted is None else counted
    return RepTruth(index=a.index, start_s=round(start_s, 4), end_s=round(end_s, 4), counted=counted,
                    faults=tuple(sorted(set(a.faults))), peak_s=round(peak_s, 4),
                    stand_s=None if stand_s is None else round(stand_s, 4),
                    seated_s=None if seated_s is None else round(seated_s, 4),
                    metrics={k: round(float(v), 4) for k, v in metrics.items()})


def other_side(side: str) -> str:
    return "right" if side == "left" else "left"


def working_sides(spec: ClipSpec) -> tuple[str, ...]:
    return ("left", "right") if spec.side == "both" else (spec.side,)
