"""Routines and the day laid out by occasion: headings, order, and which times are ticked off."""
from __future__ import annotations

from datetime import date

from coach.programme.model import from_dict
from coach.programme.routines import SUGGESTIONS, find, implied_times, occasion
from coach.programme.schedule import due, due_by_routine
from coach.programme.wording import dosage, line
from tests.programme.factories import summary

TUESDAY = date(2026, 12, 1)


def _programme(*items):
    return from_dict({"patient": "P001", "exercise": list(items)})


def test_routine_words_and_headings():
    assert "before each meal" in SUGGESTIONS and "while brushing teeth" in SUGGESTIONS
    assert find("  Before Each   MEAL ") is find("before each meal")
    assert implied_times("before each meal") == ("08:00", "12:30", "18:00")
    assert occasion("before each meal", "12:30") == "Before lunch (12:30)"
    # the physio moved the times: the routine's own words, not a meal name that may not fit
    assert occasion("before each meal", "07:00", ("07:00", "12:00", "17:00")) == "Before each meal (07:00)"
    assert occasion("after my walk", "16:00") == "After my walk (16:00)"
    assert occasion("while the kettle boils", None) == "While the kettle boils"
    assert occasion("", "10:00") == "At 10:00" and occasion("", None) == "Any time today"


def test_the_day_in_order_with_meals_split_and_rest_days_left_out():
    programme = _programme(
        {"name": "sit-to-stand", "sets": 2, "reps": 10, "tempo_s": 4, "routine": "before each meal"},
        {"name": "heel-raise", "reps": 20, "tempo_per_min": 40, "times": ["08:00"]},
        {"name": "reach", "routine": "while the kettle boils"},
        {"name": "squat", "days": ["sun"], "times": ["09:00"]},
    )
    groups = due_by_routine(programme, [], TUESDAY)
    assert [g.heading for g in groups] == ["Before breakfast (08:00)", "Before lunch (12:30)",
                                           "Before dinner (18:00)", "While the kettle boils"]
    assert [s.item.exercise for g in groups for s in g.slots] == ["sit-to-stand", "heel-raise", "sit-to-stand",
                                                                  "sit-to-stand", "reach"]
    assert not any(g.done for g in groups)
    daily = {d.item.exercise: d for d in due(programme, [], TUESDAY)}
    assert daily["sit-to-stand"].sets_per_day == 6 and daily["sit-to-stand"].sets_left == 6  # 2 sets x 3 meals
    assert not daily["squat"].due_today and daily["squat"].sets_left == 0


def test_done_sessions_tick_off_the_right_time_of_day():
    programme = _programme({"name": "sit-to-stand", "sets": 1, "routine": "before each meal"})

    def done(*sessions):
        return [s.sets_done for g in due_by_routine(programme, list(sessions), TUESDAY) for s in g.slots]

    assert done() == [0, 0, 0]
    assert done(summary("sit-to-stand", TUESDAY, "07:50")) == [1, 0, 0]
    assert done(summary("sit-to-stand", TUESDAY, "11:00")) == [1, 0, 0]  # breakfast's, done late
    # three sessions at breakfast time: lunch's window (from 10:15) has not opened, dinner's neither
    assert done(*(summary("sit-to-stand", TUESDAY, "08:05", sid=k) for k in range(3))) == [1, 0, 0]
    assert done(summary("sit-to-stand", TUESDAY, "08:00", sid=1),
                summary("sit-to-stand", TUESDAY, "12:40", sid=2)) == [1, 1, 0]
    # breakfast missed, one session at lunch: it ticks off the earliest time not yet done
    assert done(summary("sit-to-stand", TUESDAY, "12:40")) == [1, 0, 0]
    # another exercise, another day, or nothing counted: not this one's
    assert done(summary("squat", TUESDAY, "08:00"), summary("sit-to-stand", date(2026, 11, 30), "08:00"),
                summary("sit-to-stand", TUESDAY, "08:00", reps=0)) == [0, 0, 0]
    groups = due_by_routine(programme, [summary("sit-to-stand", TUESDAY, "08:00")], TUESDAY)
    assert groups[0].done and not groups[1].done


def test_item_without_a_time_counts_all_of_the_days_sets():
    programme = _programme({"name": "squat", "sets": 3})
    (group,) = due_by_routine(programme, [summary("squat", TUESDAY, "08:00", sets=2)], TUESDAY)
    assert group.heading == "Any time today" and group.slots[0].sets_left == 1


def test_dosage_in_plain_words():
    sts, heel, sls = _programme(
        {"name": "sit-to-stand", "sets": 2, "reps": 10, "tempo_s": 4, "side": "left"},
        {"name": "heel-raise", "reps": 20, "tempo_per_min": 40, "support": "one-hand"},
        {"name": "single-leg-stance", "reps": 3, "hold_s": 20, "support": "fingertips"},
    ).exercises
    assert line(sts) == "Sit to stand 2 x 10, left side, metronome 15 a minute (one every 4 s)"
    assert dosage(heel) == "1 x 20, hold on with one hand, metronome 40 a minute"
    assert dosage(sls) == "3 holds of 20 s, fingertips on the support"
