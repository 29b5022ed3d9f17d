"""Cues come from each exercise's spec (``ExerciseSpec.cues``) before the shared fault vocabulary:
a head turn short of its target is told to turn, not to "reach"; the live coach and the plain-words
summary ask the same function; a spec with a cue for a fault it never reports fails when it is made."""
from __future__ import annotations

from dataclasses import replace

import pytest

from exercises import EXERCISES
from exercises.faults import cue


def test_head_turn_cue_is_its_own_and_others_keep_the_shared_one():
    assert cue("short_range", "head-turn") == "Turn a little further, eyes on the target"
    assert cue("short_range", "reach") == cue("short_range") == "Reach a little further"


def test_live_coach_and_plain_words_use_the_exercise_cue():
    from coach.app.plain_words import summary
    from coach.live.cues import _fault_cue
    from tests.store.factories import make_rep

    assert _fault_cue("short_range", "head-turn").startswith("Turn a little further")
    lines = summary("head-turn", [make_rep(1, faults=("short_range",))])
    assert any("turn a little further" in line for line in lines), lines
    assert not any("reach" in line.lower() for line in lines)


def test_a_cue_for_a_fault_the_exercise_never_reports_fails_at_once():
    with pytest.raises(ValueError, match="cues for faults it never reports: stepping"):
        replace(EXERCISES["head-turn"], cues=(("stepping", "Keep your feet still"),))


def test_a_head_turn_within_the_measurement_margin_of_its_target_is_not_short():
    from coach.synth.scripts.head_turn import alternating
    from tests.neuro.test_head_turn import run

    _, ex, _ = run(alternating(6, 18.0))  # 90% of the 20-deg target: within the 4-deg margin
    assert [r for r in ex.reps if r.counted] and not any("short_range" in r.fault_codes for r in ex.reps)
    _, ex, _ = run(alternating(6, 14.0))  # 70%: short, said so
    assert all("short_range" in r.fault_codes for r in ex.reps if r.counted)
