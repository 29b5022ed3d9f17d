"""The physio's programme table: tempo in either form, hold target, routine and times survive a
round trip through the table, and bad cells are named by the programme check."""
from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from coach.app.pages.programme import day_plan, programme_from_table, table, tempo_values  # noqa: E402
from coach.programme.model import ProgrammeError, from_dict  # noqa: E402


def _current():
    return from_dict({"patient": "P001", "exercise": [
        {"name": "sit-to-stand", "sets": 2, "tempo_s": 4, "routine": "before each meal"},
        {"name": "heel-raise", "tempo_per_min": 40, "times": ["07:30", "19:00"], "days": ["mon", "thu"]},
        {"name": "tandem-stance", "reps": 3, "hold_s": 30, "routine": "while the kettle boils"},
    ]})


def test_tempo_cells_in_both_forms():
    assert tempo_values("40/min") == tempo_values("40 per minute") == tempo_values("40 a min") == {"tempo_per_min": 40.0}
    assert tempo_values("4") == tempo_values("4 s") == tempo_values("4,0") == {"tempo_s": 4.0}
    assert tempo_values("") == tempo_values(None) == {} and tempo_values(2.5) == {"tempo_s": 2.5}
    assert tempo_values("slow") == {"tempo_s": "slow"}  # passed on: the check names it


def test_table_round_trip_keeps_every_new_field():
    current = _current()
    df = table(current)
    assert list(df["tempo_s"]) == ["4", "40/min", ""] and list(df["hold_s"]) == ["", "", "30"]
    assert list(df["times"]) == ["", "07:30 19:00", ""] and df.loc[0, "routine"] == "before each meal"
    again = programme_from_table(df, "P001", "AB", "same", current)
    assert again.exercises == current.exercises


def test_edits_in_the_table_are_validated():
    df = table(_current())
    df.loc[1, "tempo_s"] = "30/min"
    df.loc[1, "times"] = "8:00, 18:30"
    df.loc[2, "hold_s"] = "45"
    edited = programme_from_table(df, "P001", "AB", "edit")
    heel, hold = edited.exercise("heel-raise"), edited.exercise("tandem-stance")
    assert heel.tempo_per_min == 30.0 and heel.tempo_s is None and heel.times == ("08:00", "18:30")
    assert hold.hold_s == 45.0
    df.loc[0, "hold_s"] = "20"  # a hold target on a sit-to-stand
    df.loc[1, "times"] = "25:00"
    with pytest.raises(ProgrammeError) as e:
        programme_from_table(df, "P001", "AB", "bad")
    assert "hold_s is for balance holds" in str(e.value) and "25:00" in str(e.value)


def test_the_patients_day_preview():
    plan = day_plan(_current())
    assert [h for h, _ in plan] == ["At 07:30", "Before breakfast (08:00)", "Before lunch (12:30)",
                                    "Before dinner (18:00)", "At 19:00", "While the kettle boils"]
    assert plan[0][1] == ["Heel raise 1 x 10, metronome 40 a minute (mon thu)"]
    assert plan[-1][1] == ["Tandem stance 3 holds of 30 s"]
