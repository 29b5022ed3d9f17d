"""The physio's per-patient thresholds, from the patient's current programme to the exercise.

Every mode (file analysis, live coaching, the browser) asks here, so a threshold the physio set
changes the verdict wherever the patient exercises.
"""
from __future__ import annotations


def prescribed_overrides(store, patient_id: str | None, exercise: str) -> dict[str, float]:
    """The ``thresholds`` table of ``exercise`` in the patient's current programme ({} if none)."""
    if not patient_id or store is None:
        return {}
    programme = store.programme(patient_id)
    item = programme.exercise(exercise) if programme is not None else None
    return dict(item.thresholds) if item is not None else {}
