"""The one catalogue of validated tests: what each is, how it is run and what it is read against.

The CLI (``coach test``), the guided test in the app (``coach.app.guided_test``), the scoring
(``exercises.validated_tests.scoring``), the store and the reports all read ``TESTS``; an old
spelling of a test's id is read through ``canonical_test_id``, never written.
"""
from __future__ import annotations

from dataclasses import dataclass

from exercises import norms

CHAIR_STAND_DURATION_S = 30.0
CALF_RAISE_DURATION_S = 30.0
FTSTS_REPS = 5


@dataclass(frozen=True)
class TestSpec:
    """One validated test: its canonical id, the exercise that is analysed, its protocol and stop
    rule, what is measured, the recording it needs and the reference its norms come from."""

    __test__ = False
    id: str
    label: str  # its name for people
    exercise: str  # the exercise state machine that counts it
    unit: str
    duration_s: float | None  # stop rule: a timed test ends here ...
    stop_after: int | None  # ... a counted one at this rep (None for both: ends when the test is found done)
    steps: tuple[str, ...]  # the protocol in plain words, for the patient
    needs: str  # what to have ready
    norm_source: str  # where its norms come from (``exercises.norms``)
    value_range: tuple[float, float]  # a plausible score, in ``unit``: beyond it is a slip, a fault or a forgery
    min_fps: float  # below this the pose timing is too coarse for the norm
    max_uncertainty_s: float  # timing uncertainty above this cannot support the norm
    # Whether someone should stand beside the patient during it, said to the caregiver as why in
    # plain words; "" = not needed (as ``ExerciseSpec.spotting``).
    spotting: str = ""

    @property
    def needs_spotting(self) -> bool:
        return bool(self.spotting)


_CHAIR = "A firm chair without arms or wheels, its back against a wall"
_ARMS_CROSSED = "Cross your arms over your chest. Keep them there: do not push up with your hands."

TESTS: dict[str, TestSpec] = {t.id: t for t in (
    TestSpec("chair-stand-30s", "30-second chair stand", "sit-to-stand", "stands", CHAIR_STAND_DURATION_S, None,
             ("Sit in the middle of the chair, back straight, feet flat on the floor.", _ARMS_CROSSED,
              "When you see Go, stand up all the way, then sit all the way down.",
              "Keep going, as many times as you safely can. The coach stops after 30 seconds."),
             _CHAIR, norms.CHAIR_STAND_SOURCE, (0, 60), 10.0, 1.0),
    TestSpec("five-times-sts", "Five-times sit-to-stand", "sit-to-stand", "s", None, FTSTS_REPS,
             ("Sit in the middle of the chair, back against the backrest, feet flat.", _ARMS_CROSSED,
              "When you see Go, stand up all the way and sit down, five times, as quickly as you safely can.",
              "The coach stops by itself after the fifth stand."),
             _CHAIR, norms.FTSTS_SOURCE, (0, 300), 15.0, 0.5),
    TestSpec("functional-reach", "Functional reach", "reach", "cm", None, 5,
             ("Stand side-on to the camera, feet apart, next to a wall you do not touch.",
              "Raise your arm straight in front of you to shoulder height.",
              "When you see Go, reach forward as far as you can without stepping, then come back.",
              "Reach five times: two to practise, three that count. The coach stops by itself."),
             "Space in front of you, and a wall or counter close by in case you lose balance",
             norms.FRT_SOURCE, (0, 100), 10.0, 1.0,
             spotting="They reach forward as far as they can, and may lose balance."),
    TestSpec("calf-raise-30s", "30-second calf raise", "heel-raise", "raises", CALF_RAISE_DURATION_S, None,
             ("Stand side-on to the camera, holding a counter or chair back lightly for balance.",
              "When you see Go, rise up onto your toes as high as you can, then lower your heels.",
              "Keep going, as many times as you can. The coach stops after 30 seconds."),
             "A counter or a steady chair back to hold", norms.CALF_RAISE_SOURCE, (0, 150), 10.0, 1.0),
    TestSpec("timed-up-and-go", "Timed Up and Go", "sit-to-stand", "s", None, None,
             ("Put the laptop to the side of the chair, a little in front, so the camera sees the chair and "
              "a line on the floor 3 metres in front of it.",
              "Press Start, then sit back in the chair, feet flat: the coach counts down from 15. "
              "Use your walking stick or frame if you usually do.",
              "When you see Go, stand up, walk at your usual safe pace to the line, turn around, walk back "
              "and sit down again.",
              "The coach times you from standing up to sitting back, and stops by itself."),
             "A chair with arms, a line 3 metres in front of it (tape or a shoe), your usual walking aid",
             norms.TUG_SOURCE, (0, 600), 15.0, 0.5,
             spotting="They stand up, walk, turn and sit down again. Walk beside them."),
    TestSpec("gait-speed", "Gait speed (4-metre walk)", "stepping", "m/s", None, None,
             ("Put two marks on the floor 4 metres apart (tape or a shoe). Leave a metre free before the first "
              "mark and after the second.",
              "Put the laptop to the side, facing the middle between the marks, far enough back to see both "
              "marks and all of you, head to feet.",
              "Stand a metre before the first mark. When you see Go, walk at your usual pace past the second "
              "mark, and stop a metre after it.",
              "Turn round. Then walk back past both marks as fast as you safely can, and stop."),
             "Tape for two marks 4 metres apart, a metre free at each end, your usual walking aid",
             norms.GAIT_SOURCE, (0, 3.0), 20.0, 0.25,
             spotting="They walk as fast as they safely can. Walk beside them."),
)}
TEST_IDS = tuple(TESTS)
# The plausible range of each test's score (60 stands in 30 s is one every half second).
TEST_VALUE_RANGE = {t.id: t.value_range for t in TESTS.values()}

# Spellings used before the vocabulary was unified (stored rows, old callers): read, never written.
ALIASES = {
    "30s-chair-stand": "chair-stand-30s", "chair_stand_30s": "chair-stand-30s",
    "5x-sit-to-stand": "five-times-sts", "five_times_sts": "five-times-sts", "5xsts": "five-times-sts",
    "functional_reach": "functional-reach",
    "30s-calf-raise": "calf-raise-30s", "calf_raise_30s": "calf-raise-30s",
    "tug": "timed-up-and-go", "timed_up_and_go": "timed-up-and-go",
}


def canonical_test_id(name: str) -> str:
    """The canonical id for ``name`` (itself or an old spelling); ValueError names the choices."""
    key = (name or "").strip().lower()
    if key in TESTS:
        return key
    if key in ALIASES:
        return ALIASES[key]
    raise ValueError(f"unknown test '{name}': choose one of {', '.join(TEST_IDS)}")
