"""What the patient's programme prescribes for live coaching beyond sets and reps: a metronome
tempo (``ProgrammeExercise.tempo``) and the target time of each balance hold (``hold_s``).
Read-only; what the command line or the page asks for wins over it."""
from __future__ import annotations

from dataclasses import dataclass

from exercises.pacing import Tempo


@dataclass(frozen=True)
class Prescription:
    tempo: Tempo | None = None
    hold_s: float | None = None


def prescribed(store, patient_id: str | None, exercise: str) -> Prescription:
    """The current programme item's tempo and hold target (empty without one)."""
    if not patient_id or store is None:
        return Prescription()
    programme = store.programme(patient_id)
    item = programme.exercise(exercise) if programme is not None else None
    if item is None:
        return Prescription()
    tempo = item.tempo if hasattr(type(item), "tempo") else (Tempo(item.tempo_s) if item.tempo_s else None)
    return Prescription(tempo, getattr(item, "hold_s", None))


def choose_tempo(per_min: float | None, period_s: float | None, fallback: Tempo | None = None) -> Tempo | None:
    """A tempo from reps a minute or seconds a rep (at most one), else ``fallback``."""
    if per_min is not None and period_s is not None:
        raise ValueError("give the tempo once: --tempo (reps a minute) or --period (seconds a rep), not both")
    if per_min is not None:
        return Tempo.per_minute(per_min)
    if period_s is not None:
        return Tempo(period_s)
    return fallback
