"""What the store accepts from a user as a patient id and as notes."""
from __future__ import annotations

import re

PATIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NOTES_MAX_CHARS = 20_000  # a page or two of clinical notes; more is a mistake (or an attack)


def validate_patient_id(patient_id: str) -> str:
    """Pseudonymous codes only: letters, digits, '.', '_' and '-', 1-64 characters, no path tricks."""
    if not isinstance(patient_id, str) or not PATIENT_ID.fullmatch(patient_id) or ".." in patient_id:
        raise ValueError(f"invalid patient id {patient_id!r}: use 1-64 letters, digits, '.', '_' or '-' "
                         "(a pseudonymous code like P001, never a name or a path)")
    return patient_id


def validate_notes(notes: str) -> str:
    if notes and len(notes) > NOTES_MAX_CHARS:
        raise ValueError(f"the notes are {len(notes):,} characters long; at most {NOTES_MAX_CHARS:,} are kept")
    return notes

