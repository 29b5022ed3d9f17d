"""Programme fields for routines and pacing: routine, times, tempo (two forms), hold target;
validation messages, TOML round trip with line numbers, and old programmes still loading."""
from __future__ import annotations

from datetime import time

import pytest

from coach.programme import tomlfile
from coach.programme.model import HOLD_EXERCISES, ProgrammeError, from_dict
from coach.programme.progression import ProgressionRules, _step

NEW = """patient = "P001"

[[exercise]]
name = "sit-to-stand"
sets = 2
reps = 10
tempo_s = 4
routine = "Before  each meal"

[[exercise]]
name = "heel-raise"
reps = 20
tempo_per_min = 40
times = ["18:30", "8:00"]

[[exercise]]
name = "single-leg-stance"
reps = 3
hold_s = 20
support = "fingertips"
routine = "while brushing teeth"
"""


def _one(**fields):
    return from_dict({"patient": "P001", "exercise": [{"name": "sit-to-stand", **fields}]}).exercises[0]


def _problems(**fields) -> str:
    name = fields.pop("name", "sit-to-stand")
    with pytest.raises(ProgrammeError) as e:
        from_dict({"patient": "P001", "exercise": [{"name": name, **fields}]})
    return str(e.value)


def test_both_tempo_forms_give_the_same_beat():
    every_4_s = _one(tempo_s=4)
    fifteen_a_minute = _one(tempo_per_min=15)
    assert every_4_s.tempo.period_s == pytest.approx(fifteen_a_minute.tempo.period_s) == 4.0
    assert fifteen_a_minute.tempo.per_min == pytest.approx(15.0)
    assert every_4_s.tempo_text == "one every 4 s" and fifteen_a_minute.tempo_text == "15 a minute"
    assert _one().tempo is None and _one().tempo_text == ""  # the patient's own pace


def test_tempo_and_hold_are_checked():
    assert "not both" in _problems(tempo_s=4, tempo_per_min=15)
    assert "tempo_per_min must be a number from 3 to 120" in _problems(tempo_per_min=400)
    assert "tempo_s must be a number from 0.5 to 20" in _problems(tempo_s=0)
    assert "hold_s is for balance holds" in _problems(hold_s=20)
    assert "single-leg-stance" in HOLD_EXERCISES and "tandem-stance" in HOLD_EXERCISES
    assert "timed hold: set hold_s" in _problems(name="tandem-stance", tempo_s=3)
    assert "hold_s must be a number from 1 to 600" in _problems(name="tandem-stance", hold_s=0)


def test_times_are_normalised_and_checked():
    assert _one(times=["18:30", "8:00", "08.00", "12h15"]).times == ("08:00", "12:15", "18:30")
    assert _one(times=[time(7, 5)]).times == ("07:05",)  # a TOML local time
    assert _one(times="9:00").times == ("09:00",)
    for bad in (["25:00"], ["noon"], ["8"], [8], ["08:60"]):
        assert "not a time of day" in _problems(times=bad)
    assert "up to 6 times" in _problems(times=[f"{h:02d}:00" for h in range(7, 15)])


def test_routine_implies_times_and_own_times_win():
    meals = _one(routine="Before  each meal")
    assert meals.routine == "Before each meal"  # spacing tidied, the physio's words kept
    assert meals.times == () and meals.effective_times == ("08:00", "12:30", "18:00")
    assert _one(routine="before each meal", times=["07:00"]).effective_times == ("07:00",)
    assert _one(routine="while the kettle boils").effective_times == ()  # no fixed time
    assert _one(routine="after my walk").effective_times == ()  # the physio's own words are fine
    assert "a few words" in _problems(routine="x" * 61)


def test_toml_round_trip_keeps_the_new_fields():
    programme = tomlfile.loads(NEW)
    again = tomlfile.loads(tomlfile.dumps(programme))
    assert again.exercises == programme.exercises
    sts, heel, sls = programme.exercises
    assert (sts.tempo_s, sts.routine, heel.tempo_per_min, heel.times) == (4.0, "Before each meal", 40.0,
                                                                          ("08:00", "18:30"))
    assert (sls.hold_s, sls.routine, sls.is_hold) == (20.0, "while brushing teeth", True)
    text = tomlfile.dumps(programme)
    assert 'times = ["08:00", "18:30"]' in text and "tempo_per_min = 40.0" in text


def test_old_programme_without_the_fields_loads_and_exports_without_them():
    old = tomlfile.loads('patient = "P001"\n[[exercise]]\nname = "squat"\nreps = 8\n')
    e = old.exercises[0]
    assert (e.routine, e.times, e.tempo_per_min, e.hold_s, e.effective_times) == ("", (), None, None, ())
    text = tomlfile.dumps(old)
    keys = {line.split(" = ")[0] for line in text.splitlines() if " = " in line}
    assert not keys & {"routine", "times", "hold_s", "tempo_per_min"}


def test_file_errors_name_the_line():
    bad = NEW.replace('times = ["18:30", "8:00"]', 'times = ["18:30", "25:00"]').replace("hold_s = 20", "hold_s = 0")
    with pytest.raises(tomlfile.ProgrammeFileError) as e:
        tomlfile.loads(bad, source="p.toml")
    lines = str(e.value).splitlines()
    assert any(x.startswith("p.toml line 14: exercise 2 (heel-raise)") and "25:00" in x for x in lines)
    assert any(x.startswith("p.toml line 19: exercise 3 (single-leg-stance)") and "hold_s" in x for x in lines)


def test_progression_leaves_a_metronome_rate_and_holds_alone():
    rules = ProgressionRules(progress_order=("tempo",))
    assert _step(_one(tempo_s=2), rules.progress_order, rules, harder=True) == {"tempo_s": 3.0}
    assert _step(_one(tempo_per_min=40), rules.progress_order, rules, harder=True) == {}
    hold = from_dict({"patient": "P001", "exercise": [{"name": "single-leg-stance", "hold_s": 10}]}).exercises[0]
    assert _step(hold, rules.progress_order, rules, harder=True) == {}


def _hold_session(holds_s, sid=1, day=1):
    from datetime import date

    from tests.programme.factories import record

    return record("single-leg-stance", date(2026, 12, day), holds_s=holds_s, sid=sid)


def test_a_hold_target_is_met_only_by_holds_that_lasted_it_and_progresses_the_time():
    from coach.programme.progression import suggest

    programme = from_dict({"patient": "P001", "exercise": [{"name": "single-leg-stance", "reps": 3, "hold_s": 20}]})
    short = [_hold_session((21.0, 8.0, 22.0), sid=k, day=k) for k in range(1, 4)]  # one hold of each short
    found = suggest(programme, short)
    assert [s.kind for s in found] == ["regress"] and found[0].change == {"hold_s": 15.0}
    assert "target not reached" in found[0].reason
    long_enough = [_hold_session((20.5, 24.0, 30.0, 19.0), sid=k, day=k) for k in range(1, 4)]
    (s,) = suggest(programme, long_enough)
    assert s.kind == "progress" and s.change == {"hold_s": 25.0}  # longer before more holds
    at_max = from_dict({"patient": "P001", "exercise": [{"name": "single-leg-stance", "reps": 3, "hold_s": 60}]})
    assert suggest(at_max, [_hold_session((61.0,) * 3, sid=k, day=k) for k in range(1, 4)])[0].change == {"reps": 5}
    no_target = from_dict({"patient": "P001", "exercise": [{"name": "single-leg-stance", "reps": 3}]})
    assert suggest(no_target, [_hold_session((4.0, 5.0, 6.0), sid=k, day=k) for k in range(1, 4)])[0].change == {"reps": 5}
