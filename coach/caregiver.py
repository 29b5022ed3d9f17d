"""A caregiver beside the patient: who needs spotting, what is recorded, and the words for it.

One answer per question, read by the live coach (``coach live --caregiver``, the browser's live page),
the caregiver's page, the physio's review, the report and the share file's schema:

- whether an exercise or a validated test needs someone beside the patient is the spec's own fact
  (``ExerciseSpec.spotting``, ``TestSpec.spotting``), asked here by name;
- before a set that needs spotting the patient is asked "Is someone with you?": the answer is one of
  the session's events, kind ``caregiver`` with detail ``present`` or ``absent`` (at 0 s);
- after it, "Did they help?": kind ``caregiver_help`` with detail ``none``, ``steadied`` or ``lifted``
  (an event added to the session, ``Store.add_session_event``), so both travel in the share file and
  the clinic sync like any event, and the bundle's schema refuses any other detail;
- in caregiver mode a loss of balance (or a possible fall) is said aloud for the caregiver at once:
  ``ALERT``.
"""
from __future__ import annotations

from dataclasses import dataclass

PRESENT_KIND = "caregiver"
HELP_KIND = "caregiver_help"
PRESENCE = ("present", "absent")
HELP = ("none", "steadied", "lifted")
KINDS = {PRESENT_KIND: PRESENCE, HELP_KIND: HELP}

# The caregiver's words (big plain words on the page, spoken by the live coach).
SPOTTING_NEEDED = "Stand beside them: spotting needed"
ALERT = "Please help: loss of balance"
ASK_PRESENT = "Is someone with you?"
ASK_HELP = "Did they help?"
PRESENCE_WORDS = {"present": "Yes, someone is with me", "absent": "No, I am on my own"}
HELP_WORDS = {"none": "No help needed", "steadied": "They steadied me", "lifted": "They had to hold me up"}
ALONE_ADVICE = ("Please ask someone to stand beside you for this one. If nobody can, hold on to a steady "
                "support the whole time.")
# Live events that call the caregiver: a loss of balance in a hold or a step, a possible fall, gone
# from the picture right after a fast drop (``coach.live.safety``: its detail says so).
ALARM_EVENTS = ("balance_loss", "fall_like")
# After the call nothing else is said this long, so no later cue replaces it while it waits to be
# spoken (the speaker keeps only the newest; "Please help: loss of balance. Stop. Hold on to your
# support." takes about 4 s at 140 words a minute).
ALERT_QUIET_S = 5.0


def exercise_spotting(exercise: str) -> str:
    """Why someone should stand beside the patient during ``exercise`` ("" = not needed; "" for a
    name this coach does not know)."""
    from exercises.registry import EXERCISES

    spec = EXERCISES.get(exercise)
    return spec.spotting if spec is not None else ""


def test_spotting(test_id: str) -> str:
    """As ``exercise_spotting`` for a validated test."""
    from exercises.validated_tests import TESTS

    spec = TESTS.get(test_id)
    return spec.spotting if spec is not None else ""


test_spotting.__test__ = False  # pytest: a function of the coach, not a test


def is_alarm(kind: str, detail: str = "") -> bool:
    """Does this live event call the caregiver at once?"""
    return kind in ALARM_EVENTS or (kind == "out_of_view" and bool(detail))


def check(kind: str, detail: str) -> None:
    """A caregiver event's detail must be one of its answers (ValueError otherwise)."""
    allowed = KINDS.get(kind)
    if allowed is not None and detail not in allowed:
        raise ValueError(f"a {kind} event's detail must be one of {', '.join(allowed)}, got {detail!r}")


@dataclass(frozen=True)
class CaregiverRecord:
    """What a session says about a caregiver: None where it was not asked or not answered."""

    present: bool | None = None
    helped: str | None = None  # one of HELP

    @property
    def asked(self) -> bool:
        return self.present is not None or self.helped is not None


def from_events(*event_lists) -> CaregiverRecord:
    """The caregiver record of a session from its events (the recorder's ``kind``/``detail`` and those
    added later, either shape, or (seconds, kind, detail) tuples as the report holds them); the latest
    answer of each kind wins."""
    present = helped = None
    for events in event_lists:
        for e in events:
            kind, detail = (e[1], e[2]) if isinstance(e, tuple) else (getattr(e, "kind", None), getattr(e, "detail", ""))
            if kind == PRESENT_KIND and detail in PRESENCE:
                present = detail == "present"
            elif kind == HELP_KIND and detail in HELP:
                helped = detail
    return CaregiverRecord(present, helped)


def physio_words(record: CaregiverRecord) -> str:
    """"Caregiver present; they steadied the patient" (for the review and the report), or ""."""
    if not record.asked:
        return ""
    parts = []
    if record.present is not None:
        parts.append("Caregiver present" if record.present else "No caregiver (the patient was on their own)")
    if record.helped is not None:
        parts.append({"none": "no help needed", "steadied": "they steadied the patient",
                      "lifted": "they had to hold the patient up"}[record.helped])
    return "; ".join(parts)
