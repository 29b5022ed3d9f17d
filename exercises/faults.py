"""The fault vocabulary shared by exercises, the synthetic-video generator, cues and reports.

Codes are stable identifiers (stored in session records); ``cue`` is the short positive
instruction spoken or shown to the patient; ``label`` is what the physio reads; ``patient`` says
what happened in everyday words ("On the 3rd stand you pushed up with your hands"). An exercise
spec may word a cue or the patient's words its own way (``ExerciseSpec.cues``/``fault_words``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultInfo:
    code: str
    label: str
    cue: str
    view: str  # view the check needs: "side", "front" or "any"
    patient: str  # what happened, in the patient's words, after "On the 3rd stand ..."


FAULTS: dict[str, FaultInfo] = {f.code: f for f in (
    # sit-to-stand and squat
    FaultInfo("incomplete_stand", "Did not reach full standing (attempt not counted)", "Stand all the way up", "any",
              "you did not stand all the way up"),
    FaultInfo("trunk_flexion", "Excessive forward trunk lean", "Keep your chest up", "side",
              "you leaned far forward"),
    FaultInfo("hands_on_thighs", "Pushed on thighs or chair with the hands", "Cross your arms on your chest", "any",
              "you pushed up with your hands"),
    FaultInfo("uncontrolled_sit", "Dropped into the chair (descent much faster than rise)", "Nice and slow on the way down", "any",
              "you sat down quickly"),
    FaultInfo("lateral_shift", "Trunk shifted to one side", "Keep your weight in the middle", "front",
              "you leaned to one side"),
    FaultInfo("knee_valgus", "Knees collapsed inward", "Keep your knees over your toes", "front",
              "your knees moved inward"),
    FaultInfo("shallow_squat", "Squat not deep enough", "Bend a little deeper", "any",
              "the squat was not very deep"),
    # heel raise
    FaultInfo("heel_low", "Heels not lifted high enough", "Lift a little higher", "any",
              "your heels did not lift very high"),
    FaultInfo("knee_bend", "Knees bent during the raise", "Keep your knees straight", "side",
              "your knees bent"),
    FaultInfo("trunk_sway", "Trunk sway or loss of balance", "Hold on to the counter and stay tall", "any",
              "you swayed"),
    FaultInfo("no_control", "Heels dropped without control", "Lower your heels slowly", "any",
              "your heels dropped quickly"),
    # reach and arm raise
    FaultInfo("trunk_compensation", "Trunk moved to make up for the arm", "Keep your body still, move the arm", "any",
              "your body moved with the arm"),
    FaultInfo("elbow_bent", "Elbow not straight", "Straighten your elbow", "any",
              "your elbow was bent"),
    FaultInfo("short_range", "Range of motion short of target", "Reach a little further", "any",
              "the movement was a little short"),
    FaultInfo("stepping", "Stepped or lifted the heels during the reach", "Keep your feet flat", "any",
              "your feet moved"),
    FaultInfo("shoulder_hike", "Shoulder hiked up toward the ear", "Relax your shoulder down", "front",
              "your shoulder lifted toward your ear"),
    FaultInfo("trunk_lean", "Trunk leaned sideways", "Stand tall and still", "any",
              "your body leaned over"),
    # stepping in place
    FaultInfo("low_step", "Knee lifted less than the target", "Lift your knee a little higher", "any",
              "your knee did not come up very high"),
    # weight shift
    FaultInfo("short_hold", "Held at the side for less than the target", "Stay there a little longer", "front",
              "you did not stay there for long"),
    # step-ups
    FaultInfo("incomplete_step", "Did not step all the way up (attempt not counted)", "Step all the way up", "any",
              "you did not step all the way up"),
    FaultInfo("hand_support", "Held on with a hand (a rail, a counter or a thigh)", "Hold on only as much as you need",
              "any", "you held on with your hand"),
    # any sided exercise
    FaultInfo("asymmetry", "Left and right sides moved differently", "Use both sides evenly", "front",
              "one side moved differently from the other"),
)}


# What an upload's movement can be recognised as (``coach.app.recognise``; ``ExerciseSpec.motion_family``).
MOTION_FAMILIES = ("legs", "heels", "arms")


def fault_info(code: str) -> FaultInfo:
    """A stored code this coach no longer knows (an old record) still reads as words."""
    words = code.replace("_", " ")
    return FAULTS.get(code, FaultInfo(code, words.capitalize(), "", "any", words))


def _own_words(exercise: str, code: str, kind: str) -> str:
    from exercises import EXERCISES

    spec = EXERCISES.get(exercise) if exercise else None
    return dict(getattr(spec, kind)).get(code, "") if spec is not None else ""


def cue(code: str, exercise: str = "") -> str:
    """The short positive cue for ``code`` in ``exercise``: the exercise's own (its spec's ``cues``)
    where it has one, else the shared vocabulary's. The one answer for the live coach, the plain-words
    summary and the video overlay."""
    return _own_words(exercise, code, "cues") or fault_info(code).cue


def patient_words(code: str, exercise: str = "") -> str:
    """What happened, in the patient's words: the exercise's own (``fault_words``), else the shared one."""
    return _own_words(exercise, code, "fault_words") or fault_info(code).patient
