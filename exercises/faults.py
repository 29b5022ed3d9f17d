"""The fault vocabulary shared by exercises, the synthetic-video generator, cues and reports.

Codes are stable identifiers (stored in session records); ``cue`` is the short positive
instruction spoken or shown to the patient; ``label`` is what the physio reads.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultInfo:
    code: str
    label: str
    cue: str
    view: str  # view the check needs: "side", "front" or "any"


FAULTS: dict[str, FaultInfo] = {f.code: f for f in (
    # sit-to-stand and squat
    FaultInfo("incomplete_stand", "Did not reach full standing (attempt not counted)", "Stand all the way up", "any"),
    FaultInfo("trunk_flexion", "Excessive forward trunk lean", "Keep your chest up", "side"),
    FaultInfo("hands_on_thighs", "Pushed on thighs or chair with the hands", "Cross your arms on your chest", "any"),
    FaultInfo("uncontrolled_sit", "Dropped into the chair (descent much faster than rise)", "Nice and slow on the way down", "any"),
    FaultInfo("lateral_shift", "Trunk shifted to one side", "Keep your weight in the middle", "front"),
    FaultInfo("knee_valgus", "Knees collapsed inward", "Keep your knees over your toes", "front"),
    FaultInfo("shallow_squat", "Squat not deep enough", "Bend a little deeper", "any"),
    # heel raise
    FaultInfo("heel_low", "Heels not lifted high enough", "Lift a little higher", "any"),
    FaultInfo("knee_bend", "Knees bent during the raise", "Keep your knees straight", "side"),
    FaultInfo("trunk_sway", "Trunk sway or loss of balance", "Hold on to the counter and stay tall", "any"),
    FaultInfo("no_control", "Heels dropped without control", "Lower your heels slowly", "any"),
    # reach and arm raise
    FaultInfo("trunk_compensation", "Trunk moved to make up for the arm", "Keep your body still, move the arm", "any"),
    FaultInfo("elbow_bent", "Elbow not straight", "Straighten your elbow", "any"),
    FaultInfo("short_range", "Range of motion short of target", "Reach a little further", "any"),
    FaultInfo("stepping", "Stepped or lifted the heels during the reach", "Keep your feet flat", "any"),
    FaultInfo("shoulder_hike", "Shoulder hiked up toward the ear", "Relax your shoulder down", "front"),
    FaultInfo("trunk_lean", "Trunk leaned to lift the arm", "Stand tall and still", "any"),
    # any sided exercise
    FaultInfo("asymmetry", "Left and right sides moved differently", "Use both sides evenly", "front"),
)}


def fault_info(code: str) -> FaultInfo:
    return FAULTS.get(code, FaultInfo(code, code.replace("_", " ").capitalize(), "", "any"))


def cue(code: str, exercise: str = "") -> str:
    """The short positive cue for ``code`` in ``exercise``: the exercise's own (its spec's ``cues``)
    where it has one, else the shared vocabulary's. The one answer for the live coach, the plain-words
    summary and the video overlay."""
    if exercise:
        from exercises import EXERCISES

        spec = EXERCISES.get(exercise)
        own = dict(spec.cues).get(code) if spec is not None else None
        if own:
            return own
    return fault_info(code).cue
