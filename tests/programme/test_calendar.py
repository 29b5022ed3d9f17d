"""The iCalendar export, parsed back with the icalendar library: one recurring event per exercise
and time, at the right local times on the right days, with a reminder, stable UIDs and nothing
that identifies the patient."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from coach.programme.calendar import ANYTIME_AT, local_zone, programme_calendar, to_ics
from coach.programme.model import from_dict

TUESDAY = date(2026, 12, 1)


def _programme(version=3):
    from dataclasses import replace

    p = from_dict({"patient": "P001", "exercise": [
        {"name": "sit-to-stand", "sets": 2, "reps": 10, "tempo_s": 4, "routine": "before each meal",
         "notes": "Use the kitchen chair."},
        {"name": "heel-raise", "reps": 20, "tempo_per_min": 40, "times": ["07:30"], "days": ["mon", "wed", "fri"]},
        {"name": "single-leg-stance", "reps": 3, "hold_s": 20, "support": "fingertips"},
    ]})
    return replace(p, version=version)


def _events(data: bytes) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def _occurrences(event, until: datetime) -> list[datetime]:
    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    return list(rule.between(start - timedelta(seconds=1), until, inc=True))


def test_one_recurring_event_per_exercise_and_time():
    events = _events(to_ics(_programme(), tz="Europe/London", start=TUESDAY))
    starts = sorted((e.decoded("dtstart").time(), str(e["summary"])) for e in events)
    assert starts == [(time(7, 30), "Heel raise 1 x 20"), (time(8, 0), "Sit to stand 2 x 10"),
                      (time(10, 0), "Standing on one leg 3 holds of 20 s"),
                      (time(12, 30), "Sit to stand 2 x 10"), (time(18, 0), "Sit to stand 2 x 10")]
    assert ANYTIME_AT == "10:00"  # the hold has no time: its reminder is at ANYTIME_AT, and says so
    hold = next(e for e in events if "one leg" in str(e["summary"]))
    assert "any time of the day" in str(hold["description"])
    for e in events:
        assert e.decoded("dtstart").tzinfo.key == "Europe/London"
        assert str(e["dtstart"].params["TZID"]) == "Europe/London"
        (alarm,) = e.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == timedelta(0)
        assert int(e["sequence"]) == 3
    cal = icalendar.Calendar.from_ical(to_ics(_programme(), tz="Europe/London", start=TUESDAY))
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_daily_and_weekday_rules_give_the_right_days_through_a_clock_change():
    events = _events(to_ics(_programme(), tz="Europe/London", start=TUESDAY))
    lunch = next(e for e in events if e.decoded("dtstart").time() == time(12, 30))
    assert lunch["rrule"]["FREQ"] == ["DAILY"] and lunch.decoded("dtstart").date() == TUESDAY
    days = _occurrences(lunch, datetime(2026, 12, 7, 23, tzinfo=ZoneInfo("Europe/London")))
    assert [d.date() for d in days] == [TUESDAY + timedelta(days=k) for k in range(7)]
    heel = next(e for e in events if "Heel" in str(e["summary"]))
    assert heel["rrule"]["FREQ"] == ["WEEKLY"] and heel["rrule"]["BYDAY"] == ["MO", "WE", "FR"]
    assert heel.decoded("dtstart").date() == date(2026, 12, 2)  # the first Wednesday, not the Tuesday
    spring = _occurrences(heel, datetime(2027, 4, 3, tzinfo=ZoneInfo("Europe/London")))
    assert {d.strftime("%a") for d in spring} == {"Mon", "Wed", "Fri"}
    assert {d.strftime("%H:%M") for d in spring} == {"07:30"}  # 07:30 on the wall clock, winter and summer
    assert {d.utcoffset() for d in spring} == {timedelta(0), timedelta(hours=1)}


def test_description_carries_dosage_routine_tempo_and_safety_but_not_the_patient():
    data = to_ics(_programme(), tz="Europe/London", start=TUESDAY)
    events = _events(data)
    lunch = next(e for e in events if e.decoded("dtstart").time() == time(12, 30))
    text = str(lunch["description"])
    assert "2 x 10" in text and "metronome 15 a minute (one every 4 s)" in text
    assert "Before lunch (12:30)" in text and "Use the kitchen chair." in text
    assert "Safety:" in text and "Rest 60 s between sets" in text
    assert b"P001" not in data  # goes to a phone (and maybe its cloud): no patient code, not even in UIDs
    assert str(lunch["class"]) == "PRIVATE"


def test_uids_are_stable_across_versions_and_distinct_per_time():
    first = {str(e["summary"]) + e.decoded("dtstart").strftime("%H%M"): str(e["uid"])
             for e in _events(to_ics(_programme(version=3), tz="Europe/London", start=TUESDAY))}
    later = {str(e["summary"]) + e.decoded("dtstart").strftime("%H%M"): str(e["uid"])
             for e in _events(to_ics(_programme(version=4), tz="Europe/London", start=date(2027, 1, 5)))}
    assert first == later and len(set(first.values())) == 5
    other = programme_calendar(from_dict({"patient": "P002", "exercise": [
        {"name": "sit-to-stand", "routine": "before each meal"}]}), tz="Europe/London", start=TUESDAY)
    assert not {str(e["uid"]) for e in other.walk("VEVENT")} & set(first.values())  # another patient's differ


def test_floating_times_without_a_zone_and_bad_zones_refused():
    events = _events(to_ics(_programme(), tz=None, start=TUESDAY))
    assert all(e.decoded("dtstart").tzinfo is None for e in events)  # 08:00 wherever the phone is
    assert not icalendar.Calendar.from_ical(to_ics(_programme(), start=TUESDAY)).walk("VTIMEZONE")
    with pytest.raises(ValueError, match="unknown time zone"):
        to_ics(_programme(), tz="Mars/Olympus", start=TUESDAY)
    zone = local_zone()
    assert zone is None or ZoneInfo(zone)


def test_cli_writes_the_file(tmp_path, monkeypatch, capsys):
    from coach.cli import main
    from coach.store import Store

    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    with Store.open() as store:
        store.add_patient("P001")
        store.save_programme(_programme())
    out = tmp_path / "programme.ics"
    assert main(["programme", "ics", "P001", "--out", str(out), "--tz", "America/New_York",
                 "--start", "2026-12-01"]) == 0
    assert "5 recurring reminder(s)" in capsys.readouterr().out
    events = _events(out.read_bytes())
    assert len(events) == 5 and {e.decoded("dtstart").tzinfo.key for e in events} == {"America/New_York"}
    assert main(["programme", "ics", "P001", "--tz", "Nowhere/Atall"]) == 2


def test_cli_set_switches_the_tempo_form_and_today_prints_the_day(tmp_path, monkeypatch, capsys):
    from coach.cli import main
    from coach.store import Store

    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    with Store.open() as store:
        store.add_patient("P001")
        store.save_programme(_programme())
    assert main(["programme", "set", "P001", "sit-to-stand", "tempo_per_min=20", "routine=before breakfast"]) == 0
    with Store.open() as store:
        item = store.programme("P001").exercise("sit-to-stand")
    assert (item.tempo_per_min, item.tempo_s, item.effective_times) == (20.0, None, ("08:00",))
    capsys.readouterr()
    assert main(["today", "P001"]) == 0
    out = capsys.readouterr().out
    assert "Before breakfast (08:00):" in out and "Sit to stand 2 x 10, metronome 20 a minute" in out
    assert "This week:" in out and "A new week is a fresh start" in out


def test_a_computer_on_plain_utc_gives_floating_times(monkeypatch):
    import tzlocal

    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Etc/UTC")
    assert local_zone() is None
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Europe/Berlin")
    assert local_zone() == "Europe/Berlin"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Not/AZone")
    assert local_zone() is None
